/*
 * The reminder outbox. A reminder is recorded before it is sent and marked after, so a
 * crash loses none; unique on (occurrence, unit, kind), so none is planned twice.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "digest.h"
#include "invite.h"
#include "log.h"
#include "remind.h"
#include "store.h"
#include "token.h"
#include "xalloc.h"

#define MAX_ATTEMPTS 12		/* with backoff doubling to an hour: about half a day */
#define CLAIM_UNITS 32		/* messages claimed in one transaction */
#define HOLD_MS 1000		/* after a failed claim, the next try */
#define PROBE_S 3600		/* a configuration the server refused: tried again this often */

/* When a pending reminder is due; the reminder_wake index orders them by it (named in
 * the queries: without statistics SQLite would pick reminder_by_state and sort). A
 * meeting's invitation goes out at once in a message of its own, not in a unit's daily
 * mail: that index and the daily mail's queries leave invitations out (DAILY), which
 * have their index. */
#define WAKE "max(fire_at, next_try)"
#define DAILY "kind NOT LIKE 'invite-%'"
#define INVITATION "kind LIKE 'invite-%'"
#define BY_WAKE "reminder INDEXED BY reminder_wake"
#define BY_INVITE_WAKE "reminder INDEXED BY reminder_invite_wake"
/* A dead letter about an invitation: the meeting may be cancelled, it still tells. */
#define ABOUT_INVITATION "EXISTS (SELECT 1 FROM reminder a WHERE a.id = reminder.about " \
	"AND a.kind LIKE 'invite-%')"

void
remind_recover(sqlite3 *db)
{
	store_exec(db, "UPDATE reminder SET state = 'pending' WHERE state = 'sending'");
}

/* Pending reminders of the noted items that are done, waived, cancelled or not yet dated
 * go nowhere. "+state" and CROSS JOIN: look up the noted items, not every reminder. */
#define CANCEL_CLOSED "UPDATE reminder SET state = 'cancelled' WHERE +state = 'pending' " \
	"AND " DAILY " AND NOT " ABOUT_INVITATION " AND occurrence_id IN (SELECT o.id FROM "
#define CLOSED " WHERE o.status != 'open' OR o.tentative)"

static int
plan_at(sqlite3 *db, sqlite3_stmt *ins, sqlite3_int64 occ, sqlite3_int64 unit,
    const char *kind, time_t at)
{
	sqlite3_bind_int64(ins, 1, occ);
	sqlite3_bind_int64(ins, 2, unit);
	sqlite3_bind_text(ins, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 4, (sqlite3_int64)at);
	return store_step_done(db, ins);
}

/* Who hears of an item, as the planning queries name it. */
enum recipient {
	R_LEAD,		/* a lead unit with an address */
	R_STAND_IN,	/* the coordination unit, for an item no lead of which has one */
	R_ESCALATE	/* a directing or coordination unit, told once it is long overdue */
};

/* -1 if any of the item's reminders could not be written. */
static int
plan_one(sqlite3 *db, sqlite3_stmt *ins, const struct config *c, struct workcal *cal,
    sqlite3_int64 occ, sqlite3_int64 unit, enum recipient who, ntm_date due,
    ntm_date latest)
{
	char kind[16];
	size_t i;
	int rc = 0;

	if (who == R_ESCALATE)
		return plan_at(db, ins, occ, unit, "escalate-1", date_at(workcal_add(cal, latest,
		    c->escalate_after), c->send_at));
	for (i = 0; i < c->nlead; i++) {
		if (c->lead_days[i] == 0)
			snprintf(kind, sizeof(kind), "due");
		else
			snprintf(kind, sizeof(kind), "lead-%d", c->lead_days[i]);
		rc |= plan_at(db, ins, occ, unit, kind, date_at(workcal_shift(cal,
		    due - c->lead_days[i], RULE_PREVIOUS), c->send_at));
	}
	if (latest > due)
		rc |= plan_at(db, ins, occ, unit, "late", date_at(workcal_add(cal, due, 1),
		    c->send_at));
	rc |= plan_at(db, ins, occ, unit, "overdue", date_at(workcal_add(cal, latest, 1),
	    c->send_at));
	return rc;
}

/*
 * The open, dated deadlines and reports among ITEMS (a condition on o), each with a
 * unit to remind and how (enum recipient): its lead units with an address; failing
 * those, its plan's coordination units; and, for the escalation, its directing units
 * and, when a lead is reached, the coordination units that do not lead it.
 */
#define OPEN_ITEM(items) "o.status = 'open' AND o.tentative = 0 AND " \
	STORE_HAS_DEADLINE " AND " items
#define ITEM_FROM "FROM occurrence o JOIN task t ON t.id = o.task_id "
#define HAS_ADDRESS(u) "EXISTS (SELECT 1 FROM unit_email e WHERE e.unit_id = " u ")"
#define A_LEAD_REACHED "EXISTS (SELECT 1 FROM task_unit l WHERE l.task_id = o.task_id " \
	"AND l.role = 'lead' AND " HAS_ADDRESS("l.unit_id") ")"
#define NOT_LEAD(u) "NOT EXISTS (SELECT 1 FROM task_unit l WHERE l.task_id = o.task_id " \
	"AND l.role = 'lead' AND l.unit_id = " u ")"
#define COORDINATORS "JOIN plan p ON p.id = t.plan_id " \
	"JOIN unit u INDEXED BY unit_coordinator ON u.org_id = p.org_id AND u.coordinator "
