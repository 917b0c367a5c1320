/*
 * Meetings set by a coordinator. The plan dates a steering committee's meeting by a
 * month ("Tháng 3, 6, 9, 11"); the day, the hours and the place come later and are kept
 * in their own table, so that a reload of an unchanged plan keeps them and a plan that
 * moves the meeting to another month drops them. The item keeps its UID: calendars see
 * the same event moved (RFC 5545 §3.8.7.4, SEQUENCE), and every unit in it is invited
 * through the outbox at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "meeting.h"
#include "store.h"
#include "text.h"
#include "xalloc.h"

#define DEFAULT_LENGTH 120	/* minutes, when no end is given */
#define DROPPED_SHOWN (30 * 86400)	/* ntmctl check tells of drops this recent */

static const char sql_item[] = "SELECT o.status, o.start, o.due, t.kind, "
	"m.cancelled FROM occurrence o JOIN task t ON t.id = o.task_id "
	"LEFT JOIN meeting m ON m.occurrence_id = o.id WHERE o.id = ?";
static const char sql_schedule[] = "INSERT INTO meeting(occurrence_id, day, start_time, "
	"end_time, place, note, day_off, forced, cancelled, set_at, set_by) "
	"VALUES(?1, ?2, ?3, ?4, nullif(?5, ''), nullif(?6, ''), ?7, ?8, 0, ?9, ?10) "
	"ON CONFLICT(occurrence_id) DO UPDATE SET day = excluded.day, "
	"start_time = excluded.start_time, end_time = excluded.end_time, "
	/* a place or note not given stays; an empty one is taken away */
	"place = CASE WHEN ?5 IS NULL THEN place ELSE nullif(?5, '') END, "
	"note = CASE WHEN ?6 IS NULL THEN note ELSE nullif(?6, '') END, "
	"day_off = excluded.day_off, forced = excluded.forced, cancelled = 0, "
	"set_at = excluded.set_at, set_by = excluded.set_by";
/* the cancel's note, the reason, is what the units read then */
static const char sql_cancel[] = "INSERT INTO meeting(occurrence_id, day, note, cancelled, "
	"set_at, set_by) SELECT id, day, nullif(?4, ''), 1, ?2, ?3 FROM occurrence WHERE "
	"id = ?1 ON CONFLICT(occurrence_id) DO UPDATE SET cancelled = 1, "
	"note = excluded.note, set_at = excluded.set_at, "
	"set_by = excluded.set_by";
/* The schedule onto the item's row: its day, no longer tentative once it has hours,
 * cancelled or open again. */
static const char sql_apply[] = "UPDATE occurrence SET day = m.day, day_off = m.day_off, "
	"tentative = CASE WHEN m.start_time IS NULL THEN occurrence.tentative ELSE 0 END, "
	"status = CASE WHEN m.cancelled THEN 'cancelled' WHEN occurrence.status = 'cancelled' "
	"THEN 'open' ELSE occurrence.status END FROM meeting m "
	"WHERE m.occurrence_id = occurrence.id AND occurrence.id = ?1";
static const char sql_bump[] = "UPDATE occurrence SET sequence = sequence + 1, "
	"changed_at = ?2 WHERE id = ?1 RETURNING sequence";
/* Every unit in the item with an address, a group's members for the group. */
static const char sql_invite[] = "INSERT OR IGNORE INTO reminder(occurrence_id, unit_id, "
	"kind, fire_at) SELECT ?1, u, 'invite-' || ?2, ?3 FROM (SELECT tu.unit_id AS u "
	"FROM occurrence o JOIN task_unit tu ON tu.task_id = o.task_id WHERE o.id = ?1 "
	"UNION SELECT g.member_id FROM occurrence o JOIN task_unit tu ON tu.task_id = "
	"o.task_id JOIN unit_group g ON g.group_id = tu.unit_id WHERE o.id = ?1) "
	"WHERE EXISTS (SELECT 1 FROM unit_email e WHERE e.unit_id = u)";
