/*
 * Plans into the database. Rows are matched by their natural keys (org code, unit
 * code, plan code, task ref, period) so that an occurrence keeps its id, UID and status
 * across reloads; what a calendar client sees is fingerprinted, and a change bumps
 * SEQUENCE (RFC 5545 §3.8.7.4). Occurrences that left the plan are cancelled, not deleted.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "meeting.h"
#include "plancheck.h"
#include "schedule.h"
#include "store.h"
#include "sync.h"
#include "token.h"
#include "xalloc.h"

/* The statements a load runs, prepared on first use and kept for the whole run. */
enum stmt {
	S_ORG, S_UNIT, S_UNIT_PARENT, S_ALIAS_DEL, S_ALIAS_ADD, S_EMAIL_DEL, S_EMAIL_ADD,
	S_GROUPS_DEL, S_GROUP_ADD,
	S_PLAN, S_TASK, S_TASK_UNIT_DEL, S_TASK_UNIT_ADD, S_OCC_FIND, S_OCC_INSERT,
	S_OCC_UPDATE,
	S_SEEN_TASK, S_SEEN_OCC, S_FORGET_MEETINGS, S_CANCEL_OCC, S_RETIRE_TASKS, S_CATALOG, S_CRITERION,
	S_PERSON, S_PERSON_EMAIL_DEL, S_PERSON_EMAIL_ADD, S_TARGET_CRIT_DEL, S_TARGET_DEL,
	S_ASSIGNMENT_DEL, S_PROGRESS_DEL, S_ASSIGNMENT, S_TARGET, S_TARGET_CRIT, S_PROGRESS,
	NSTMTS
};

#define CRITERION_ID(a, b) "(SELECT cr.id FROM criterion cr JOIN catalog c ON c.id = " \
	"cr.catalog_id WHERE c.code = ?" #a " AND cr.ref = ?" #b ")"

