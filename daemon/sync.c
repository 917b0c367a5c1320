/*
 * Plans into the database. Rows are matched by their natural keys (org code, unit
 * code, plan code, task ref, period) so that an occurrence keeps its id, UID and status
 * across reloads; what a calendar client sees is fingerprinted, and a change bumps
 * SEQUENCE (RFC 5545 §3.8.7.4). Occurrences that left the plan are cancelled, not deleted.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "schedule.h"
#include "store.h"
#include "sync.h"
#include "xalloc.h"

struct writer {
	sqlite3			*db;
	time_t			 now;
	struct sync_stats	*st;
	struct workcal		*cal;
	int			 failed;
};

static sqlite3_int64
step_id(struct writer *w, sqlite3_stmt *st)
{
	sqlite3_int64 id = -1;
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE) {
		log_warnx("database: %s", sqlite3_errmsg(w->db));
		w->failed = 1;
	}
	sqlite3_finalize(st);
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
	sqlite3_stmt *st = store_prepare(w->db, "INSERT INTO org(code, name) VALUES(?, ?) "
	    "ON CONFLICT(code) DO UPDATE SET name = excluded.name RETURNING id");
	const char *v[] = { p->org_code, p->org_name };

	bind_texts(st, 1, v, 2);
	return step_id(w, st);
}

/* Replace the rows of a one-to-many table ("unit_alias", "person_email") that belong
 * to owner, whose key column is owner_col, by items in column col. */
static void
write_list(struct writer *w, const char *table, const char *owner_col, const char *col,
    sqlite3_int64 owner, char **items, size_t n)
{
	char *sql = xasprintf("DELETE FROM %s WHERE %s = ?", table, owner_col);
	sqlite3_stmt *st = store_prepare(w->db, sql);
	size_t i;

	free(sql);
	sqlite3_bind_int64(st, 1, owner);
	step_id(w, st);
	sql = xasprintf("INSERT OR IGNORE INTO %s(%s, %s) VALUES(?, ?)", table, owner_col, col);
	for (i = 0; i < n; i++) {
		st = store_prepare(w->db, sql);
		sqlite3_bind_int64(st, 1, owner);
		sqlite3_bind_text(st, 2, items[i], -1, SQLITE_TRANSIENT);
		step_id(w, st);
	}
	free(sql);
}

/* Units of the plan's organisation; ids[i] is the row of p->units[i]. */
static void
write_units(struct writer *w, const struct plan *p, sqlite3_int64 org, sqlite3_int64 *ids)
{
	sqlite3_stmt *st;
	size_t i, j;

	for (i = 0; i < p->nunits; i++) {
		const struct plan_unit *u = &p->units[i];
		const char *v[] = { u->code, u->name, u->kind };

		st = store_prepare(w->db, "INSERT INTO unit(org_id, code, name, kind, coordinator) "
		    "VALUES(?, ?, ?, ?, ?) ON CONFLICT(org_id, code) DO UPDATE SET "
		    "name = excluded.name, kind = excluded.kind, coordinator = excluded.coordinator "
		    "RETURNING id");
		sqlite3_bind_int64(st, 1, org);
		bind_texts(st, 2, v, 3);
		sqlite3_bind_int(st, 5, u->coordinator);
		ids[i] = step_id(w, st);
		write_list(w, "unit_alias", "unit_id", "alias", ids[i], u->aliases, u->naliases);
		write_list(w, "unit_email", "unit_id", "address", ids[i], u->emails, u->nemails);
	}
	for (i = 0; i < p->nunits; i++) {
		sqlite3_int64 parent = -1;

		for (j = 0; j < p->nunits && p->units[i].parent; j++)
			if (!strcmp(p->units[j].code, p->units[i].parent))
				parent = ids[j];
		st = store_prepare(w->db, "UPDATE unit SET parent_id = ? WHERE id = ?");
		if (parent >= 0)
			sqlite3_bind_int64(st, 1, parent);
		sqlite3_bind_int64(st, 2, ids[i]);
		step_id(w, st);
	}
	w->st->units += p->nunits;
}

