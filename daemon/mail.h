#ifndef NTM_MAIL_H
#define NTM_MAIL_H

#include <stddef.h>
#include <time.h>

#include "config.h"

/* A message to compose; strings are UTF-8 and owned by the caller. */
struct mail {
	const char	 *from;		/* "Name <addr>" */
	const char	 *to_name;	/* display name for every recipient */
	const char	**to;		/* addresses */
	size_t		  nto;
	const char	 *subject;
	const char	 *text, *html;	/* bodies, '\n' line ends */
	const char	 *ics;		/* calendar attachment (CRLF), or NULL */
	const char	 *ics_name;	/* its ASCII file name */
	const char	 *message_id;	/* without the angle brackets */
	time_t		  date;
};

/* The message as RFC 5322 text with CRLF line ends: RFC 2047 encoded-words for non-ASCII
 * headers, multipart/mixed of multipart/alternative and the attachment. Allocated. */
char *mail_compose(const struct mail *m);

enum mail_result {
	MAIL_SENT,
	MAIL_RETRY,	/* network trouble or a 4xx reply: try again later */
	MAIL_REJECTED	/* a 5xx reply: do not try again */
};

struct mailer;

/* A transport for the config's smtp.url (smtp://, smtps:// or file:DIR). */
struct mailer *mailer_new(const struct config *c);
void mailer_free(struct mailer *mr);
/* Deliver a composed message to the addresses. *detail (allocated) says what happened:
 * the server's reply code or the error. Connections are reused between calls. */
enum mail_result mailer_send(struct mailer *mr, const char *from_addr, const char **to,
    size_t nto, const char *message, char **detail);

#endif