static const char *const sql[NSTMTS] = {
	[S_ORG] = "INSERT INTO org(code, name) VALUES(?, ?) "
	    "ON CONFLICT(code) DO UPDATE SET name = excluded.name RETURNING id",
	[S_UNIT] = "INSERT INTO unit(org_id, code, name, kind, coordinator, phone, address) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(org_id, code) DO UPDATE SET "
	    "name = excluded.name, kind = excluded.kind, coordinator = excluded.coordinator, "
	    "phone = excluded.phone, address = excluded.address RETURNING id",
	[S_UNIT_PARENT] = "UPDATE unit SET parent_id = ? WHERE id = ?",
	[S_ALIAS_DEL] = "DELETE FROM unit_alias WHERE unit_id = ?",
	[S_ALIAS_ADD] = "INSERT OR IGNORE INTO unit_alias(unit_id, alias) VALUES(?, ?)",
	[S_EMAIL_DEL] = "DELETE FROM unit_email WHERE unit_id = ?",
	[S_EMAIL_ADD] = "INSERT OR IGNORE INTO unit_email(unit_id, address) VALUES(?, ?)",
	[S_GROUPS_DEL] = "DELETE FROM unit_group WHERE member_id = ?",
	[S_GROUP_ADD] = "INSERT OR IGNORE INTO unit_group(member_id, group_id) VALUES(?, ?)",
	[S_PLAN] = "INSERT INTO plan(org_id, code, title, number, "
	    "issuer, issued, catalog, source, file, year) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT(code) DO UPDATE SET org_id = excluded.org_id, title = excluded.title, "
	    "number = excluded.number, issuer = excluded.issuer, issued = excluded.issued, "
	    "catalog = excluded.catalog, source = excluded.source, file = excluded.file, "
	    "year = excluded.year RETURNING id",
	[S_TASK] = "INSERT INTO task(plan_id, ref, section, title, kind, "
	    "when_text, when_kind, line, active, latest_text, product, report_to) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) "
	    "ON CONFLICT(plan_id, ref) DO UPDATE SET section = excluded.section, "
	    "title = excluded.title, kind = excluded.kind, when_text = excluded.when_text, "
	    "when_kind = excluded.when_kind, line = excluded.line, active = 1, "
	    "latest_text = excluded.latest_text, product = excluded.product, "
	    "report_to = excluded.report_to RETURNING id",
	[S_TASK_UNIT_DEL] = "DELETE FROM task_unit WHERE task_id = ?",
	[S_TASK_UNIT_ADD] = "INSERT OR IGNORE INTO task_unit(task_id, unit_id, role) "
	    "VALUES(?, ?, ?)",
	/* a meeting a coordinator cancelled is not an item the plan brings back */
	[S_OCC_FIND] = "SELECT o.id, o.fingerprint = ?3 AND (o.status != 'cancelled' OR "
	    "coalesce(m.cancelled, 0)), m.occurrence_id IS NOT NULL FROM occurrence o "
	    "LEFT JOIN meeting m ON m.occurrence_id = o.id WHERE o.task_id = ?1 AND o.period = ?2",
	/* S_OCC_INSERT and S_OCC_UPDATE take the same parameters (occurrence_bind). */
	[S_OCC_INSERT] = "INSERT INTO occurrence(task_id, period, start, due, tentative, "
	    "uid, fingerprint, changed_at, latest, due_original, latest_original, day, day_off, "
	    "rrule) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[S_OCC_UPDATE] = "UPDATE occurrence SET start = ?3, due = ?4, tentative = ?5, "
	    "fingerprint = ?7, changed_at = ?8, latest = ?9, due_original = ?10, "
	    "latest_original = ?11, day = ?12, day_off = ?13, rrule = ?14, "
	    "sequence = sequence + 1, "
	    "status = CASE status WHEN 'cancelled' THEN 'open' ELSE status END "
	    "WHERE task_id = ?1 AND period = ?2",
	[S_SEEN_TASK] = "INSERT OR IGNORE INTO seen_task(id) VALUES(?)",
	[S_SEEN_OCC] = "INSERT OR IGNORE INTO seen_occurrence(id) VALUES(?)",
	/* a meeting a coordinator cancelled, its item gone from the plan: nothing to keep */
	[S_FORGET_MEETINGS] = "DELETE FROM meeting WHERE cancelled AND occurrence_id IN ("
	    "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id "
	    "WHERE t.plan_id = ? AND o.id NOT IN (SELECT id FROM seen_occurrence))",
	[S_CANCEL_OCC] = "UPDATE occurrence SET status = 'cancelled', "
	    "sequence = sequence + 1, changed_at = ? WHERE status != 'cancelled' AND id IN ("
	    "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id "
	    "WHERE t.plan_id = ? AND o.id NOT IN (SELECT id FROM seen_occurrence))",
	[S_RETIRE_TASKS] = "UPDATE task SET active = 0 WHERE plan_id = ? AND "
	    "id NOT IN (SELECT id FROM seen_task)",
	[S_CATALOG] = "INSERT INTO catalog(code, title, decision, level, issued, "
	    "in_force, file) VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
	    "title = excluded.title, decision = excluded.decision, level = excluded.level, "
	    "issued = excluded.issued, in_force = excluded.in_force, file = excluded.file "
	    "RETURNING id",
	[S_CRITERION] = "INSERT INTO criterion(catalog_id, ref, name) "
	    "VALUES(?, ?, ?) ON CONFLICT(catalog_id, ref) DO UPDATE SET name = excluded.name",
	[S_PERSON] = "INSERT INTO person(org_id, code, name, title, unit_id) "
	    "VALUES(?, ?, ?, ?, ?) ON CONFLICT(org_id, code) DO UPDATE SET "
	    "name = excluded.name, title = excluded.title, unit_id = excluded.unit_id "
	    "RETURNING id",
	[S_PERSON_EMAIL_DEL] = "DELETE FROM person_email WHERE person_id = ?",
	[S_PERSON_EMAIL_ADD] = "INSERT OR IGNORE INTO person_email(person_id, address) "
	    "VALUES(?, ?)",
	[S_TARGET_CRIT_DEL] = "DELETE FROM target_criterion WHERE target_id IN "
	    "(SELECT id FROM target WHERE plan_id = ?)",
	[S_TARGET_DEL] = "DELETE FROM target WHERE plan_id = ?",
	[S_ASSIGNMENT_DEL] = "DELETE FROM assignment WHERE plan_id = ?",
	[S_PROGRESS_DEL] = "DELETE FROM progress WHERE plan_id = ?",
	[S_ASSIGNMENT] = "INSERT OR IGNORE INTO assignment(plan_id, unit_id, criterion_id, "
	    "role, note) VALUES(?1, ?2, " CRITERION_ID(3, 4) ", ?5, ?6)",
	[S_TARGET] = "INSERT INTO target(plan_id, commune_id, catalog_id, "
	    "by_text, due, status, goal, reason, proposal, budget, line, task_id) "
	    "VALUES(?1, ?2, (SELECT id FROM catalog WHERE code = ?3), ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11, (SELECT id FROM task WHERE plan_id = ?1 AND ref = ?12)) "
	    "RETURNING id",
	[S_TARGET_CRIT] = "INSERT OR IGNORE INTO target_criterion(target_id, criterion_id) "
	    "VALUES(?1, " CRITERION_ID(2, 3) ")",
	[S_PROGRESS] = "INSERT INTO progress(plan_id, commune_id, catalog_id, "
	    "as_of, criteria_met, criteria_total, indicators_met, indicators_total) "
	    "VALUES(?, ?, (SELECT id FROM catalog WHERE code = ?), ?, ?, ?, ?, ?)",
};