#define PLAN_SELECT(items) \
	"SELECT DISTINCT o.id, tu.unit_id, 0, o.due, o.latest " ITEM_FROM \
	"JOIN task_unit tu ON tu.task_id = o.task_id AND tu.role = 'lead' WHERE " \
	OPEN_ITEM(items) " AND " HAS_ADDRESS("tu.unit_id") \
	" UNION ALL SELECT o.id, u.id, 1, o.due, o.latest " ITEM_FROM COORDINATORS \
	"WHERE " OPEN_ITEM(items) " AND " HAS_ADDRESS("u.id") " AND NOT " A_LEAD_REACHED \
	" UNION SELECT o.id, d.unit_id, 2, o.due, o.latest " ITEM_FROM \
	"JOIN task_unit d ON d.task_id = o.task_id AND d.role = 'direct' WHERE " \
	OPEN_ITEM(items) " AND " HAS_ADDRESS("d.unit_id") " AND " NOT_LEAD("d.unit_id") \
	" UNION SELECT o.id, u.id, 2, o.due, o.latest " ITEM_FROM COORDINATORS \
	"WHERE " OPEN_ITEM(items) " AND " HAS_ADDRESS("u.id") " AND " A_LEAD_REACHED \
	" AND " NOT_LEAD("u.id")

/* The pending reminders of the items (but dead letters), for retire(): ?1, ?2 as below.
 * "+state": found by item, not among every pending reminder. */
#define PENDING "SELECT id, occurrence_id, unit_id, kind LIKE 'escalate-%' FROM reminder " \
	"WHERE +state = 'pending' AND kind NOT LIKE 'dead-%' AND " DAILY " AND "

/* Which items a plan takes: their closed ones' reminders cancelled, the open ones'
 * selected, their pending reminders (to cancel those of units no longer selected), and
 * their notes in replan forgotten. */
struct plan_sql {
	const char	*cancel, *select, *pending, *forget;
	int		 ranged;	/* ?1 and ?2: the items with ids in (?1, ?2] */
};

static const struct plan_sql by_range = {
	CANCEL_CLOSED "occurrence o WHERE o.id > ?1 AND o.id <= ?2 AND (o.status != 'open' "
	    "OR o.tentative))",
	PLAN_SELECT("o.id > ?1 AND o.id <= ?2"),
	PENDING "occurrence_id > ?1 AND occurrence_id <= ?2",
	"DELETE FROM replan WHERE occurrence_id > ?1 AND occurrence_id <= ?2",
	1
};

static const struct plan_sql noted = {
	CANCEL_CLOSED "replan r CROSS JOIN occurrence o ON o.id = r.occurrence_id" CLOSED,
	PLAN_SELECT("o.id IN (SELECT occurrence_id FROM replan)"),
	PENDING "occurrence_id IN (SELECT occurrence_id FROM replan)",
	"DELETE FROM replan",
	0
};

static sqlite3_stmt *
plan_stmt(sqlite3 *db, const struct plan_sql *sql, const char *text, sqlite3_int64 after,
    sqlite3_int64 upto)
{
	sqlite3_stmt *st = store_stmt(db, text);

	if (sql->ranged) {
		sqlite3_bind_int64(st, 1, after);
		sqlite3_bind_int64(st, 2, upto);
	}
	return st;
}

/* A unit to tell of an item: its own reminders (a lead, a stand-in) or escalations. */
struct told {
	sqlite3_int64	occ, unit;
	int		escalation;
};

static int
told_cmp(const void *a, const void *b)
{
	const struct told *x = a, *y = b;

	if (x->occ != y->occ)
		return x->occ < y->occ ? -1 : 1;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	return x->escalation - y->escalation;
}

/* Cancel the pending reminders of the items to units no longer told of them (a lead
 * removed, an address added to a lead a coordination unit stood in for): the ones whose
 * (item, unit, escalation) is not among the n just selected. Sorted and searched here,
 * not checked in SQL row by row: a full plan looks at every pending reminder. */
static int
retire(sqlite3 *db, const struct plan_sql *sql, sqlite3_int64 after, sqlite3_int64 upto,
    struct told *told, size_t n)
{
	sqlite3_stmt *sel = plan_stmt(db, sql, sql->pending, after, upto), *cancel;
	struct told key;
	int rc, failed = 0;

	if (n > 1)
		qsort(told, n, sizeof(*told), told_cmp);
	cancel = store_stmt(db, "UPDATE reminder SET state = 'cancelled' WHERE id = ?");
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		key = (struct told){ sqlite3_column_int64(sel, 1), sqlite3_column_int64(sel, 2),
		    sqlite3_column_int(sel, 3) };
		if (n > 0 && bsearch(&key, told, n, sizeof(*told), told_cmp))
			continue;
		sqlite3_bind_int64(cancel, 1, sqlite3_column_int64(sel, 0));
		failed |= store_step_done(db, cancel);
	}
	sqlite3_reset(sel);
	return rc == SQLITE_DONE && !failed ? 0 : -1;
}

