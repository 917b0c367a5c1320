/*
 * The reminder outbox. A reminder is recorded before it is sent and marked after, so a
 * crash loses none; unique on (occurrence, unit, kind), so none is planned twice.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "digest.h"
#include "log.h"
#include "remind.h"
#include "store.h"
#include "token.h"
#include "xalloc.h"

#define MAX_ATTEMPTS 12		/* with backoff doubling to an hour: about half a day */

void
remind_recover(sqlite3 *db)
{
	store_exec(db, "UPDATE reminder SET state = 'pending' WHERE state = 'sending'");
}

/* Pending reminders of items done, waived, cancelled or not yet dated go nowhere. */
static void
cancel_closed(sqlite3 *db)
{
	store_exec(db, "UPDATE reminder SET state = 'cancelled' WHERE state = 'pending' AND "
	    "occurrence_id IN (SELECT id FROM occurrence WHERE status != 'open' OR tentative)");
}

static void
plan_at(sqlite3 *db, sqlite3_stmt *ins, sqlite3_int64 occ, sqlite3_int64 unit,
    const char *kind, time_t at)
{
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, occ);
	sqlite3_bind_int64(ins, 2, unit);
	sqlite3_bind_text(ins, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 4, (sqlite3_int64)at);
	if (sqlite3_step(ins) != SQLITE_DONE)
		log_warnx("database: planning reminders: %s", sqlite3_errmsg(db));
}

static void
plan_one(sqlite3 *db, sqlite3_stmt *ins, const struct config *c, struct workcal *cal,
    sqlite3_int64 occ, sqlite3_int64 unit, ntm_date due, ntm_date latest)
{
	char kind[16];
	size_t i;

	for (i = 0; i < c->nlead; i++) {
		if (c->lead_days[i] == 0)
			snprintf(kind, sizeof(kind), "due");
		else
			snprintf(kind, sizeof(kind), "lead-%d", c->lead_days[i]);
		plan_at(db, ins, occ, unit, kind, date_at(workcal_shift(cal,
		    due - c->lead_days[i], RULE_PREVIOUS), c->send_at));
	}
	if (latest > due)
		plan_at(db, ins, occ, unit, "late", date_at(workcal_shift(cal, due + 1,
		    RULE_NEXT), c->send_at));
	plan_at(db, ins, occ, unit, "overdue", date_at(workcal_shift(cal, latest + 1,
	    RULE_NEXT), c->send_at));
}

int
remind_plan(sqlite3 *db, const struct config *c, struct workcal *cal)
{
	sqlite3_stmt *sel, *ins;
	ntm_date due, latest;

	if (store_exec(db, "BEGIN IMMEDIATE") < 0)
		return -1;
	cancel_closed(db);
	sel = store_prepare(db, "SELECT DISTINCT o.id, tu.unit_id, o.due, o.latest "
	    "FROM occurrence o JOIN task t ON t.id = o.task_id "
	    "JOIN task_unit tu ON tu.task_id = o.task_id AND tu.role = 'lead' "
	    "WHERE o.status = 'open' AND o.tentative = 0 AND t.kind != 'meeting' AND "
	    "EXISTS (SELECT 1 FROM unit_email e WHERE e.unit_id = tu.unit_id)");
	ins = store_prepare(db, "INSERT INTO reminder(occurrence_id, unit_id, kind, fire_at) "
	    "VALUES(?, ?, ?, ?) ON CONFLICT(occurrence_id, unit_id, kind) DO UPDATE SET "
	    "fire_at = excluded.fire_at WHERE state = 'pending' AND fire_at != excluded.fire_at");
	while (sqlite3_step(sel) == SQLITE_ROW) {
		if (date_parse_iso((const char *)sqlite3_column_text(sel, 2), &due) < 0)
			continue;
		if (sqlite3_column_type(sel, 3) == SQLITE_NULL || date_parse_iso((const char *)
		    sqlite3_column_text(sel, 3), &latest) < 0 || latest < due)
			latest = due;
		plan_one(db, ins, c, cal, sqlite3_column_int64(sel, 0),
		    sqlite3_column_int64(sel, 1), due, latest);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return store_exec(db, "COMMIT");
}

static void
bind_now(sqlite3_stmt *st, time_t now)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
}