struct writer {
	sqlite3			*db;
	time_t			 now;
	struct sync_stats	*st;
	struct workcal		*cal;
	int			 failed;
	sqlite3_stmt		*stmts[NSTMTS];
};

/* Statement k with no bindings. NULL if it cannot be prepared (logged): the step that
 * follows fails with SQLITE_MISUSE and so does the load. */
static sqlite3_stmt *
stmt(struct writer *w, enum stmt k)
{
	if (w->stmts[k] == NULL && (w->stmts[k] = store_prepare(w->db, sql[k])) == NULL)
		return NULL;
	sqlite3_clear_bindings(w->stmts[k]);
	return w->stmts[k];
}

static void
finalize_stmts(struct writer *w)
{
	int k;

	for (k = 0; k < NSTMTS; k++)
		sqlite3_finalize(w->stmts[k]);
}

/* Step st: SQLITE_ROW (the row is there to read until st is reset) or SQLITE_DONE; any
 * other result is logged and fails the load. */
static int
step(struct writer *w, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("database: %s", store_error(w->db));
		w->failed = 1;
	}
	return rc;
}

/* Step st and reset it: the first column of its row, or -1 if none. */
static sqlite3_int64
step_id(struct writer *w, sqlite3_stmt *st)
{
	sqlite3_int64 id = step(w, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;

	sqlite3_reset(st);
	return id;
}

static void
bind_texts(sqlite3_stmt *st, int from, const char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		sqlite3_bind_text(st, from + i, v[i], -1, SQLITE_TRANSIENT);
}

static sqlite3_int64
write_org(struct writer *w, const struct plan *p)
{
	sqlite3_stmt *st = stmt(w, S_ORG);
	const char *v[] = { p->org_code, p->org_name };

	bind_texts(st, 1, v, 2);
	return step_id(w, st);
}

/* Replace the rows of a one-to-many table ("unit_alias", "person_email") that belong
 * to owner by items: del deletes them, add (the statement after it) adds one. */
static void
write_list(struct writer *w, enum stmt del, sqlite3_int64 owner, char **items, size_t n)
{
	sqlite3_stmt *st = stmt(w, del);
	size_t i;

	sqlite3_bind_int64(st, 1, owner);
	step_id(w, st);
	for (i = 0; i < n; i++) {
		st = stmt(w, del + 1);
		sqlite3_bind_int64(st, 1, owner);
		sqlite3_bind_text(st, 2, items[i], -1, SQLITE_STATIC);
		step_id(w, st);
	}
}

/* The groups unit u belongs to, as its plan says (the last plan read wins). */
static void
write_groups(struct writer *w, const struct plan_unit *u, sqlite3_int64 member,
    const sqlite3_int64 *ids)
{
	sqlite3_stmt *st = stmt(w, S_GROUPS_DEL);
	size_t i;

	sqlite3_bind_int64(st, 1, member);
	step_id(w, st);
	for (i = 0; i < u->ngroups; i++) {
		st = stmt(w, S_GROUP_ADD);
		sqlite3_bind_int64(st, 1, member);
		sqlite3_bind_int64(st, 2, ids[u->group_units[i]]);
		step_id(w, st);
	}
}

/* Units of the plan's organisation; ids[i] is the row of p->units[i]. */
static void
write_units(struct writer *w, const struct plan *p, sqlite3_int64 org, sqlite3_int64 *ids)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < p->nunits; i++) {
		const struct plan_unit *u = &p->units[i];
		const char *v[] = { u->code, u->name, u->kind };

		st = stmt(w, S_UNIT);
		sqlite3_bind_int64(st, 1, org);
		bind_texts(st, 2, v, 3);
		sqlite3_bind_int(st, 5, u->coordinator);
		bind_texts(st, 6, (const char *[]){ u->phone, u->address }, 2);
		ids[i] = step_id(w, st);
		write_list(w, S_ALIAS_DEL, ids[i], u->aliases, u->naliases);
		write_list(w, S_EMAIL_DEL, ids[i], u->emails, u->nemails);
	}
	for (i = 0; i < p->nunits; i++) {
		long parent = p->units[i].parent_unit;

		st = stmt(w, S_UNIT_PARENT);
		if (parent >= 0)
			sqlite3_bind_int64(st, 1, ids[parent]);
		sqlite3_bind_int64(st, 2, ids[i]);
		step_id(w, st);
		write_groups(w, &p->units[i], ids[i], ids);
	}
	w->st->units += p->nunits;
}