static const char sql_audit[] = "INSERT INTO audit(at, actor, action, detail, "
	"occurrence_id, remote, note) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";

int
meeting_text_ok(const char *s, size_t max, int multiline)
{
	const unsigned char *p;

	if (!text_valid_utf8(s) || text_chars(s) > max)
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < ' ' && !(multiline && (*p == '\n' || *p == '\r'))) || *p == 0x7f)
			return 0;
	return 1;
}

int
meeting_parse_time(const char *s)
{
	size_t digits = strspn(s, "0123456789");
	int h, m;

	/* H:MM or HH:MM, digits only */
	if ((digits != 1 && digits != 2) || s[digits] != ':' ||
	    strspn(s + digits + 1, "0123456789") != 2 || s[digits + 3] != '\0')
		return -1;
	h = atoi(s);
	m = atoi(s + digits + 1);
	return h > 23 || m > 59 ? -1 : h * 60 + m;
}

void
meeting_hour_vn(int minutes, char *out)
{
	snprintf(out, 16, "%d giờ %02d", minutes / 60 % 100, minutes % 60);
}

char *
meeting_when_vn(ntm_date day, int minutes)
{
	char hour[16], d[11];

	meeting_hour_vn(minutes, hour);
	date_vn(day, d);
	return xasprintf("%s, %s, %s", hour, date_weekday_vn(day), d);
}

void
meeting_hhmm(int minutes, char out[8])
{
	unsigned int m = (unsigned int)minutes % (24 * 60);

	snprintf(out, 8, "%02u:%02u", m / 60, m % 60);
}

/* The item as the change needs it: 1, 0 if there is none, -1 on an error. */
struct item {
	char		status[16], kind[16];
	ntm_date	start, due;
	int		cancelled;	/* by a coordinator, not because it left the plan */
};

static int
load_item(sqlite3 *db, sqlite3_int64 id, struct item *it)
{
	sqlite3_stmt *st = store_stmt(db, sql_item);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(it->status, sizeof(it->status), "%s", sqlite3_column_text(st, 0));
		date_parse_iso((const char *)sqlite3_column_text(st, 1), &it->start);
		date_parse_iso((const char *)sqlite3_column_text(st, 2), &it->due);
		snprintf(it->kind, sizeof(it->kind), "%s", sqlite3_column_text(st, 3));
		it->cancelled = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Why the change cannot be made, or MEETING_SET when it can. */
static enum meeting_result
refusal(const struct item *it, struct workcal *cal, const struct meeting_set *m,
    int end, struct meeting_outcome *out)
{
	const char *off;

	snprintf(out->status, sizeof(out->status), "%s", it->status);
	if (strcmp(it->kind, "meeting"))
		return MEETING_NOT_MEETING;
	if (!strcmp(it->status, "done") || !strcmp(it->status, "waived") ||
	    (!strcmp(it->status, "cancelled") && (m->cancel || !it->cancelled)))
		return MEETING_CLOSED;
	if (m->cancel)
		return MEETING_SET;
	if (m->start < 0 || end <= m->start || end >= 24 * 60)
		return MEETING_BAD_HOURS;
	if (!m->force && (m->day < it->start || m->day > it->due)) {
		out->from = it->start;
		out->to = it->due;
		return MEETING_OUTSIDE;
	}
	if (!m->force && cal && (off = workcal_day_off(cal, m->day)) != NULL) {
		snprintf(out->day_off, sizeof(out->day_off), "%s", off);
		return MEETING_DAY_OFF;
	}
	return MEETING_SET;
}

static int
write_schedule(sqlite3 *db, struct workcal *cal, sqlite3_int64 id,
    const struct meeting_set *m, int end)
{
	sqlite3_stmt *st = store_stmt(db, m->cancel ? sql_cancel : sql_schedule);
	char day[11], from[8], to[8];
	const char *off = cal ? workcal_day_off(cal, m->day) : NULL;

	sqlite3_bind_int64(st, 1, id);
	if (m->cancel) {
		sqlite3_bind_int64(st, 2, (sqlite3_int64)m->now);
		sqlite3_bind_text(st, 3, m->actor, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, m->note, -1, SQLITE_STATIC);
		return store_step(st);
	}
	date_iso(m->day, day);
	meeting_hhmm(m->start, from);
	meeting_hhmm(end, to);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->place, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, m->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, off, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, m->force);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)m->now);
	sqlite3_bind_text(st, 10, m->actor, -1, SQLITE_STATIC);
	return store_step(st);
}