static sqlite3_int64
write_plan(struct writer *w, const struct plan *p, sqlite3_int64 org)
{
	sqlite3_stmt *st = store_prepare(w->db, "INSERT INTO plan(org_id, code, title, number, "
	    "issuer, issued, catalog, source, file, year) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT(code) DO UPDATE SET org_id = excluded.org_id, title = excluded.title, "
	    "number = excluded.number, issuer = excluded.issuer, issued = excluded.issued, "
	    "catalog = excluded.catalog, source = excluded.source, file = excluded.file, "
	    "year = excluded.year RETURNING id");
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

	st = store_prepare(w->db, "INSERT INTO task(plan_id, ref, section, title, kind, "
	    "when_text, when_kind, line, active, latest_text, product, report_to) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) "
	    "ON CONFLICT(plan_id, ref) DO UPDATE SET section = excluded.section, "
	    "title = excluded.title, kind = excluded.kind, when_text = excluded.when_text, "
	    "when_kind = excluded.when_kind, line = excluded.line, active = 1, "
	    "latest_text = excluded.latest_text, product = excluded.product, "
	    "report_to = excluded.report_to RETURNING id");
	sqlite3_bind_int64(st, 1, plan);
	bind_texts(st, 2, v, 6);
	sqlite3_bind_int(st, 8, t->line);
	bind_texts(st, 9, extra, 3);
	free(report_to);
	id = step_id(w, st);
	st = store_prepare(w->db, "DELETE FROM task_unit WHERE task_id = ?");
	sqlite3_bind_int64(st, 1, id);
	step_id(w, st);
	for (r = 0; r < NROLES; r++)
		for (i = 0; i < t->nunits[r]; i++) {
			st = store_prepare(w->db, "INSERT OR IGNORE INTO task_unit(task_id, unit_id, "
			    "role) VALUES(?, ?, ?)");
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, unit_ids[t->units[r][i]]);
			sqlite3_bind_text(st, 3, role_name((enum role)r), -1, SQLITE_STATIC);
			step_id(w, st);
		}
	w->st->tasks++;
	return id;
}

/* What a calendar client shows of an occurrence, so that a change is noticed. */
static char *
fingerprint(const struct plan *p, const struct plan_task *t, const struct occurrence_spec *o,
    const sqlite3_int64 *unit_ids)
{
	struct buf b = { 0 };
	char start[11], due[11], latest[11], due0[11], latest0[11], day[11];
	size_t i;
	int r;

	date_iso(o->start, start);
	date_iso(o->due, due);
	date_iso(o->latest, latest);
	date_iso(o->due_original, due0);
	date_iso(o->latest_original, latest0);
	date_iso(o->day, day);
	buf_printf(&b, "%s|%s|%s|%s|%s|%s|%s|%d|%s|%s|%s|%s|%s|%s|%s", p->number ? p->number : "",
	    t->section, t->title, task_kind_name(t->kind), t->when_text, start, due,
	    o->tentative, p->title, latest, t->product ? t->product : "", due0, latest0, day,
	    o->day_off ? o->day_off : "");
	for (r = 0; r < NROLES; r++)
		for (i = 0; i < t->nunits[r]; i++)
			buf_printf(&b, "|%d:%lld", r, (long long)unit_ids[t->units[r][i]]);
	return buf_steal(&b);
}

/* A day as stored: NULL where it equals the day it would have been anyway. */
static void
bind_moved(sqlite3_stmt *st, int i, ntm_date original, ntm_date shifted, char buf[11])
{
	date_iso(original, buf);
	if (original == shifted)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, buf, -1, SQLITE_STATIC);
}