static sqlite3_int64
write_plan(struct writer *w, const struct plan *p, sqlite3_int64 org)
{
	sqlite3_stmt *st = stmt(w, S_PLAN);
	const char *v[] = { p->code, p->title, p->number, p->issuer, p->issued, p->catalog,
	    p->source, p->file };

	sqlite3_bind_int64(st, 1, org);
	bind_texts(st, 2, v, 8);
	sqlite3_bind_int(st, 10, p->year);
	return step_id(w, st);
}

/* "a; b; c", or NULL for none. */
static char *
join(char **v, size_t n)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "; " : "", v[i]);
	return n ? buf_steal(&b) : NULL;
}

static sqlite3_int64
write_task(struct writer *w, const struct plan_task *t, sqlite3_int64 plan,
    const sqlite3_int64 *unit_ids)
{
	sqlite3_stmt *st;
	sqlite3_int64 id;
	const char *v[] = { t->id, t->section, t->title, task_kind_name(t->kind), t->when_text,
	    when_kind_name(t->when.kind) };
	size_t i;
	int r;

	char *report_to = join(t->report_to, t->nreport_to);
	const char *extra[] = { t->latest_text, t->product, report_to };

	st = stmt(w, S_TASK);
	sqlite3_bind_int64(st, 1, plan);
	bind_texts(st, 2, v, 6);
	sqlite3_bind_int(st, 8, t->line);
	bind_texts(st, 9, extra, 3);
	free(report_to);
	id = step_id(w, st);
	st = stmt(w, S_TASK_UNIT_DEL);
	sqlite3_bind_int64(st, 1, id);
	step_id(w, st);
	for (r = 0; r < NROLES; r++)
		for (i = 0; i < t->nunits[r]; i++) {
			st = stmt(w, S_TASK_UNIT_ADD);
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, unit_ids[t->units[r][i]]);
			sqlite3_bind_text(st, 3, role_name((enum role)r), -1, SQLITE_STATIC);
			step_id(w, st);
		}
	w->st->tasks++;
	return id;
}

/* An occurrence's days as stored, YYYY-MM-DD. */
struct days {
	char	start[11], due[11], latest[11], due0[11], latest0[11], day[11];
};

static void
days_iso(const struct occurrence_spec *o, struct days *d)
{
	date_iso(o->start, d->start);
	date_iso(o->due, d->due);
	date_iso(o->latest, d->latest);
	date_iso(o->due_original, d->due0);
	date_iso(o->latest_original, d->latest0);
	date_iso(o->day, d->day);
}

/* What a calendar client shows of an occurrence, so that a change is noticed. */
static char *
fingerprint(const struct plan *p, const struct plan_task *t, const struct occurrence_spec *o,
    const struct days *d, const sqlite3_int64 *unit_ids)
{
	struct buf b = { 0 };
	size_t i;
	int r;

	buf_printf(&b, "%s|%s|%s|%s|%s|%s|%s|%d|%s|%s|%s|%s|%s|%s|%s", p->number ? p->number : "",
	    t->section, t->title, task_kind_name(t->kind), t->when_text, d->start, d->due,
	    o->tentative, p->title, d->latest, t->product ? t->product : "", d->due0, d->latest0,
	    d->day, o->day_off ? o->day_off : "");
	for (r = 0; r < NROLES; r++)
		for (i = 0; i < t->nunits[r]; i++)
			buf_printf(&b, "|%d:%lld", r, (long long)unit_ids[t->units[r][i]]);
	if (*o->rrule)		/* only then: the fingerprints of all else stay as they were */
		buf_printf(&b, "|%s", o->rrule);
	return buf_steal(&b);
}