/* The invitations of the item's change to SEQUENCE seq: how many, or -1. */
static int
invite(sqlite3 *db, sqlite3_int64 id, int seq, time_t now)
{
	sqlite3_stmt *st = store_stmt(db, sql_invite);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, seq);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	return store_step(st) < 0 ? -1 : sqlite3_changes(db);
}

static int
audit(sqlite3 *db, time_t at, const char *actor, const char *action, const char *detail,
    sqlite3_int64 id, const char *remote, const char *note)
{
	sqlite3_stmt *st = store_stmt(db, sql_audit);

	sqlite3_bind_int64(st, 1, (sqlite3_int64)at);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, id);
	sqlite3_bind_text(st, 6, remote, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, note, -1, SQLITE_STATIC);
	return store_step(st);
}

/* Inside the transaction, the change allowed: every write. 0 or -1. */
static int
change(sqlite3 *db, struct workcal *cal, sqlite3_int64 id, const struct meeting_set *m,
    int end, struct meeting_outcome *out)
{
	sqlite3_stmt *st;
	char day[11], from[8], to[8], *detail;
	int rc;

	if (write_schedule(db, cal, id, m, end) < 0 || meeting_reapply(db, id) < 0)
		return -1;
	st = store_stmt(db, sql_bump);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)m->now);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	out->sequence = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if ((out->invited = invite(db, id, out->sequence, m->now)) < 0)
		return -1;
	date_iso(m->day, day);
	meeting_hhmm(m->start, from);
	meeting_hhmm(end, to);
	detail = m->cancel ? xasprintf("occurrence %lld: meeting cancelled", (long long)id) :
	    xasprintf("occurrence %lld: meeting %s %s-%s%s%s%s", (long long)id, day, from, to,
	    m->place ? " at " : "", m->place ? m->place : "", m->force ? " (forced)" : "");
	rc = audit(db, m->now, m->actor, m->cancel ? "meeting-cancel" : "meeting-set", detail,
	    id, m->remote, m->note);
	free(detail);
	return rc;
}

static enum meeting_result
failed(sqlite3 *db, sqlite3_int64 id)
{
	log_warnx("meeting %lld not changed, nothing written: %s", (long long)id,
	    store_error(db));
	store_rollback(db);
	return MEETING_FAILED;
}

enum meeting_result
meeting_set(sqlite3 *db, struct workcal *cal, sqlite3_int64 id, const struct meeting_set *m,
    struct meeting_outcome *out)
{
	int end = m->end >= 0 ? m->end : m->start + DEFAULT_LENGTH, found;
	enum meeting_result r;
	struct item it;