static int
plan_items(sqlite3 *db, const struct config *c, struct workcal *cal,
    const struct plan_sql *sql, sqlite3_int64 after, sqlite3_int64 upto, time_t now)
{
	sqlite3_stmt *sel, *ins;
	struct told *told = NULL;
	size_t ntold = 0, cap = 0;
	ntm_date due, latest;
	int rc, failed = 0;

	if (store_step_done(db, plan_stmt(db, sql, sql->cancel, after, upto)) < 0)
		return -1;
	sel = plan_stmt(db, sql, sql->select, after, upto);
	/* A reminder moves with its deadline; one sent, skipped or cancelled comes back
	 * when its new time is still ahead (a latest day put off, an item reopened). */
	ins = store_stmt(db, "INSERT INTO reminder(occurrence_id, unit_id, kind, fire_at) "
	    "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(occurrence_id, unit_id, kind) DO UPDATE SET "
	    "fire_at = excluded.fire_at, state = 'pending', attempts = 0, next_try = 0 WHERE "
	    "(state = 'pending' AND fire_at != excluded.fire_at) OR (excluded.fire_at > ?5 AND "
	    "((state IN ('sent', 'skipped') AND excluded.fire_at > fire_at) OR "
	    "state = 'cancelled'))");
	sqlite3_bind_int64(ins, 5, (sqlite3_int64)now);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		if (date_parse_iso((const char *)sqlite3_column_text(sel, 3), &due) < 0)
			continue;
		if (sqlite3_column_type(sel, 4) == SQLITE_NULL || date_parse_iso((const char *)
		    sqlite3_column_text(sel, 4), &latest) < 0 || latest < due)
			latest = due;
		if (ntold == cap)
			told = xrealloc(told, (cap = cap ? 2 * cap : 256) * sizeof(*told));
		told[ntold++] = (struct told){ sqlite3_column_int64(sel, 0),
		    sqlite3_column_int64(sel, 1), sqlite3_column_int(sel, 2) == R_ESCALATE };
		failed |= plan_one(db, ins, c, cal, sqlite3_column_int64(sel, 0),
		    sqlite3_column_int64(sel, 1), (enum recipient)sqlite3_column_int(sel, 2),
		    due, latest);
	}
	sqlite3_reset(sel);
	if (rc != SQLITE_DONE || failed || retire(db, sql, after, upto, told, ntold) < 0 ||
	    store_step_done(db, plan_stmt(db, sql, sql->forget, after, upto)) < 0) {
		log_warnx("database: planning reminders: %s", store_error(db));
		free(told);
		return -1;
	}
	free(told);
	return 0;
}

int
remind_plan_range(sqlite3 *db, const struct config *c, struct workcal *cal,
    sqlite3_int64 after, sqlite3_int64 upto, time_t now)
{
	return plan_items(db, c, cal, &by_range, after, upto, now);
}

int
remind_plan_changed(sqlite3 *db, const struct config *c, struct workcal *cal, time_t now)
{
	return plan_items(db, c, cal, &noted, 0, 0, now);
}

sqlite3_int64
remind_last_item(sqlite3 *db)
{
	return store_int(db, "SELECT coalesce(max(id), 0) FROM occurrence");
}

/* A unit's message, claimed in the outbox: waiting for a connection, or in flight. */
struct outgoing {
	struct sender	*s;
	sqlite3_int64	 unit;
	char		*msgid;
	int		 items;
	int		 invitation;	/* a meeting's invitation, not the daily mail */
	char		*to_list, *unit_code;	/* for the log line */
};

/* How a message ended: as the mailer says, or before it, with nothing left to say (its
 * items closed since they were claimed). */
#define NOTHING_TO_SEND (MAIL_NOT_SENT + 1)

/* How a message ended, to be recorded in the outbox with others in one transaction. */
struct outcome {
	char		*msgid;
	int		 r;	/* enum mail_result or NOTHING_TO_SEND */
	char		*detail;
};

struct sender {
	sqlite3		 *db;
	const struct donekey *key;	/* signs the done links */
	struct outgoing	**queue;	/* claimed, not yet handed to the mailer */
	size_t		  nqueue;
	struct outcome	 *done;		/* ended, not yet recorded */
	size_t		  ndone;
	size_t		  flying;
	time_t		  now;		/* the instant of the round being sent */
	long long	  hold_until;	/* the database was busy: no claim before (monotonic ms) */
	long long	  hold_settle_until;	/* …and no recording of outcomes */
	unsigned	  mailer;	/* the serial of the mailer handed the last message */
	unsigned	  blocked;	/* a mailer whose configuration the server refused:
					 * nothing more is handed to it before probe_at */
	time_t		  probe_at;
	int		  outage;	/* the outbox records a refused configuration */
};

struct sender *
remind_sender_new(sqlite3 *db, const struct donekey *key)
{
	struct sender *s = xcalloc(1, sizeof(*s));

	s->db = db;
	s->key = key;
	s->outage = store_int(db, "SELECT 1 FROM meta WHERE key = 'mail_blocked'") == 1;
	return s;
}

static void
outgoing_free(struct outgoing *o)
{
	free(o->msgid);
	free(o->to_list);
	free(o->unit_code);
	free(o);
}

/* Of the passed instants of one item for one unit, keep only the latest (an escalation
 * and a dead letter are not instants of the unit's own reminder); reminders of items
 * closed since they were planned go nowhere, nor repeats and escalations of items no
 * longer overdue (their dates moved). Only the reminders due by `upto` are looked at. */