/* A day as stored: NULL where it equals the day it would have been anyway. */
static void
bind_moved(sqlite3_stmt *st, int i, ntm_date original, ntm_date shifted, const char *iso)
{
	if (original == shifted)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, iso, -1, SQLITE_STATIC);
}

/* The parameters of S_OCC_INSERT and S_OCC_UPDATE. */
static void
occurrence_bind(struct writer *w, sqlite3_stmt *st, sqlite3_int64 task,
    const struct occurrence_spec *o, const struct days *d, const char *fp)
{
	sqlite3_bind_int64(st, 1, task);
	sqlite3_bind_text(st, 2, o->period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->start, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->due, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, o->tentative);
	sqlite3_bind_text(st, 6, o->uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)w->now);
	sqlite3_bind_text(st, 9, d->latest, -1, SQLITE_STATIC);
	bind_moved(st, 10, o->due_original, o->due, d->due0);
	bind_moved(st, 11, o->latest_original, o->latest, d->latest0);
	sqlite3_bind_text(st, 12, d->day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, o->day_off, -1, SQLITE_STATIC);
	if (*o->rrule)
		sqlite3_bind_text(st, 14, o->rrule, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 14);
}

/* The occurrence's row, added, or updated with SEQUENCE bumped if a client would see a
 * change: its id, or -1. No RETURNING: SQLite builds a table for each statement that
 * has one, the largest cost of a load. */
