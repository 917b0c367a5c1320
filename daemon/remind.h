#ifndef NTM_REMIND_H
#define NTM_REMIND_H

#include <sqlite3.h>
#include <time.h>

#include "config.h"
#include "donelink.h"
#include "mail.h"
#include "workday.h"

/* After a restart: reminders caught mid-send go back to pending. Their Message-ID is
 * deterministic, so a mail that did arrive is recognisable as the same one. */
void remind_recover(sqlite3 *db);
/* Plan the reminders of the open, dated deadlines and reports whose ids are in
 * (after, upto], for each lead unit with an address (or, when none has one, the plan's
 * coordination unit): at each lead day of the policy (on the working day before, when
 * that day is off), then "late" on the first working day past the due day when a latest
 * day follows it, and "overdue" on the first working day past the latest day; and
 * "escalate-1" for the directing and coordination units, escalate_after working days
 * past the latest day. Reminders of those items that closed, or of units no longer to be
 * told, are cancelled; those noted in table replan are forgotten there. Idempotent; it
 * moves pending ones whose deadline moved, and brings back those already sent whose new
 * time is after now. Run it in a write transaction (BEGIN IMMEDIATE). -1 on a database
 * error. */
int remind_plan_range(sqlite3 *db, const struct config *c, struct workcal *cal,
    sqlite3_int64 after, sqlite3_int64 upto, time_t now);
/* The same for the items noted in replan (another writer changed their dates or
 * status), and forget them there. */
int remind_plan_changed(sqlite3 *db, const struct config *c, struct workcal *cal,
    time_t now);
/* The highest item id (0 if none, -1 on an error): where a full plan ends. */
sqlite3_int64 remind_last_item(sqlite3 *db);
/* The sending side of the outbox: messages claimed, in flight, and ended but not yet
 * recorded. Outcomes are recorded as soon as the loop hears of them, so after a crash
 * at most the messages on the wire go out again, with the same Message-ID; none is
 * lost. */
struct sender;

struct sender *remind_sender_new(sqlite3 *db, const struct donekey *key);
/* Claimed messages never handed to a mailer go back to the outbox. */
void remind_sender_free(struct sender *s);
/* One step, never waiting: record what ended, then, unless stopping or mr is NULL, claim
 * what is due at now (one mail a unit with all its items; of several instants of one
 * item that passed, only the latest) and hand up to a batch of it to mr while it has
 * free connections. */
void remind_work(struct sender *s, const struct config *c, struct workcal *cal,
    struct mailer *mr, time_t now, int stopping);
/* Messages handed to the mailer whose end is not known yet. */
size_t remind_in_flight(const struct sender *s);
/* Milliseconds until remind_work() has a message to hand over, given the next reminder
 * due (remind_next()) and now; -1 for none. While the SMTP server refuses the mailer's
 * configuration (MAIL_CONFIG), nothing is handed over until the configuration changes
 * or an hour has passed. */
int remind_ready_in_ms(const struct sender *s, time_t next, time_t now);
/* Milliseconds until remind_work() must run to record ended messages; -1 for none. */
int remind_settle_in_ms(const struct sender *s);
/* When the next reminder is due (or retried), seen at now; 0 if none is pending. Between
 * midnight and send_at nothing is: what is owed then (a catch-up after a night's outage,
 * a retry) waits for the day's round, with that day's reminders, in one mail. */
time_t remind_next(sqlite3 *db, const struct config *c, time_t now);

#endif