static int
tidy_due(sqlite3 *db, time_t upto)
{
	static const char *stale = "UPDATE reminder SET state = 'skipped' "
	    "WHERE state = 'pending' AND fire_at <= ?1 AND kind NOT LIKE 'dead-%' "
	    "AND EXISTS (SELECT 1 FROM reminder r WHERE r.occurrence_id = "
	    "reminder.occurrence_id AND r.unit_id = reminder.unit_id "
	    "AND r.state IN ('pending', 'sent', 'sending') AND r.fire_at <= ?1 "
	    "AND r.fire_at > reminder.fire_at AND r.kind NOT LIKE 'dead-%' "
	    "AND (r.kind LIKE 'escalate-%') = (reminder.kind LIKE 'escalate-%'))";
	static const char *closed = "UPDATE " BY_WAKE " SET state = 'cancelled' "
	    "WHERE state = 'pending' AND " DAILY " AND " WAKE " <= ?1 AND NOT " ABOUT_INVITATION
	    " AND EXISTS (SELECT 1 FROM occurrence o WHERE o.id = reminder.occurrence_id AND "
	    "(o.status != 'open' OR o.tentative))";
	static const char *in_time = "UPDATE " BY_WAKE " SET state = 'skipped' "
	    "WHERE state = 'pending' AND " DAILY " AND " WAKE " <= ?1 AND (kind LIKE 'repeat-%' OR "
	    "kind LIKE 'escalate-%') AND EXISTS (SELECT 1 FROM occurrence o "
	    "WHERE o.id = reminder.occurrence_id AND coalesce(o.latest, o.due) >= ?2)";
	char today[11];
	sqlite3_stmt *st;

	date_iso(date_of(upto), today);
	st = store_stmt(db, stale);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)upto);
	if (store_step_done(db, st) < 0)
		return -1;
	st = store_stmt(db, closed);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)upto);
	if (store_step_done(db, st) < 0)
		return -1;
	st = store_stmt(db, in_time);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)upto);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_TRANSIENT);
	return store_step_done(db, st);
}

/* A unit's pending reminders due by ?1 of a message: its daily mail or its invitation. */
#define UNIT_DUE(which) "unit_id = ?2 AND state = 'pending' AND " which " AND " WAKE " <= ?1"

/* The deterministic Message-ID of a unit's daily mail or invitation: the same reminders,
 * the same id. */
static char *
message_id(sqlite3 *db, sqlite3_int64 unit, time_t now, const char *domain, int invitation)
{
	sqlite3_stmt *st = store_stmt(db, invitation ? "SELECT group_concat(id, ',') FROM "
	    "(SELECT id FROM reminder WHERE " UNIT_DUE(INVITATION) " ORDER BY id)" :
	    "SELECT group_concat(id, ',') FROM (SELECT id FROM reminder WHERE "
	    UNIT_DUE(DAILY) " ORDER BY id)");
	char hash[65], *key, *secret, *ids;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, unit);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	ids = xstrdup(sqlite3_column_type(st, 0) == SQLITE_NULL ? "" :
	    (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	/* with the installation's secret: another ntmd sending from the same domain, with
	 * the same ids, must not make the same Message-ID */
	if ((secret = store_secret(db)) == NULL) {
		free(ids);
		return NULL;
	}
	key = xasprintf("%s:%s%lld:%s", secret, invitation ? "invite:" : "", (long long)unit,
	    ids);
	free(secret);
	free(ids);
	token_sha256_hex(key, strlen(key), hash);
	free(key);
	return xasprintf("ntmd.%.32s@%s", hash, domain);
}

/* Mark the unit's reminders due by upto as being sent in this message; how many, or
 * -1. */
static int
claim_unit(sqlite3 *db, sqlite3_int64 unit, time_t upto, const char *msgid, int invitation)
{
	sqlite3_stmt *st = store_stmt(db, invitation ? "UPDATE reminder SET state = 'sending', "
	    "message_id = ?3, attempts = attempts + 1 WHERE " UNIT_DUE(INVITATION) :
	    "UPDATE reminder SET state = 'sending', message_id = ?3, attempts = attempts + 1 "
	    "WHERE " UNIT_DUE(DAILY));

	sqlite3_bind_int64(st, 1, (sqlite3_int64)upto);
	sqlite3_bind_int64(st, 2, unit);
	sqlite3_bind_text(st, 3, msgid, -1, SQLITE_STATIC);
	return store_step_done(db, st) < 0 ? -1 : sqlite3_changes(db);
}

/* The reminder after an overdue one, a repeat or an escalation: the same again
 * repeat_overdue working days on, max_repeats times; "" when there is none. */
static void
next_kind(const char *kind, int max_repeats, char next[24])
{
	int k = 0;

	*next = '\0';
	if (!strcmp(kind, "overdue") || sscanf(kind, "repeat-%d", &k) == 1) {
		if (k < max_repeats)
			snprintf(next, 24, "repeat-%d", k + 1);
	} else if (sscanf(kind, "escalate-%d", &k) == 1 && k <= max_repeats)
		snprintf(next, 24, "escalate-%d", k + 1);
}

/* An overdue item keeps coming back: each overdue, repeat or escalation claimed under
 * msgid plans its successor (planned one at a time, so a long outage does not pile
 * them up, and the chain ends when the item closes: its next one is cancelled). */
static int
plan_repeats(sqlite3 *db, const struct config *c, struct workcal *cal, const char *msgid,
    ntm_date today)
{
	sqlite3_stmt *sel = store_stmt(db, "SELECT occurrence_id, unit_id, kind, fire_at "
	    "FROM reminder WHERE message_id = ? AND (kind = 'overdue' OR kind LIKE 'repeat-%' "
	    "OR kind LIKE 'escalate-%')"), *ins;
	char next[24];
	ntm_date from;
	int rc, failed = 0;

	sqlite3_bind_text(sel, 1, msgid, -1, SQLITE_STATIC);
	/* an earlier chain's (before the latest day was put off) is taken up again */
	ins = store_stmt(db, "INSERT INTO reminder(occurrence_id, unit_id, kind, fire_at) "
	    "VALUES(?, ?, ?, ?) ON CONFLICT(occurrence_id, unit_id, kind) DO UPDATE SET "
	    "fire_at = excluded.fire_at, state = 'pending', attempts = 0, next_try = 0 "
	    "WHERE state IN ('sent', 'skipped', 'cancelled') AND excluded.fire_at > fire_at");
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		next_kind((const char *)sqlite3_column_text(sel, 2), c->max_repeats, next);
		if (*next == '\0')
			continue;
		from = date_of((time_t)sqlite3_column_int64(sel, 3));
		if (from < today)
			from = today;
		failed |= plan_at(db, ins, sqlite3_column_int64(sel, 0),
		    sqlite3_column_int64(sel, 1), next, date_at(workcal_add(cal, from,
		    c->repeat_overdue), c->send_at));
	}
	sqlite3_reset(sel);
	return rc == SQLITE_DONE && !failed ? 0 : -1;
}