	memset(out, 0, sizeof(*out));
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    (found = load_item(db, id, &it)) < 0)
		return failed(db, id);
	r = found ? refusal(&it, cal, m, end, out) : MEETING_NO_ITEM;
	if (r == MEETING_SET && change(db, cal, id, m, end, out) < 0)
		return failed(db, id);
	if (sqlite3_exec(db, r == MEETING_SET ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return failed(db, id);
	return r == MEETING_SET && m->cancel ? MEETING_CANCELLED : r;
}

int
meeting_load(sqlite3 *db, sqlite3_int64 id, struct meeting_row *r)
{
	sqlite3_stmt *st = store_stmt(db, "SELECT day, coalesce(start_time, ''), "
	    "coalesce(end_time, ''), cancelled, coalesce(place, ''), coalesce(note, '') "
	    "FROM meeting WHERE occurrence_id = ?");
	int rc;

	memset(r, 0, sizeof(*r));
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		date_parse_iso((const char *)sqlite3_column_text(st, 0), &r->day);
		r->start = meeting_parse_time((const char *)sqlite3_column_text(st, 1));
		r->end = meeting_parse_time((const char *)sqlite3_column_text(st, 2));
		r->cancelled = sqlite3_column_int(st, 3);
		r->place = xstrdup((const char *)sqlite3_column_text(st, 4));
		r->note = xstrdup((const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

void
meeting_row_free(struct meeting_row *r)
{
	free(r->place);
	free(r->note);
}

int
meeting_reapply(sqlite3 *db, sqlite3_int64 id)
{
	sqlite3_stmt *st = store_stmt(db, sql_apply);

	sqlite3_bind_int64(st, 1, id);
	return store_step(st);
}

/* Drop item id's schedule, saying why (detail) in the log and the audit; its units are
 * told the meeting is off unless it is over (done, or its day passed). 0 or -1. */
static int
drop(sqlite3 *db, sqlite3_int64 id, const char *detail, time_t now)
{
	sqlite3_stmt *st = store_stmt(db, "SELECT o.sequence, o.status = 'done' OR m.day < ?2 "
	    "FROM occurrence o JOIN meeting m ON m.occurrence_id = o.id WHERE o.id = ?1");
	char today[11];
	int seq = -1, over = 0, failed;

	date_iso(date_of(now), today);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		seq = sqlite3_column_int(st, 0);
		over = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (seq < 0)
		return -1;
	log_warnx("%s%s", detail, over ? "" : "; its units are told it is off");
	failed = audit(db, now, "sync", "meeting-dropped", detail, id, NULL, NULL) < 0 ||
	    (!over && invite(db, id, seq, now) < 0);
	st = store_stmt(db, "DELETE FROM meeting WHERE occurrence_id = ?");
	sqlite3_bind_int64(st, 1, id);
	return failed || store_step(st) < 0 ? -1 : 0;
}

int
meeting_resync(sqlite3 *db, sqlite3_int64 id, ntm_date start, ntm_date due, time_t now)
{
	sqlite3_stmt *st = store_stmt(db, "SELECT m.day, m.forced OR m.cancelled OR "
	    "m.start_time IS NULL, p.code, t.ref, o.period, coalesce(m.start_time, '') FROM "
	    "meeting m JOIN occurrence o ON o.id = m.occurrence_id JOIN task t ON "
	    "t.id = o.task_id JOIN plan p ON p.id = t.plan_id WHERE m.occurrence_id = ?");
	char *detail = NULL, from[11], to[11];
	int rc, keep = 1;
	ntm_date day;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    date_parse_iso((const char *)sqlite3_column_text(st, 0), &day) == 0 &&
	    !sqlite3_column_int(st, 1) && (day < start || day > due)) {
		keep = 0;
		date_iso(start, from);
		date_iso(due, to);
		detail = xasprintf("plan %s, task %s: the meeting of %s is now %s to %s; its "
		    "schedule (item %lld, %s %s) is dropped", sqlite3_column_text(st, 2),
		    sqlite3_column_text(st, 3), sqlite3_column_text(st, 4), from, to,
		    (long long)id, sqlite3_column_text(st, 0), sqlite3_column_text(st, 5));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	rc = keep ? meeting_reapply(db, id) : drop(db, id, detail, now);
	free(detail);
	return rc;
}

int
meeting_drop_left(sqlite3 *db, sqlite3_int64 plan, time_t now)
{
	/* a schedule that is set (not cancelled) on an item the sync just cancelled: the
	 * item left the plan, as only a sync cancels an item without its schedule */
	sqlite3_stmt *sel = store_stmt(db, "SELECT m.occurrence_id, p.code, t.ref, o.period, "
	    "m.day, coalesce(m.start_time, '') FROM meeting m JOIN occurrence o ON "
	    "o.id = m.occurrence_id JOIN task t ON t.id = o.task_id JOIN plan p ON "
	    "p.id = t.plan_id WHERE t.plan_id = ?1 AND o.status = 'cancelled' AND "
	    "NOT m.cancelled");
	struct left {
		sqlite3_int64	 id;
		char		*detail;
	} *v = NULL;
	size_t n = 0, i;
	int rc, failed = 0;

	sqlite3_bind_int64(sel, 1, plan);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n].id = sqlite3_column_int64(sel, 0);
		v[n++].detail = xasprintf("plan %s, task %s: the plan no longer has the meeting "
		    "of %s; its schedule (item %lld, %s %s) is dropped",
		    sqlite3_column_text(sel, 1), sqlite3_column_text(sel, 2),
		    sqlite3_column_text(sel, 3), (long long)sqlite3_column_int64(sel, 0),
		    sqlite3_column_text(sel, 4), sqlite3_column_text(sel, 5));
	}
	sqlite3_reset(sel);
	for (i = 0; i < n; i++) {
		failed |= drop(db, v[i].id, v[i].detail, now) < 0;
		free(v[i].detail);
	}
	free(v);
	return rc != SQLITE_DONE || failed ? -1 : (int)n;
}

/* Whether task ref of p still has a period keyed period holding day (any day when
 * forced). */
static int
plan_has(const struct plan *p, const char *ref, const char *period, ntm_date day,
    int forced, int *line)
{
	const struct when_period *wp;
	size_t i, j;

	*line = 0;
	for (i = 0; i < p->ntasks; i++) {
		if (strcmp(p->tasks[i].id, ref))
			continue;
		*line = p->tasks[i].line;
		for (j = 0; j < p->tasks[i].when.n; j++) {
			wp = &p->tasks[i].when.periods[j];
			if (!strcmp(wp->key, period) && (forced || (day >= wp->start &&
			    day <= wp->due)))
				return 1;
		}
	}
	return 0;
}

void
meeting_check_plan(sqlite3 *db, const struct plan *p, time_t now, struct diag *d)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT t.ref, o.period, m.day, "
	    "coalesce(m.start_time, ''), o.id, m.forced FROM meeting m JOIN occurrence o ON "
	    "o.id = m.occurrence_id JOIN task t ON t.id = o.task_id JOIN plan pl ON "
	    "pl.id = t.plan_id WHERE pl.code = ?1 AND NOT m.cancelled AND "
	    "o.status != 'cancelled' ORDER BY o.id");
	ntm_date day;
	int line;

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, p->code, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *ref = (const char *)sqlite3_column_text(st, 0);
		const char *period = (const char *)sqlite3_column_text(st, 1);

		if (date_parse_iso((const char *)sqlite3_column_text(st, 2), &day) < 0 ||
		    plan_has(p, ref, period, day, sqlite3_column_int(st, 5), &line))
			continue;
		diag_warning(d, p->file, line, "task %s: the meeting of %s set for %s %s (item "
		    "%lld) is no longer in the plan, or not on that day: loading it drops the "
		    "schedule and tells the meeting's units it is off", ref, period, sqlite3_column_text(st, 2),
		    sqlite3_column_text(st, 3), (long long)sqlite3_column_int64(st, 4));
	}
	sqlite3_finalize(st);
	st = store_prepare(db, "SELECT a.detail FROM audit a JOIN occurrence o ON "
	    "o.id = a.occurrence_id JOIN task t ON t.id = o.task_id JOIN plan pl ON "
	    "pl.id = t.plan_id WHERE a.action = 'meeting-dropped' AND pl.code = ?1 AND "
	    "a.at > ?2 ORDER BY a.id");
	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, p->code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(now - DROPPED_SHOWN));
	while (sqlite3_step(st) == SQLITE_ROW)
		diag_warning(d, p->file, 0, "dropped at a load: %s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}
