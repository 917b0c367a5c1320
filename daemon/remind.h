#ifndef NTM_REMIND_H
#define NTM_REMIND_H

#include <sqlite3.h>
#include <time.h>

#include "config.h"
#include "mail.h"
#include "workday.h"

/* After a restart: reminders caught mid-send go back to pending. Their Message-ID is
 * deterministic, so a mail that did arrive is recognisable as the same one. */
void remind_recover(sqlite3 *db);
/* Plan the reminders of every open, dated deadline or report for each lead unit with
 * an address: at each lead day of the policy (on the working day before, when that day
 * is off), then "late" on the first working day past the due day when a latest day
 * follows it, and "overdue" on the first working day past the latest day. Idempotent;
 * it moves pending ones whose deadline moved. Returns -1 on a database error. */
int remind_plan(sqlite3 *db, const struct config *c, struct workcal *cal);
/* Send every reminder due at `now`: one mail a unit with all its items. Of several
 * instants of one item that passed (ntmd was not running), only the latest is sent. */
void remind_run(sqlite3 *db, const struct config *c, struct mailer *mr, time_t now);
/* When the next reminder is due (or retried); 0 if none is pending. */
time_t remind_next(sqlite3 *db);

#endif
