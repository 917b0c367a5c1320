#ifndef NTM_DIGEST_H
#define NTM_DIGEST_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "donelink.h"

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

#endif