static void
write_occurrence(struct writer *w, sqlite3_int64 task, const struct occurrence_spec *o,
    const char *fp)
{
	sqlite3_stmt *st;
	char start[11], due[11], latest[11], due0[11], latest0[11], day[11];

	date_iso(o->start, start);
	date_iso(o->due, due);
	date_iso(o->latest, latest);
	date_iso(o->day, day);
	st = store_prepare(w->db, "SELECT id FROM occurrence WHERE task_id = ? AND period = ? "
	    "AND fingerprint = ? AND status != 'cancelled'");
	sqlite3_bind_int64(st, 1, task);
	sqlite3_bind_text(st, 2, o->period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, fp, -1, SQLITE_STATIC);
	if (step_id(w, st) >= 0)
		return;		/* unchanged */
	st = store_prepare(w->db, "INSERT INTO occurrence(task_id, period, start, due, tentative, "
	    "uid, fingerprint, changed_at, latest, due_original, latest_original, day, day_off) "
	    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
	    "ON CONFLICT(task_id, period) DO UPDATE SET start = ?3, due = ?4, tentative = ?5, "
	    "fingerprint = ?7, changed_at = ?8, latest = ?9, due_original = ?10, "
	    "latest_original = ?11, day = ?12, day_off = ?13, sequence = sequence + 1, "
	    "status = CASE status WHEN 'cancelled' THEN 'open' ELSE status END "
	    "RETURNING id, sequence");
	sqlite3_bind_int64(st, 1, task);
	sqlite3_bind_text(st, 2, o->period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, start, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, due, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, o->tentative);
	sqlite3_bind_text(st, 6, o->uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)w->now);
	sqlite3_bind_text(st, 9, latest, -1, SQLITE_STATIC);
	bind_moved(st, 10, o->due_original, o->due, due0);
	bind_moved(st, 11, o->latest_original, o->latest, latest0);
	sqlite3_bind_text(st, 12, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, o->day_off, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 1) == 0)
			w->st->occ_new++;
		else
			w->st->occ_changed++;
	}
	step_id(w, st);
}

/* Occurrences of this plan that are no longer in it: cancelled, SEQUENCE bumped. */
static void
cancel_missing(struct writer *w, sqlite3_int64 plan)
{
	sqlite3_stmt *st = store_prepare(w->db, "UPDATE occurrence SET status = 'cancelled', "
	    "sequence = sequence + 1, changed_at = ? WHERE status != 'cancelled' AND id IN ("
	    "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id "
	    "WHERE t.plan_id = ? AND o.id NOT IN (SELECT id FROM seen_occurrence))");

	sqlite3_bind_int64(st, 1, (sqlite3_int64)w->now);
	sqlite3_bind_int64(st, 2, plan);
	step_id(w, st);
	w->st->occ_cancelled += (size_t)sqlite3_changes(w->db);
	st = store_prepare(w->db, "UPDATE task SET active = 0 WHERE plan_id = ? AND "
	    "id NOT IN (SELECT id FROM seen_task)");
	sqlite3_bind_int64(st, 1, plan);
	step_id(w, st);
}

