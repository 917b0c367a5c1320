#ifndef NTM_CTL_FOLLOW_H
#define NTM_CTL_FOLLOW_H

#include <sqlite3.h>

#include "config.h"
#include "meeting.h"

/* ntmctl's follow-through commands. Each returns 0 or a sysexits.h code, having said
 * why on stderr. */

/* ntmctl done ID [--note TEXT] [--link URL]: item id done, by done_mark() as a done
 * link does; the operator ($USER) is the actor. */
int ctl_done(sqlite3 *db, long long id, const char *note, const char *link);
/* ntmctl done-url ID --unit CODE: the signed link (base_url and path) by which the unit
 * may report item id done, for a coordinator to pass on; the key is ntmd's, not made. */
int ctl_done_url(const struct config *c, sqlite3 *db, long long id, sqlite3_int64 unit);
/* ntmctl schedule ID …: set, move or cancel meeting id as m says, the days off of cal
 * refused unless m->force; the outcome printed. */
int ctl_schedule(sqlite3 *db, struct workcal *cal, long long id, const struct meeting_set *m);
/* ntmctl audit [--plan CODE] [--json]: the trail, oldest first; only plan's items
 * unless plan is 0. */
int ctl_audit(sqlite3 *db, sqlite3_int64 plan, int json);
/* ntmctl outbox [--failed] [--json]: every reminder (only the dead ones with failed),
 * by fire_at. */
int ctl_outbox(sqlite3 *db, int failed, int json);

#endif