/* Whether the unit had its mail today already, or has one on its way: one mail a unit
 * a day. */
static int
mailed_today(sqlite3 *db, sqlite3_int64 unit, const char *today)
{
	sqlite3_stmt *st = store_stmt(db, "SELECT 1 FROM mailed WHERE unit_id = ?1 AND day = ?2 "
	    "UNION ALL SELECT 1 FROM reminder INDEXED BY reminder_by_state "
	    "WHERE state = 'sending' AND unit_id = ?1 AND " DAILY);
	int yes;

	sqlite3_bind_int64(st, 1, unit);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

/* What fell due for a unit mailed today waits for the next working day's round. */
static int
defer_unit(sqlite3 *db, sqlite3_int64 unit, time_t upto, time_t next_round)
{
	sqlite3_stmt *st = store_stmt(db, "UPDATE reminder SET next_try = ?3 WHERE "
	    UNIT_DUE(DAILY));

	sqlite3_bind_int64(st, 1, (sqlite3_int64)upto);
	sqlite3_bind_int64(st, 2, unit);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)next_round);
	return store_step_done(db, st);
}

/* The units with reminders due (invitations, or the daily mail's), up to max, into
 * units; how many, or -1. */
static int
due_units(sqlite3 *db, time_t now, sqlite3_int64 *units, int max, int invitation)
{
	sqlite3_stmt *st = store_stmt(db, invitation ? "SELECT DISTINCT unit_id FROM "
	    BY_INVITE_WAKE " WHERE state = 'pending' AND " INVITATION " AND " WAKE " <= ?1 "
	    "ORDER BY unit_id LIMIT ?2" : "SELECT DISTINCT unit_id FROM " BY_WAKE " WHERE "
	    "state = 'pending' AND " DAILY " AND " WAKE " <= ?1 ORDER BY unit_id LIMIT ?2");
	int n = 0, rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int(st, 2, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		units[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

static struct outgoing *
outgoing_new(struct sender *s, sqlite3_int64 unit, int invitation)
{
	struct outgoing *o = xcalloc(1, sizeof(*o));

	o->s = s;
	o->unit = unit;
	o->invitation = invitation;
	return o;
}

/* Claim the invitations due, a message a unit, into batch (from *nb on); 0 or -1. */
static int
claim_invitations(struct sender *s, time_t now, const char *domain,
    struct outgoing **batch, int *nb)
{
	sqlite3_int64 units[CLAIM_UNITS];
	struct outgoing *o;
	int n, i;

	if ((n = due_units(s->db, now, units, CLAIM_UNITS, 1)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		batch[(*nb)++] = o = outgoing_new(s, units[i], 1);
		if ((o->msgid = message_id(s->db, units[i], now, domain, 1)) == NULL ||
		    (o->items = claim_unit(s->db, units[i], now, o->msgid, 1)) < 0)
			return -1;
	}
	return 0;
}

/* Claim the next messages of the round in one transaction; -1 leaves the outbox as it
 * was (the next pass tries again). Invitations first. A unit's daily message takes
 * everything it is owed today: started at 07:29:50, ntmd sends the catch-up and the
 * 07:30 reminders in one mail. */
static int
claim_batch(struct sender *s, const struct config *c, struct workcal *cal, time_t now)
{
	sqlite3_int64 units[CLAIM_UNITS];
	struct outgoing *batch[2 * CLAIM_UNITS];
	char *from = config_from_address(c), today[11];
	const char *domain = strchr(from, '@') + 1;
	ntm_date day = date_of(now);
	time_t upto = date_at(day, c->send_at), next_round;
	int n = 0, i, k, nb = 0, daily = now >= upto;

	if (upto < now)
		upto = now;
	next_round = date_at(workcal_add(cal, day, 1), c->send_at);
	date_iso(day, today);
	if (store_exec(s->db, "BEGIN IMMEDIATE") < 0) {
		free(from);
		return -1;
	}
	if ((s->nqueue == 0 && s->flying == 0 && tidy_due(s->db, upto) < 0) ||
	    claim_invitations(s, now, domain, batch, &nb) < 0)
		goto fail;
	while (daily) {	/* until a message is claimed or nothing more is due */
		if ((n = due_units(s->db, now, units, CLAIM_UNITS, 0)) < 0)
			goto fail;
		for (i = 0; i < n; i++) {
			struct outgoing *o;

			if (mailed_today(s->db, units[i], today)) {
				if (defer_unit(s->db, units[i], upto, next_round) < 0)
					goto fail;
				continue;
			}
			batch[nb++] = o = outgoing_new(s, units[i], 0);
			if ((o->msgid = message_id(s->db, units[i], upto, domain, 0)) == NULL ||
			    (k = claim_unit(s->db, units[i], upto, o->msgid, 0)) < 0 ||
			    plan_repeats(s->db, c, cal, o->msgid, day) < 0)
				goto fail;
			o->items = k;
		}
		if (nb > 0 || n < CLAIM_UNITS)
			break;
	}
	if (store_exec(s->db, "COMMIT") < 0)
		goto fail;
	s->queue = xrealloc(s->queue, (s->nqueue + (size_t)nb) * sizeof(*s->queue));
	for (i = nb - 1; i >= 0; i--)	/* the queue is taken from its end */
		s->queue[s->nqueue++] = batch[i];
	free(from);
	return nb;
fail:
	store_exec(s->db, "ROLLBACK");
	for (i = 0; i < nb; i++)
		outgoing_free(batch[i]);
	free(from);
	return -1;
}

static void
record_outcome(struct sender *s, const char *msgid, int r, const char *detail)
{
	s->done = xrealloc(s->done, (s->ndone + 1) * sizeof(*s->done));
	s->done[s->ndone++] = (struct outcome){ xstrdup(msgid), r, xstrdup(detail) };
}

static void
ended(struct outgoing *o, int r, const char *detail)
{
	static const char *result[] = { [MAIL_SENT] = "sent", [MAIL_RETRY] = "deferred",
		[MAIL_REJECTED] = "rejected", [MAIL_CONFIG] = "held", [MAIL_NOT_SENT] = "not-sent",
		[NOTHING_TO_SEND] = "nothing-open" };
	struct sender *s = o->s;

	log_info("mail to=%s unit=%s %s=%d smtp=%s result=%s msgid=<%s>", o->to_list,
	    o->unit_code, o->invitation ? "invitations" : "items", o->items, detail, result[r],
	    o->msgid);
	record_outcome(s, o->msgid, r, detail);
	s->flying--;
	/* Said once at err, not at every message: nothing can go until an operator acts. */
	if (r == MAIL_CONFIG && s->blocked != s->mailer) {
		log_errx("mail: the SMTP server refuses this configuration: %s; no mail is sent "
		    "until smtp in the configuration is changed and ntmd reloaded (tried again "
		    "every %d minutes; ntmctl outbox shows what waits)", detail, PROBE_S / 60);
		s->blocked = s->mailer;
		s->probe_at = s->now + PROBE_S;
	}
	outgoing_free(o);
}

static void
mail_done(void *arg, enum mail_result r, const char *detail)
{
	ended(arg, (int)r, detail);
}

static const char *settle_sql[] = {
	[MAIL_SENT] = "UPDATE reminder SET state = 'sent', sent_at = ?1, last_error = NULL "
	    "WHERE message_id = ?2 AND state = 'sending'",
	[MAIL_REJECTED] = "UPDATE reminder SET state = 'dead', last_error = ?3 "
	    "WHERE message_id = ?2 AND state = 'sending'",
	[MAIL_RETRY] = "UPDATE reminder SET state = CASE WHEN attempts >= ?4 THEN 'dead' "
	    "ELSE 'pending' END, last_error = ?3, next_try = ?1 + min(3600, 60 << min(attempts, "
	    "6)) WHERE message_id = ?2 AND state = 'sending'",
	[MAIL_NOT_SENT] = "UPDATE reminder SET state = 'pending', attempts = attempts - 1 "
	    "WHERE message_id = ?2 AND state = 'sending'",
	/* held, not failed: it is not an attempt, and never dies of it */
	[MAIL_CONFIG] = "UPDATE reminder SET state = 'pending', attempts = attempts - 1, "
	    "last_error = 'configuration: ' || ?3 WHERE message_id = ?2 AND state = 'sending'",
	[NOTHING_TO_SEND] = "UPDATE reminder SET state = 'skipped' "
	    "WHERE message_id = ?2 AND state = 'sending'",
};

/* After a message was sent: the day and instant its unit was mailed. After it died: a
 * dead letter for each of its items to the coordination units of the item's plan (not to
 * the unit whose mail died), for their next mail: the next working day's round (?4). */
static const char *after_sql[] = {
	[MAIL_SENT] = "INSERT OR REPLACE INTO mailed(unit_id, day, sent_at) SELECT unit_id, "
	    "?3, ?1 FROM reminder WHERE message_id = ?2 AND " DAILY " LIMIT 1",
	[MAIL_REJECTED] = "INSERT OR IGNORE INTO reminder(occurrence_id, unit_id, kind, "
	    "fire_at, about) SELECT r.occurrence_id, u.id, 'dead-' || r.id, ?4, r.id "
	    "FROM reminder r JOIN occurrence o ON o.id = r.occurrence_id "
	    "JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id "
	    "JOIN unit u INDEXED BY unit_coordinator ON u.org_id = p.org_id AND u.coordinator "
	    "WHERE r.message_id = ?2 AND r.state = 'dead' AND r.kind NOT LIKE 'dead-%' "
	    "AND u.id != r.unit_id AND EXISTS (SELECT 1 FROM unit_email e "
	    "WHERE e.unit_id = u.id)",
};

/* The outbox's note of a configuration the server refused (meta mail_blocked, since when
 * in mail_blocked_since), which ntmctl outbox shows; once a message goes through again
 * it becomes mail_outage, _since and _until, for the coordination units' next mail. */
static const char *const block_sql[] = {
	/* the first reason: the messages held untried after it end with it too */
	"INSERT OR IGNORE INTO meta(key, value) VALUES ('mail_blocked', ?2)",
	"INSERT OR IGNORE INTO meta(key, value) VALUES ('mail_blocked_since', ?1)",
};
static const char *const unblock_sql[] = {
	"INSERT OR REPLACE INTO meta(key, value) SELECT 'mail_outage' || substr(key, 13), "
	"value FROM meta WHERE key IN ('mail_blocked', 'mail_blocked_since') UNION ALL "
	"SELECT 'mail_outage_until', ?1 WHERE EXISTS (SELECT 1 FROM meta WHERE key = "
	"'mail_blocked')",
	"DELETE FROM meta WHERE key IN ('mail_blocked', 'mail_blocked_since')",
};

static int
note_outage(struct sender *s, const char *const sql[2], time_t now, const char *detail)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		sqlite3_stmt *st = store_stmt(s->db, sql[i]);

		sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
		sqlite3_bind_text(st, 2, detail, -1, SQLITE_STATIC);
		if (store_step_done(s->db, st) < 0)
			return -1;
	}
	return 0;
}

static int
record(struct sender *s, const struct outcome *o, time_t now, const char *today,
    time_t next_round)
{
	const char *after = o->r == MAIL_SENT ? after_sql[MAIL_SENT] :
	    o->r == MAIL_RETRY || o->r == MAIL_REJECTED ? after_sql[MAIL_REJECTED] : NULL;
	sqlite3_stmt *st = store_stmt(s->db, settle_sql[o->r]);

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_text(st, 2, o->msgid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->detail, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, MAX_ATTEMPTS);
	if (store_step_done(s->db, st) < 0)
		return -1;
	if (o->r == MAIL_CONFIG) {
		s->outage = 1;
		if (note_outage(s, block_sql, now, o->detail) < 0)
			return -1;
	}
	/* over when a message goes with no mailer held, not one on another connection
	 * that ended after the refusal */
	if (o->r == MAIL_SENT && s->outage && s->blocked == 0 &&
	    note_outage(s, unblock_sql, now, NULL) < 0)
		return -1;
	if (after == NULL)
		return 0;
	st = store_stmt(s->db, after);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_text(st, 2, o->msgid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, today, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)next_round);
	return store_step_done(s->db, st);
}

/* Record the messages that ended since the loop last looked, in one transaction (on
 * failure they wait a second): at once, so that a crash finds at most the messages on
 * the wire unrecorded, which go out again with their Message-ID. Without an fsync of
 * its own: a process killed loses nothing the kernel has, and what an outage of the
 * machine itself loses is an outcome — its message goes out again, never is lost, for
 * the claim before it was synced (synchronous=FULL). */
static void
settle(struct sender *s, const struct config *c, struct workcal *cal, time_t now)
{
	time_t next_round = date_at(workcal_add(cal, date_of(now), 1), c->send_at);
	char today[11];
	size_t i;
	int ok = 1;

	date_iso(date_of(now), today);
	s->hold_settle_until = clock_monotonic_ms() + HOLD_MS;
	if (store_exec(s->db, "PRAGMA synchronous=NORMAL") < 0)
		return;
	if (store_exec(s->db, "BEGIN IMMEDIATE") < 0)
		ok = 0;
	for (i = 0; ok && i < s->ndone; i++)
		if (record(s, &s->done[i], now, today, next_round) < 0)
			ok = 0;
	if (ok && store_exec(s->db, "COMMIT") < 0)
		ok = 0;
	if (!ok)
		store_rollback(s->db);
	store_exec(s->db, "PRAGMA synchronous=FULL");
	if (!ok)
		return;
	for (i = 0; i < s->ndone; i++)
		free(s->done[i].msgid), free(s->done[i].detail);
	s->ndone = 0;
	s->hold_settle_until = 0;
}

/* Hand the next claimed message to the mailer. */
static void
dispatch(struct sender *s, const struct config *c, struct mailer *mr)
{
	struct outgoing *o = s->queue[--s->nqueue];
	char *from = config_from_address(c);
	struct digest *dg;
	int in_txn, nothing = 0;

	/* one read transaction: SQLite takes its locks once, not at every statement */
	in_txn = store_exec(s->db, "BEGIN") == 0;
	dg = o->invitation ? invite_build(s->db, c, o->unit, o->msgid, s->now) :
	    digest_build(s->db, c, s->key, o->unit, o->msgid, s->now, &nothing);
	if (in_txn && store_exec(s->db, "COMMIT") < 0)
		store_exec(s->db, "ROLLBACK");

	s->flying++;
	s->mailer = mailer_serial(mr);
	if (dg == NULL) {
		o->to_list = xstrdup("");
		o->unit_code = xstrdup("");
		if (nothing)
			ended(o, NOTHING_TO_SEND, "every item closed since it was claimed");
		else
			ended(o, MAIL_RETRY, "the message could not be composed");
	} else {
		o->to_list = xstrdup(dg->to_list);
		o->unit_code = xstrdup(dg->unit_code);
		mailer_send(mr, from, (const char **)dg->to, dg->nto, dg->message, mail_done, o);
		dg->message = NULL;	/* the mailer's now */
		digest_free(dg);
	}
	free(from);
}

/* Claimed messages not yet handed over go back to the outbox as they were, in one
 * transaction: 0, or -1 (logged) with all of them kept, to be returned later. */
static int
unclaim(struct sender *s)
{
	static const char *sql = "UPDATE reminder SET state = 'pending', attempts = "
	    "attempts - 1 WHERE message_id = ? AND state = 'sending'";
	size_t i;

	if (s->nqueue == 0)
		return 0;
	if (store_exec(s->db, "BEGIN IMMEDIATE") < 0)
		return -1;
	for (i = 0; i < s->nqueue; i++) {
		sqlite3_stmt *st = store_stmt(s->db, sql);

		sqlite3_bind_text(st, 1, s->queue[i]->msgid, -1, SQLITE_STATIC);
		if (store_step_done(s->db, st) < 0)
			break;
	}
	if (i < s->nqueue || store_exec(s->db, "COMMIT") < 0) {
		store_rollback(s->db);
		return -1;
	}
	for (; s->nqueue > 0; s->nqueue--)
		outgoing_free(s->queue[s->nqueue - 1]);
	return 0;
}

/* Whether mail waits for the operator: the server refused mr's configuration, and it is
 * not yet time to try again (a reload that changes smtp makes a new mailer, tried at
 * once). What was claimed goes back meanwhile. */
static int
held(struct sender *s, struct mailer *mr, time_t now)
{
	if (s->blocked == 0)
		return 0;
	if (s->blocked == mailer_serial(mr) && now < s->probe_at) {
		if (s->flying == 0 && clock_monotonic_ms() >= s->hold_until && unclaim(s) < 0)
			s->hold_until = clock_monotonic_ms() + HOLD_MS;
		return 1;
	}
	s->blocked = 0;
	mailer_try_again(mr);
	return 0;
}

void
remind_work(struct sender *s, const struct config *c, struct workcal *cal,
    struct mailer *mr, time_t now, int stopping)
{
	size_t n;
	int k;

	if (s->ndone > 0 && (stopping || clock_monotonic_ms() >= s->hold_settle_until))
		settle(s, c, cal, now);
	if (stopping || mr == NULL || held(s, mr, now))
		return;
	/* as many as there are free slots now: the file: spool, which writes (and syncs) a
	 * message before mailer_send returns, has one, so the loop polls between messages */
	for (n = mailer_free_slots(mr); n > 0; n--) {
		if (s->nqueue == 0) {
			time_t next = remind_next(s->db, c, now);

			if (next == 0 || next > now || clock_monotonic_ms() < s->hold_until)
				break;
			s->now = now;
			if ((k = claim_batch(s, c, cal, now)) < 0)
				s->hold_until = clock_monotonic_ms() + HOLD_MS;
			if (k <= 0)
				break;
		}
		dispatch(s, c, mr);
	}
}

size_t
remind_in_flight(const struct sender *s)
{
	return s->flying;
}

int
remind_ready_in_ms(const struct sender *s, time_t next, time_t now)
{
	long long hold = s->hold_until - clock_monotonic_ms();

	if (s->blocked && s->flying == 0 && s->nqueue > 0)	/* to be returned: see held() */
		return hold > 0 ? (int)hold : 0;
	if (s->blocked)		/* held for the operator: until the next try, or a reload */
		return s->probe_at > now ? (int)((s->probe_at - now) * 1000) : 0;
	if (s->nqueue > 0)
		return 0;
	if (next == 0)
		return -1;
	if (next > now)
		return next - now > INT_MAX / 1000 ? INT_MAX : (int)((next - now) * 1000);
	return hold > 0 ? (int)hold : 0;
}

int
remind_settle_in_ms(const struct sender *s)
{
	long long left;

	if (s->ndone == 0)
		return -1;
	left = s->hold_settle_until - clock_monotonic_ms();
	return left < 0 ? 0 : (int)left;
}

void
remind_sender_free(struct sender *s)
{
	size_t i;

	if (s == NULL)
		return;
	/* Claimed but never handed over: back to the outbox as they were. */
	if (unclaim(s) < 0)
		for (i = 0; i < s->nqueue; i++)
			outgoing_free(s->queue[i]);
	for (i = 0; i < s->ndone; i++)
		free(s->done[i].msgid), free(s->done[i].detail);
	free(s->queue);
	free(s->done);
	free(s);
}

/* The first wake of the pending reminders of sql (ordered by WAKE), or 0. */
static time_t
first_wake(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = store_stmt(db, sql);
	time_t t = 0;

	if (sqlite3_step(st) == SQLITE_ROW)
		t = (time_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return t;
}

time_t
remind_next(sqlite3 *db, const struct config *c, time_t now)
{
	time_t t = first_wake(db, "SELECT " WAKE " FROM " BY_WAKE " WHERE state = 'pending' "
	    "AND " DAILY " ORDER BY " WAKE " LIMIT 1"), round = date_at(date_of(now),
	    c->send_at), invitation = first_wake(db, "SELECT " WAKE " FROM " BY_INVITE_WAKE
	    " WHERE state = 'pending' AND " INVITATION " ORDER BY " WAKE " LIMIT 1");

	/* no daily mail between midnight and send_at: what is owed waits for the round;
	 * an invitation goes when it is made */
	if (t != 0 && now < round && t < round)
		t = round;
	return invitation != 0 && (t == 0 || invitation < t) ? invitation : t;
}