static void
mark_seen(struct writer *w, const char *table, const char *sql_id, sqlite3_int64 a,
    const char *b)
{
	char *sql = xasprintf("INSERT OR IGNORE INTO %s(id) %s", table, sql_id);
	sqlite3_stmt *st = store_prepare(w->db, sql);

	free(sql);
	sqlite3_bind_int64(st, 1, a);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
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

		st = store_prepare(w->db, "INSERT INTO catalog(code, title, decision, level, issued, "
		    "in_force, file) VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
		    "title = excluded.title, decision = excluded.decision, level = excluded.level, "
		    "issued = excluded.issued, in_force = excluded.in_force, file = excluded.file "
		    "RETURNING id");
		bind_texts(st, 1, v, 7);
		id = step_id(w, st);
		for (j = 0; j < c->nitems; j++) {
			st = store_prepare(w->db, "INSERT INTO criterion(catalog_id, ref, name) "
			    "VALUES(?, ?, ?) ON CONFLICT(catalog_id, ref) DO UPDATE SET "
			    "name = excluded.name");
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

		st = store_prepare(w->db, "INSERT INTO person(org_id, code, name, title, unit_id) "
		    "VALUES(?, ?, ?, ?, ?) ON CONFLICT(org_id, code) DO UPDATE SET "
		    "name = excluded.name, title = excluded.title, unit_id = excluded.unit_id "
		    "RETURNING id");
		sqlite3_bind_int64(st, 1, org);
		bind_texts(st, 2, (const char *[]){ e->code, e->name, e->title }, 3);
		sqlite3_bind_int64(st, 5, unit_ids[e->unit]);
		id = step_id(w, st);
		write_list(w, "person_email", "person_id", "address", id, e->emails, e->nemails);
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

#define CRITERION_ID "(SELECT cr.id FROM criterion cr JOIN catalog c ON c.id = " \
	"cr.catalog_id WHERE c.code = ?%d AND cr.ref = ?%d)"

/* Assignments, targets and progress: replaced as a whole on every load. */
static void
write_details(struct writer *w, const struct plan *p, sqlite3_int64 plan,
    const sqlite3_int64 *unit_ids)
{
	sqlite3_stmt *st;
	sqlite3_int64 id;
	size_t i, j;
	char *sql;

	static const char *replaced[] = { "DELETE FROM target_criterion WHERE target_id IN "
	    "(SELECT id FROM target WHERE plan_id = ?)", "DELETE FROM target WHERE plan_id = ?",
	    "DELETE FROM assignment WHERE plan_id = ?", "DELETE FROM progress WHERE plan_id = ?" };

	for (i = 0; i < sizeof(replaced) / sizeof(*replaced); i++) {
		st = store_prepare(w->db, replaced[i]);
		sqlite3_bind_int64(st, 1, plan);
		step_id(w, st);
	}
	sql = xasprintf("INSERT OR IGNORE INTO assignment(plan_id, unit_id, criterion_id, role, "
	    "note) VALUES(?1, ?2, " CRITERION_ID ", ?5, ?6)", 3, 4);
	for (i = 0; i < p->nassignments; i++) {
		const struct plan_assignment *a = &p->assignments[i];

		for (j = 0; j < a->refs.n; j++) {
			st = store_prepare(w->db, sql);
			sqlite3_bind_int64(st, 1, plan);
			sqlite3_bind_int64(st, 2, unit_ids[a->unit]);
			bind_ref(st, 3, plan_refs_catalog(p, &a->refs), a->refs.refs[j]);
			bind_texts(st, 5, (const char *[]){ role_name(a->role), a->note }, 2);
			step_id(w, st);
		}
	}
	free(sql);
	for (i = 0; i < p->ntargets; i++) {
		const struct plan_target *t = &p->targets[i];
		char due[11] = "";

		if (t->by.n > 0)
			date_iso(t->by.periods[t->by.n - 1].due, due);
		st = store_prepare(w->db, "INSERT INTO target(plan_id, commune_id, catalog_id, "
		    "by_text, due, status, goal, reason, proposal, budget, line, task_id) "
		    "VALUES(?1, ?2, (SELECT id FROM catalog WHERE code = ?3), ?4, ?5, ?6, ?7, ?8, "
		    "?9, ?10, ?11, (SELECT id FROM task WHERE plan_id = ?1 AND ref = ?12)) "
		    "RETURNING id");
		sqlite3_bind_int64(st, 1, plan);
		sqlite3_bind_int64(st, 2, unit_ids[t->commune]);
		bind_texts(st, 3, (const char *[]){ plan_refs_catalog(p, &t->refs), t->by_text,
		    *due ? due : NULL, t->achieved ? "achieved" : "open", t->goal, t->reason, t->proposal,
		    t->budget }, 8);
		sqlite3_bind_int(st, 11, t->line);
		sqlite3_bind_text(st, 12, t->task_id, -1, SQLITE_STATIC);
		id = step_id(w, st);
		sql = xasprintf("INSERT OR IGNORE INTO target_criterion(target_id, criterion_id) "
		    "VALUES(?1, " CRITERION_ID ")", 2, 3);
		for (j = 0; j < t->refs.n; j++) {
			st = store_prepare(w->db, sql);
			sqlite3_bind_int64(st, 1, id);
			bind_ref(st, 2, plan_refs_catalog(p, &t->refs), t->refs.refs[j]);
			step_id(w, st);
		}
		free(sql);
	}
	for (i = 0; i < p->nprogress; i++) {
		const struct plan_progress *e = &p->progress[i];
		int k;

		st = store_prepare(w->db, "INSERT INTO progress(plan_id, commune_id, catalog_id, "
		    "as_of, criteria_met, criteria_total, indicators_met, indicators_total) "
		    "VALUES(?, ?, (SELECT id FROM catalog WHERE code = ?), ?, ?, ?, ?, ?)");
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
	char *fp;

	store_exec(w->db, "DELETE FROM seen_occurrence; DELETE FROM seen_task;");
	org = write_org(w, p);
	unit_ids = xcalloc(p->nunits, sizeof(*unit_ids));
	write_units(w, p, org, unit_ids);
	plan = write_plan(w, p, org);
	for (i = 0; i < p->ntasks && !w->failed; i++) {
		task = write_task(w, &p->tasks[i], plan, unit_ids);
		mark_seen(w, "seen_task", "VALUES(?)", task, NULL);
		n = schedule_expand(p, &p->tasks[i], w->cal, &occ);
		for (j = 0; j < n; j++) {
			fp = fingerprint(p, &p->tasks[i], &occ[j], unit_ids);
			write_occurrence(w, task, &occ[j], fp);
			mark_seen(w, "seen_occurrence", "SELECT id FROM occurrence WHERE task_id = ? "
			    "AND period = ?", task, occ[j].period);
			free(fp);
		}
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
	size_t before = diag_errors(d), nfiles, i, j, n = 0;
	char **files = config_catalog_files(c, &nfiles, d);
	struct catalogs own;

	if (cats == NULL)
		cats = &own;
	catalogs_load(cats, files, nfiles, d);
	config_free_files(files, nfiles);
	files = config_calendar_files(c, &nfiles, d);
	*plans = xcalloc(nfiles + 1, sizeof(**plans));
	for (i = 0; i < nfiles; i++) {
		struct plan *p = plan_load(files[i], d);

		if (p == NULL)
			continue;
		plan_check_catalogs(p, cats, d);
		for (j = 0; j < n; j++)
			if (!strcmp((*plans)[j]->code, p->code))
				diag_error(d, p->file, 0, "plan code \"%s\" is also used by %s",
				    p->code, (*plans)[j]->file);
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

int
sync_calendars(sqlite3 *db, const struct config *c, time_t now, struct sync_stats *st,
    struct workcal **cal, struct diag *d)
{
	struct writer w = { db, now, st, NULL, 0 };
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
		diag_error(d, c->database, 0, "cannot start a transaction: %s", sqlite3_errmsg(db));
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
	if (!w.failed)
		store_audit(db, (long long)now, "sync", "sync", c->path);
	if (w.failed || store_exec(db, "COMMIT") < 0) {
		store_exec(db, "ROLLBACK");
		diag_error(d, c->database, 0, "loading the calendars failed; nothing was changed");
		sync_free_plans(plans, (size_t)n);
		workcal_free(w.cal);
		return -1;
	}
	sync_free_plans(plans, (size_t)n);
	if (cal != NULL)
		*cal = w.cal;
	else
		workcal_free(w.cal);
	return 0;
}