static sqlite3_int64
write_occurrence(struct writer *w, const struct plan *p, const struct plan_task *t,
    sqlite3_int64 task, const struct occurrence_spec *o, const sqlite3_int64 *unit_ids)
{
	sqlite3_stmt *st;
	sqlite3_int64 id = -1;
	struct days d;
	char *fp;
	int same = 0, scheduled = 0;

	days_iso(o, &d);
	fp = fingerprint(p, t, o, &d, unit_ids);
	st = stmt(w, S_OCC_FIND);
	sqlite3_bind_int64(st, 1, task);
	sqlite3_bind_text(st, 2, o->period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, fp, -1, SQLITE_STATIC);
	if (step(w, st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		same = sqlite3_column_int(st, 1);
		scheduled = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (!same) {
		st = stmt(w, id < 0 ? S_OCC_INSERT : S_OCC_UPDATE);
		occurrence_bind(w, st, task, o, &d, fp);
		if (step(w, st) == SQLITE_DONE && id < 0) {
			id = sqlite3_last_insert_rowid(w->db);
			w->st->occ_new++;
		} else if (id >= 0)
			w->st->occ_changed++;
		sqlite3_reset(st);
		/* the plan's values replaced the schedule's: the schedule stands, if the
		 * meeting's period still holds its day */
		if (scheduled && meeting_resync(w->db, id, o->start, o->due, w->now) < 0) {
			log_warnx("database: %s", store_error(w->db));
			w->failed = 1;
		}
	}
	free(fp);
	return id;
}

/* Occurrences of this plan that are no longer in it: cancelled, SEQUENCE bumped. */
static void
cancel_missing(struct writer *w, sqlite3_int64 plan)
{
	sqlite3_stmt *st = stmt(w, S_CANCEL_OCC);

	sqlite3_bind_int64(st, 1, (sqlite3_int64)w->now);
	sqlite3_bind_int64(st, 2, plan);
	step_id(w, st);
	w->st->occ_cancelled += (size_t)sqlite3_changes(w->db);
	st = stmt(w, S_FORGET_MEETINGS);
	sqlite3_bind_int64(st, 1, plan);
	step_id(w, st);
	if (!w->failed && meeting_drop_left(w->db, plan, w->now) < 0) {
		log_warnx("database: %s", store_error(w->db));
		w->failed = 1;
	}
	st = stmt(w, S_RETIRE_TASKS);
	sqlite3_bind_int64(st, 1, plan);
	step_id(w, st);
}

/* Record row id in a seen_ table (S_SEEN_TASK, S_SEEN_OCC). */
static void
mark_seen(struct writer *w, enum stmt k, sqlite3_int64 id)
{
	sqlite3_stmt *st = stmt(w, k);

	sqlite3_bind_int64(st, 1, id);
	step_id(w, st);
}

static void
write_catalogs(struct writer *w, const struct catalogs *cs)
{
	sqlite3_stmt *st;
	sqlite3_int64 id;
	size_t i, j;

	for (i = 0; i < cs->n && !w->failed; i++) {
		const struct catalog *c = cs->v[i];
		const char *v[] = { c->code, c->title, c->decision, c->level, c->issued,
		    c->in_force, c->file };

		st = stmt(w, S_CATALOG);
		bind_texts(st, 1, v, 7);
		id = step_id(w, st);
		for (j = 0; j < c->nitems; j++) {
			st = stmt(w, S_CRITERION);
			sqlite3_bind_int64(st, 1, id);
			bind_texts(st, 2, (const char *[]){ c->items[j].ref, c->items[j].name }, 2);
			step_id(w, st);
		}
	}
}

static void
write_people(struct writer *w, const struct plan *p, sqlite3_int64 org,
    const sqlite3_int64 *unit_ids)
{
	sqlite3_stmt *st;
	sqlite3_int64 id;
	size_t i;

	for (i = 0; i < p->npeople; i++) {
		const struct plan_person *e = &p->people[i];

		st = stmt(w, S_PERSON);
		sqlite3_bind_int64(st, 1, org);
		bind_texts(st, 2, (const char *[]){ e->code, e->name, e->title }, 3);
		sqlite3_bind_int64(st, 5, unit_ids[e->unit]);
		id = step_id(w, st);
		write_list(w, S_PERSON_EMAIL_DEL, id, e->emails, e->nemails);
	}
}

/* Bind a criterion reference as (catalog, ref) from index i: "SET#REF" names its set. */
static void
bind_ref(sqlite3_stmt *st, int i, const char *catalog, const char *ref)
{
	const char *hash = strchr(ref, '#');

	if (hash == NULL) {
		bind_texts(st, i, (const char *[]){ catalog, ref }, 2);
		return;
	}
	sqlite3_bind_text(st, i, ref, (int)(hash - ref), SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i + 1, hash + 1, -1, SQLITE_TRANSIENT);
}

static void
write_targets(struct writer *w, const struct plan *p, sqlite3_int64 plan,
    const sqlite3_int64 *unit_ids)
{
	sqlite3_stmt *st;
	sqlite3_int64 id;
	size_t i, j;

	for (i = 0; i < p->ntargets; i++) {
		const struct plan_target *t = &p->targets[i];
		char due[11] = "";

		if (t->by.n > 0)
			date_iso(t->by.periods[t->by.n - 1].due, due);
		st = stmt(w, S_TARGET);
		sqlite3_bind_int64(st, 1, plan);
		sqlite3_bind_int64(st, 2, unit_ids[t->commune]);
		bind_texts(st, 3, (const char *[]){ plan_refs_catalog(p, &t->refs), t->by_text,
		    *due ? due : NULL, t->achieved ? "achieved" : "open", t->goal, t->reason, t->proposal,
		    t->budget }, 8);
		sqlite3_bind_int(st, 11, t->line);
		sqlite3_bind_text(st, 12, t->task_id, -1, SQLITE_STATIC);
		id = step_id(w, st);
		for (j = 0; j < t->refs.n; j++) {
			st = stmt(w, S_TARGET_CRIT);
			sqlite3_bind_int64(st, 1, id);
			bind_ref(st, 2, plan_refs_catalog(p, &t->refs), t->refs.refs[j]);
			step_id(w, st);
		}
	}
}

/* Assignments, targets and progress: replaced as a whole on every load. */
static void
write_details(struct writer *w, const struct plan *p, sqlite3_int64 plan,
    const sqlite3_int64 *unit_ids)
{
	static const enum stmt replaced[] = { S_TARGET_CRIT_DEL, S_TARGET_DEL,
	    S_ASSIGNMENT_DEL, S_PROGRESS_DEL };
	sqlite3_stmt *st;
	size_t i, j;

	for (i = 0; i < sizeof(replaced) / sizeof(*replaced); i++) {
		st = stmt(w, replaced[i]);
		sqlite3_bind_int64(st, 1, plan);
		step_id(w, st);
	}
	for (i = 0; i < p->nassignments; i++) {
		const struct plan_assignment *a = &p->assignments[i];

		for (j = 0; j < a->refs.n; j++) {
			st = stmt(w, S_ASSIGNMENT);
			sqlite3_bind_int64(st, 1, plan);
			sqlite3_bind_int64(st, 2, unit_ids[a->unit]);
			bind_ref(st, 3, plan_refs_catalog(p, &a->refs), a->refs.refs[j]);
			bind_texts(st, 5, (const char *[]){ role_name(a->role), a->note }, 2);
			step_id(w, st);
		}
	}
	write_targets(w, p, plan, unit_ids);
	for (i = 0; i < p->nprogress; i++) {
		const struct plan_progress *e = &p->progress[i];
		int k;

		st = stmt(w, S_PROGRESS);
		sqlite3_bind_int64(st, 1, plan);
		sqlite3_bind_int64(st, 2, unit_ids[e->commune]);
		bind_texts(st, 3, (const char *[]){ e->catalog ? e->catalog : p->catalog,
		    e->as_of }, 2);
		for (k = 0; k < 4; k++) {
			int v = k < 2 ? e->criteria[k] : e->indicators[k - 2];

			if (v >= 0)
				sqlite3_bind_int(st, 5 + k, v);
		}
		step_id(w, st);
	}
}

static void
write_plan_file(struct writer *w, const struct plan *p)
{
	sqlite3_int64 org, plan, task, *unit_ids;
	struct occurrence_spec *occ;
	size_t i, j, n;

	store_exec(w->db, "DELETE FROM seen_occurrence; DELETE FROM seen_task;");
	org = write_org(w, p);
	unit_ids = xcalloc(p->nunits, sizeof(*unit_ids));
	write_units(w, p, org, unit_ids);
	plan = write_plan(w, p, org);
	for (i = 0; i < p->ntasks && !w->failed; i++) {
		task = write_task(w, &p->tasks[i], plan, unit_ids);
		mark_seen(w, S_SEEN_TASK, task);
		n = schedule_expand(p, &p->tasks[i], w->cal, &occ);
		for (j = 0; j < n; j++)
			mark_seen(w, S_SEEN_OCC, write_occurrence(w, p, &p->tasks[i], task, &occ[j],
			    unit_ids));
		w->st->occ_total += n;
		schedule_free(occ, n);
	}
	cancel_missing(w, plan);
	write_people(w, p, org, unit_ids);
	write_details(w, p, plan, unit_ids);
	free(unit_ids);
	w->st->plans++;
}

struct workcal *
sync_load_workcal(const struct config *c, struct diag *d)
{
	char *installed = NTM_HOLIDAY_DIR "/*.conf", **files;
	struct diag quiet = { 0 };
	struct workcal *w;
	size_t n;

	if (c != NULL)
		files = config_holiday_files(c, &n, d);
	else {
		files = config_glob(&installed, 1, "holidays", NULL, &n, &quiet);
		diag_free(&quiet);
	}
	w = workcal_load(files, n, d);
	config_free_files(files, n);
	return w;
}

int
sync_load_plans(const struct config *c, struct plan ***plans, struct catalogs *cats,
    struct diag *d)
{
	size_t before = diag_errors(d), nfiles, i, n = 0;
	char **files = config_catalog_files(c, &nfiles, d), *looked_in;
	struct catalogs own;

	if (cats == NULL)
		cats = &own;
	looked_in = config_join(c->catalogs, c->ncatalogs);
	catalogs_load(cats, files, nfiles, looked_in, d);
	free(looked_in);
	config_free_files(files, nfiles);
	files = config_calendar_files(c, &nfiles, d);
	*plans = xcalloc(nfiles + 1, sizeof(**plans));
	for (i = 0; i < nfiles; i++) {
		struct plan *p = plan_load(files[i], d);

		if (p == NULL)
			continue;
		plan_check_catalogs(p, cats, d);
		plan_check_code(p, *plans, n, d);
		(*plans)[n++] = p;
	}
	config_free_files(files, nfiles);
	if (cats == &own)
		catalogs_free(&own);
	if (diag_errors(d) > before) {
		sync_free_plans(*plans, n);
		*plans = NULL;
		if (cats != &own)
			catalogs_free(cats);
		return -1;
	}
	return (int)n;
}

void
sync_free_plans(struct plan **plans, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		plan_free(plans[i]);
	free(plans);
}

/* Every unit and plan gets its feed token in the load that makes it, so that composing a
 * mail (whose links name it) and serving a feed only read: a write there would wait
 * for another writer inside ntmd's loop, or fail and defer the mail. */
static void
write_tokens(struct writer *w)
{
	sqlite3_stmt *st = store_prepare(w->db, "SELECT 0, id FROM unit WHERE id NOT IN "
	    "(SELECT unit_id FROM feed_token) UNION ALL SELECT 1, id FROM plan WHERE id "
	    "NOT IN (SELECT plan_id FROM plan_token)");
	struct { int plan; sqlite3_int64 id; } *todo = NULL;
	size_t n = 0, i;
	char *tok;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		todo = xrealloc(todo, (n + 1) * sizeof(*todo));
		todo[n].plan = sqlite3_column_int(st, 0);
		todo[n++].id = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_warnx("database: %s", store_error(w->db));
		w->failed = 1;
	}
	/* made after the query has ended: it reads the tables they go into */
	for (i = 0; i < n && !w->failed; i++) {
		tok = todo[i].plan ? token_for_plan(w->db, todo[i].id, w->now) :
		    token_for_unit(w->db, todo[i].id, w->now);
		w->failed = tok == NULL;
		free(tok);
	}
	free(todo);
}

/* What no address reaches, once a load: the operator adds one or names a lead. */
static void
log_unreached(const struct plan *p)
{
	size_t i;
	char *what;

	for (i = 0; i < p->ntasks; i++)
		if ((what = plancheck_unreached(p, &p->tasks[i])) != NULL) {
			log_warnx("%s:%d: task %s of plan %s: %s", p->file, p->tasks[i].line,
			    p->tasks[i].id, p->code, what);
			free(what);
		}
}

int
sync_calendars(sqlite3 *db, const struct config *c, time_t now, struct sync_stats *st,
    struct workcal **cal, struct diag *d)
{
	struct writer w = { db, now, st, NULL, 0, { NULL } };
	struct catalogs cats;
	struct plan **plans;
	int n, i;

	memset(st, 0, sizeof(*st));
	if ((w.cal = sync_load_workcal(c, d)) == NULL)
		return -1;
	if ((n = sync_load_plans(c, &plans, &cats, d)) < 0) {
		workcal_free(w.cal);
		return -1;
	}
	if (store_exec(db, "BEGIN IMMEDIATE") < 0) {
		diag_error(d, c->database, 0, "cannot start a transaction: %s", store_error(db));
		sync_free_plans(plans, (size_t)n);
		workcal_free(w.cal);
		return -1;
	}
	w.failed = store_exec(db, "CREATE TEMP TABLE IF NOT EXISTS seen_occurrence(id INTEGER "
	    "PRIMARY KEY); CREATE TEMP TABLE IF NOT EXISTS seen_task(id INTEGER PRIMARY KEY);") < 0;
	write_catalogs(&w, &cats);
	catalogs_free(&cats);
	for (i = 0; i < n && !w.failed; i++)
		write_plan_file(&w, plans[i]);
	finalize_stmts(&w);
	if (!w.failed)
		write_tokens(&w);
	/* ntmd learns from this row that another writer synced: it must not go missing */
	if (!w.failed && store_audit(db, (long long)now, "sync", "sync", c->path) < 0)
		w.failed = 1;
	if (w.failed || store_exec(db, "COMMIT") < 0) {
		store_exec(db, "ROLLBACK");
		diag_error(d, c->database, 0, "loading the calendars failed; nothing was changed");
		sync_free_plans(plans, (size_t)n);
		workcal_free(w.cal);
		return -1;
	}
	for (i = 0; i < n; i++)
		log_unreached(plans[i]);
	sync_free_plans(plans, (size_t)n);
	if (cal != NULL)
		*cal = w.cal;
	else
		workcal_free(w.cal);
	return 0;
}
