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
	const char	 *reply_to_name, *reply_to;	/* whom a reply reaches, or NULL */
	const char	 *subject;
	const char	 *text, *html;	/* bodies, '\n' line ends */
	const char	 *ics;		/* calendar attachment (CRLF), or NULL */
	const char	 *ics_name;	/* its ASCII file name */
	const char	 *ics_method;	/* NULL: a published calendar (METHOD:PUBLISH); "REQUEST"
					 * or "CANCEL": an invitation (iTIP, RFC 6047), also
					 * inline as the last alternative, as clients expect */
	const char	 *message_id;	/* without the angle brackets */
	time_t		  date;
};

/* Whether addr is a plain local@domain that can go into a header as it is. */
int mail_address_ok(const char *addr);
/* The message as RFC 5322 text with CRLF line ends: RFC 2047 encoded-words for non-ASCII
 * headers, multipart/mixed of multipart/alternative and the attachment. Allocated. */
char *mail_compose(const struct mail *m);

enum mail_result {
	MAIL_SENT,
	MAIL_RETRY,	/* network trouble or a 4xx reply: try again later */
	MAIL_REJECTED,	/* a 5xx reply: do not try again */
	MAIL_CONFIG,	/* the configuration cannot work with this server (TLS required and
			 * not offered, credentials refused, an untrusted certificate):
			 * no message can go until an operator changes it */
	MAIL_NOT_SENT	/* never tried (the mailer stopped first) */
};

struct mailer;

/* Called once a message's delivery ends: detail is the server's reply code or the error. */
typedef void mail_done_fn(void *arg, enum mail_result r, const char *detail);

/* A transport for the config's smtp.url (smtp://, smtps:// or file:DIR). SMTP runs in
 * smtp.connections worker threads, each with one connection kept between messages, so
 * that the caller's loop never waits on the network. It copies what it needs of c.
 * NULL (logged) if the system will not give it a thread or an eventfd. */
struct mailer *mailer_new(const struct config *c);
/* Start no more messages: those not started end as MAIL_NOT_SENT (mailer_run() tells),
 * the ones on the wire go on. For a stop that waits for them. */
void mailer_finish(struct mailer *mr);
/* Wait for the messages in flight (now: end them within about a second) and report
 * them, and as MAIL_NOT_SENT those never started, through their done functions. */
void mailer_free(struct mailer *mr, int now);
/* Start delivering message (allocated; the mailer takes it) to the addresses. done()
 * is called from mailer_run(), or before this returns for file:. */
void mailer_send(struct mailer *mr, const char *from_addr, const char **to, size_t nto,
    char *message, mail_done_fn *done, void *arg);
/* How many more messages may be handed over now: a few are kept waiting for each
 * connection, composed while the ones before them are sent. */
size_t mailer_free_slots(const struct mailer *mr);
/* A number of its own for each mailer made: a new one is a new configuration. */
unsigned mailer_serial(const struct mailer *mr);
/* Once a message ends MAIL_CONFIG, the others end so too, untried, until this is called. */
void mailer_try_again(struct mailer *mr);
/* Whether the mailer sends as c says (a reload need not replace it). */
int mailer_same(const struct mailer *mr, const struct config *c);
/* Messages handed over and not yet reported. */
size_t mailer_busy(const struct mailer *mr);
/* The descriptor that becomes readable when a delivery has ended. */
int mailer_fd(const struct mailer *mr);
/* Call the done functions of the deliveries that ended. */
void mailer_run(struct mailer *mr);

#endif
