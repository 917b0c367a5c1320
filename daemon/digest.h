#ifndef NTM_DIGEST_H
#define NTM_DIGEST_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "donelink.h"
#include "xalloc.h"

/* One unit's reminder mail, composed and ready to send. */
struct digest {
	char	**to;		/* the unit's addresses */
	size_t	  nto;
	char	 *to_list;	/* the same, comma-separated, for the log */
	char	 *unit_code;
	char	 *message;	/* the whole RFC 5322 message */
};

/* Compose the mail to `unit` listing the items of the reminders claimed under msgid,
 * in Vietnamese, with their state at `now`: its own items with their done links (signed
 * with key; none if NULL), the late units' items it must urge, the undelivered
 * reminders it must know of; Reply-To the coordination unit. Free with digest_free().
 * NULL (logged) if the unit has no address or the database fails; NULL with *nothing
 * set if no item claimed under msgid is still open. */
struct digest *digest_build(sqlite3 *db, const struct config *c, const struct donekey *key,
    sqlite3_int64 unit, const char *msgid, time_t now, int *nothing);
void digest_free(struct digest *dg);

/* What every mail to a unit has, for the other mails (invitations). */
/* The unit's code and addresses into dg, its name into *name (allocated); -1 if it has
 * no address or the database fails. */
int digest_recipient(sqlite3 *db, sqlite3_int64 unit, struct digest *dg, char **name);

/* Whom to ask: the coordination unit of the unit's organisation (one with an address
 * first); empty strings for what the plan leaves out, every member NULL if there is
 * none. */
struct digest_contact {
	long long	 id;
	char		*name, *phone, *address, *email;
};

/* 0, or -1 on a database error. */
int digest_contact_load(sqlite3 *db, sqlite3_int64 unit, struct digest_contact *k);
/* A mail's start in both bodies: "Kính gửi: <unit>", the intro paragraph. */
void digest_open(struct buf *text, struct buf *html, const char *unit_name,
    const char *intro);
/* A mail's end: whom to ask (not for the coordination unit itself: self), the unit's
 * feed to subscribe to, the signature. */
void digest_close(struct buf *text, struct buf *html, const struct digest_contact *k,
    int self, const char *feed_url);
/* "Cần trao đổi, xin liên hệ …" in both bodies. */
void digest_contact_render(struct buf *text, struct buf *html,
    const struct digest_contact *k);
void digest_contact_free(struct digest_contact *k);
/* An item's labelled line in both bodies ("   Chỉ đạo: …"), left out when value is
 * empty or NULL. */
void digest_field(struct buf *text, struct buf *html, const char *label, const char *value);

#endif