/* Of the passed instants of one item for one unit, keep only the latest. */
static void
skip_stale(sqlite3 *db, time_t now)
{
	sqlite3_stmt *st = store_prepare(db, "UPDATE reminder SET state = 'skipped' "
	    "WHERE state = 'pending' AND fire_at <= ?1 AND EXISTS (SELECT 1 FROM reminder r "
	    "WHERE r.occurrence_id = reminder.occurrence_id AND r.unit_id = reminder.unit_id "
	    "AND r.state IN ('pending', 'sent', 'sending') AND r.fire_at <= ?1 "
	    "AND r.fire_at > reminder.fire_at)");

	bind_now(st, now);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

/* The deterministic Message-ID of a unit's digest: the same reminders, the same id. */
static char *
message_id(sqlite3 *db, sqlite3_int64 unit, time_t now, const char *domain)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT group_concat(id, ',') FROM (SELECT id "
	    "FROM reminder WHERE unit_id = ?2 AND state = 'pending' AND fire_at <= ?1 "
	    "AND next_try <= ?1 ORDER BY id)");
	char hash[65], *key;

	bind_now(st, now);
	sqlite3_bind_int64(st, 2, unit);
	sqlite3_step(st);
	key = xasprintf("%lld:%s", (long long)unit, sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	token_sha256_hex(key, strlen(key), hash);
	free(key);
	return xasprintf("ntmd.%.32s@%s", hash, domain);
}

/* Mark the unit's due reminders as being sent in this message; returns how many. */
static int
claim(sqlite3 *db, sqlite3_int64 unit, time_t now, const char *msgid)
{
	sqlite3_stmt *st = store_prepare(db, "UPDATE reminder SET state = 'sending', "
	    "message_id = ?3, attempts = attempts + 1 WHERE unit_id = ?2 AND state = 'pending' "
	    "AND fire_at <= ?1 AND next_try <= ?1");
	int n;

	bind_now(st, now);
	sqlite3_bind_int64(st, 2, unit);
	sqlite3_bind_text(st, 3, msgid, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	n = sqlite3_changes(db);
	return n;
}

static void
settle(sqlite3 *db, const char *msgid, enum mail_result r, const char *detail, time_t now)
{
	sqlite3_stmt *st;

	if (r == MAIL_SENT)
		st = store_prepare(db, "UPDATE reminder SET state = 'sent', sent_at = ?1, "
		    "last_error = NULL WHERE message_id = ?2 AND state = 'sending'");
	else if (r == MAIL_REJECTED)
		st = store_prepare(db, "UPDATE reminder SET state = 'dead', last_error = ?3 "
		    "WHERE message_id = ?2 AND state = 'sending'");
	else
		st = store_prepare(db, "UPDATE reminder SET state = CASE WHEN attempts >= "
		    "?4 THEN 'dead' ELSE 'pending' END, last_error = ?3, "
		    "next_try = ?1 + min(3600, 60 << min(attempts, 6)) "
		    "WHERE message_id = ?2 AND state = 'sending'");
	bind_now(st, now);
	sqlite3_bind_text(st, 2, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, detail, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, MAX_ATTEMPTS);
	if (sqlite3_step(st) != SQLITE_DONE)
		log_warnx("database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

static void
send_to_unit(sqlite3 *db, const struct config *c, struct mailer *mr, sqlite3_int64 unit,
    time_t now)
{
	char *from = config_from_address(c), *msgid, *detail = NULL;
	const char *domain = strchr(from, '@') + 1;
	struct digest *dg;
	enum mail_result r;
	int n;

	msgid = message_id(db, unit, now, domain);
	store_exec(db, "BEGIN IMMEDIATE");
	n = claim(db, unit, now, msgid);
	store_exec(db, "COMMIT");
	if (n > 0) {
		dg = digest_build(db, c, unit, msgid, now);
		r = mailer_send(mr, from, (const char **)dg->to, dg->nto, dg->message, &detail);
		log_info("mail to=%s unit=%s items=%d smtp=%s result=%s msgid=<%s>", dg->to_list,
		    dg->unit_code, n, detail, r == MAIL_SENT ? "sent" : r == MAIL_REJECTED ?
		    "rejected" : "deferred", msgid);
		settle(db, msgid, r, detail, now);
		digest_free(dg);
		free(detail);
	}
	free(msgid);
	free(from);
}

void
remind_run(sqlite3 *db, const struct config *c, struct mailer *mr, time_t now)
{
	sqlite3_stmt *st;
	sqlite3_int64 *units = NULL;
	size_t n = 0, i;

	store_exec(db, "BEGIN IMMEDIATE");
	skip_stale(db, now);
	cancel_closed(db);
	store_exec(db, "COMMIT");
	st = store_prepare(db, "SELECT DISTINCT unit_id FROM reminder WHERE state = 'pending' "
	    "AND fire_at <= ?1 AND next_try <= ?1 ORDER BY unit_id");
	bind_now(st, now);
	while (sqlite3_step(st) == SQLITE_ROW) {
		units = xrealloc(units, (n + 1) * sizeof(*units));
		units[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++)
		send_to_unit(db, c, mr, units[i], now);
	free(units);
}

time_t
remind_next(sqlite3 *db)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT min(max(fire_at, next_try)) FROM reminder "
	    "WHERE state = 'pending'");
	time_t t = 0;

	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		t = (time_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return t;
}
