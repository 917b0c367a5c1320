#ifndef NTM_INVITE_H
#define NTM_INVITE_H

#include <sqlite3.h>
#include <time.h>

#include "config.h"
#include "digest.h"

/* Compose the mail telling `unit` of the meetings whose invitations were claimed under
 * msgid: set, moved or cancelled, with the day and hours in Vietnamese form ("8 giờ 00,
 * thứ Năm, 15/03/2018"), the place, the note, and an .ics attachment that updates the
 * same event (same UID, the new SEQUENCE). Free with digest_free(). NULL (logged) if
 * the unit has no address or the database fails. */
struct digest *invite_build(sqlite3 *db, const struct config *c, sqlite3_int64 unit,
    const char *msgid, time_t now);

#endif
