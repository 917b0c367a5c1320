/* ntmctl's follow-through commands: done, done-url, audit, outbox. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "ctl_follow.h"
#include "date.h"
#include "done.h"
#include "donelink.h"
#include "log.h"
#include "setup.h"
#include "store.h"
#include "xalloc.h"

#define TABLE_WIDE	40	/* a column is padded to at most this many characters */

/* Columns of an audit row and of a reminder, for --json and for the table. */
#define AUDIT_ROWS "SELECT a.id, local_time(a.at) AS time, a.actor, a.action, " \
	"a.occurrence_id AS item, p.code AS plan, t.ref AS task, o.period, u.code AS unit, " \
	"a.remote, a.note, a.link, a.detail FROM audit a " \
	"LEFT JOIN occurrence o ON o.id = a.occurrence_id LEFT JOIN task t ON t.id = o.task_id " \
	"LEFT JOIN plan p ON p.id = t.plan_id LEFT JOIN unit u ON u.id = a.unit_id"
#define AUDIT_JSON "SELECT json_group_array(json_object('id', id, 'time', time, 'actor', " \
	"actor, 'action', action, 'item', item, 'plan', plan, 'task', task, 'period', period, " \
	"'unit', unit, 'remote', remote, 'note', note, 'link', link, 'detail', detail)) FROM ("
#define AUDIT_TABLE "SELECT time, actor, action, plan || ' ' || task || ' ' || period, " \
	"unit, remote, note, link, detail FROM ("
#define OUTBOX_ROWS "SELECT r.id, u.code AS unit, p.code AS plan, t.ref AS task, o.period, " \
	"r.kind, r.state, local_time(r.fire_at) AS fire_at, r.attempts, r.last_error " \
	"FROM reminder r JOIN unit u ON u.id = r.unit_id " \
	"JOIN occurrence o ON o.id = r.occurrence_id JOIN task t ON t.id = o.task_id " \
	"JOIN plan p ON p.id = t.plan_id"
#define OUTBOX_JSON "SELECT json_group_array(json_object('id', id, 'unit', unit, 'plan', " \
	"plan, 'task', task, 'period', period, 'kind', kind, 'state', state, 'fire_at', " \
	"fire_at, 'attempts', attempts, 'last_error', last_error)) FROM ("
#define OUTBOX_TABLE "SELECT id, unit, plan || ' ' || task || ' ' || period, kind, state, " \
	"fire_at, attempts, last_error FROM ("

/* SQL local_time(t): instant t (seconds) in the configured zone, ISO 8601. */
static void
sql_local_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char iso[32];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	time_iso((time_t)sqlite3_value_int64(argv[0]), iso);
	sqlite3_result_text(ctx, iso, -1, SQLITE_TRANSIENT);
}

/* Characters of a UTF-8 text, as a terminal shows most of them. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A cell as the table shows it: "-" for nothing, one line. Allocated. */
static char *
cell(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	char *s = xstrdup(v && *v ? (const char *)v : "-"), *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < ' ')
			*p = ' ';
	return s;
}

static void
print_row(char **row, const size_t *w, int ncol)
{
	int i;

	for (i = 0; i < ncol; i++) {
		if (i == ncol - 1)
			printf("%s\n", row[i]);
		else
			printf("%s%*s", row[i], (int)(w[i] - width(row[i]) + 2), "");
	}
}

/* Every row of st under headers (ncol of them), columns aligned, and finalize st: 0, or
 * the exit code of a failed step. */
static int
print_table(sqlite3 *db, sqlite3_stmt *st, const char *const *headers, int ncol)
{
	char ***rows = NULL;
	size_t *w = xcalloc((size_t)ncol, sizeof(*w)), n = 0, r;
	int i, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows = xrealloc(rows, (n + 1) * sizeof(*rows));
		rows[n] = xcalloc((size_t)ncol, sizeof(**rows));
		for (i = 0; i < ncol; i++)
			rows[n][i] = cell(st, i);
		n++;
	}
	rc = rc == SQLITE_DONE ? 0 : setup_db_failed(db, "cannot read the database");
	sqlite3_finalize(st);
	for (i = 0; i < ncol; i++)
		w[i] = width(headers[i]);
	for (r = 0; r < n; r++)
		for (i = 0; i < ncol; i++)
			if (width(rows[r][i]) > w[i] && width(rows[r][i]) <= TABLE_WIDE)
				w[i] = width(rows[r][i]);
	if (rc == 0)
		print_row((char **)headers, w, ncol);
	for (r = 0; r < n; r++) {
		if (rc == 0)
			print_row(rows[r], w, ncol);
		for (i = 0; i < ncol; i++)
			free(rows[r][i]);
		free(rows[r]);
	}
	free(rows);
	free(w);
	return rc;
}

/* The --json document: the one column of the one row of st, finalized. */
static int
print_json(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		printf("%s\n", sqlite3_column_text(st, 0));
	rc = rc == SQLITE_ROW ? 0 : setup_db_failed(db, "cannot read the database");
	sqlite3_finalize(st);
	return rc;
}

/* rows (ending in ORDER BY) as --json or as the table. */
static int
print_rows(sqlite3 *db, const char *json_sql, const char *table_sql, const char *rows,
    sqlite3_int64 bind, const char *const *headers, int ncol)
{
	char *sql = xasprintf("%s%s)", json_sql ? json_sql : table_sql, rows);
	sqlite3_stmt *st;

	if (sqlite3_create_function(db, "local_time", 1, SQLITE_UTF8, NULL, sql_local_time,
	    NULL, NULL) != SQLITE_OK) {
		free(sql);
		return setup_db_failed(db, "cannot read the database");
	}
	st = store_prepare(db, sql);
	free(sql);
	if (bind)
		sqlite3_bind_int64(st, 1, bind);
	return json_sql ? print_json(db, st) : print_table(db, st, headers, ncol);
}

int
ctl_audit(sqlite3 *db, sqlite3_int64 plan, int json)
{
	static const char *const headers[] = { "TIME", "ACTOR", "ACTION", "ITEM", "UNIT",
	    "REMOTE", "NOTE", "LINK", "DETAIL" };

	return print_rows(db, json ? AUDIT_JSON : NULL, AUDIT_TABLE, plan ?
	    AUDIT_ROWS " WHERE p.id = ?1 ORDER BY a.id" : AUDIT_ROWS " ORDER BY a.id", plan,
	    headers, 9);
}

/* A configuration the SMTP server refused holds every mail (remind.c): said first, on
 * stderr, so that a table or JSON on stdout stays what it was. */
static void
warn_held(sqlite3 *db)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT b.value, s.value, (SELECT count(*) FROM "
	    "reminder WHERE state = 'pending' AND last_error LIKE 'configuration:%') FROM "
	    "meta b JOIN meta s ON s.key = 'mail_blocked_since' WHERE b.key = 'mail_blocked'");
	char since[32];

	if (sqlite3_step(st) == SQLITE_ROW) {
		time_iso((time_t)sqlite3_column_int64(st, 1), since);
		fprintf(stderr, "ntmctl: NO MAIL IS SENT since %s: the SMTP server refuses the "
		    "configuration: %s.\n%lld reminders are held. Change smtp in the configuration "
		    "and reload ntmd (systemctl reload ntmd); they go out then.\n",
		    since, sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 2));
	}
	sqlite3_finalize(st);
}

int
ctl_outbox(sqlite3 *db, int failed, int json)
{
	static const char *const headers[] = { "ID", "UNIT", "ITEM", "KIND", "STATE",
	    "FIRE_AT", "ATTEMPTS", "LAST_ERROR" };

	warn_held(db);
	return print_rows(db, json ? OUTBOX_JSON : NULL, OUTBOX_TABLE, failed ?
	    OUTBOX_ROWS " WHERE r.state = 'dead' ORDER BY r.fire_at, r.id" :
	    OUTBOX_ROWS " ORDER BY r.fire_at, r.id", 0, headers, 8);
}

/* The exit code for a done_mark() that failed (and said why). */
static int
done_failed(sqlite3 *db)
{
	int rc = sqlite3_errcode(db) & 0xff;

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return EX_TEMPFAIL;
	return rc == SQLITE_IOERR || rc == SQLITE_FULL ? EX_IOERR : EX_SOFTWARE;
}

/* The item's status, printed as what became of it: 0, or the exit code. */
static int
report_not_open(sqlite3 *db, long long id)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT status FROM occurrence WHERE id = ?");
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printf("item %lld is already %s\n", id, sqlite3_column_text(st, 0));
	rc = rc == SQLITE_ROW ? 0 : setup_db_failed(db, "cannot read the item");
	sqlite3_finalize(st);
	return rc;
}

int
ctl_done(sqlite3 *db, long long id, const char *note, const char *link)
{
	struct done_report r = { .item = id, .actor = setup_operator(),
	    .note = note && *note ? note : NULL, .link = link && *link ? link : NULL,
	    .now = clock_now() };

	if (r.link && !done_link_ok(r.link)) {
		fprintf(stderr, "ntmctl: --link must be a web address, http:// or https://\n");
		return EX_DATAERR;
	}
	switch (done_mark(db, &r)) {
	case DONE_MARKED:
		printf("item %lld marked done\n", id);
		return 0;
	case DONE_ALREADY:
	case DONE_CLOSED:
		return report_not_open(db, id);
	case DONE_NO_ITEM:
		fprintf(stderr, "ntmctl: no item %lld (see ntmctl overdue)\n", id);
		return EX_DATAERR;
	case DONE_FAILED:
		break;
	}
	return done_failed(db);
}

/* The day a link for item id stops working: 0 with *expiry, else the exit code. */
static int
link_expiry(sqlite3 *db, long long id, time_t *expiry)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT max(coalesce(latest, due), due) "
	    "FROM occurrence WHERE id = ?");
	ntm_date latest = 0;	/* a day that does not parse: long expired */
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		date_parse_iso((const char *)sqlite3_column_text(st, 0), &latest);
		*expiry = donelink_expiry(latest);
	} else if (rc == SQLITE_DONE)
		fprintf(stderr, "ntmctl: no item %lld (see ntmctl overdue)\n", id);
	rc = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? EX_DATAERR :
	    setup_db_failed(db, "cannot read the item");
	sqlite3_finalize(st);
	return rc;
}

int
ctl_done_url(const struct config *c, sqlite3 *db, long long id, sqlite3_int64 unit)
{
	char *keyfile, *err = NULL, *path, day[11];
	struct donekey *key;
	time_t expiry = 0;
	int rc, may;

	if ((rc = link_expiry(db, id, &expiry)) != 0)
		return rc;
	if ((may = done_unit_may(db, id, unit)) <= 0) {
		if (may == 0)
			fprintf(stderr, "ntmctl: the unit neither directs, leads nor supports item "
			    "%lld, nor coordinates its plan\n", id);
		return may == 0 ? EX_DATAERR : setup_db_failed(db, "cannot read the item");
	}
	if (clock_now() > expiry) {
		date_vn(date_of(expiry), day);
		fprintf(stderr, "ntmctl: item %lld's links expired at the end of %s (30 days "
		    "after its latest day)\n", id, day);
		return EX_DATAERR;
	}
	keyfile = donelink_key_path(c);
	key = donelink_key_load(keyfile, 0, &err);
	free(keyfile);
	if (key == NULL) {
		fprintf(stderr, "ntmctl: the done links' key: %s (ntmd makes it when it "
		    "starts)\n", err);
		free(err);
		return EX_CONFIG;
	}
	path = donelink_path(key, id, unit, expiry);
	printf("%s%s\n", c->base_url, path);
	free(path);
	donelink_key_free(key);
	return 0;
}

int
ctl_schedule(sqlite3 *db, struct workcal *cal, long long id, const struct meeting_set *m)
{
	struct meeting_outcome out;
	char day[11], from[11], to[11], hhmm[8];

	date_iso(m->day, day);
	switch (meeting_set(db, cal, id, m, &out)) {
	case MEETING_SET:
		meeting_hhmm(m->start, hhmm);
		printf("item %lld: meeting on %s at %s%s%s; sequence %d; invitations to %d "
		    "unit%s\n", id, day, hhmm, m->place ? ", " : "",
		    m->place ? m->place : "", out.sequence, out.invited, out.invited == 1 ? "" : "s");
		return 0;
	case MEETING_CANCELLED:
		printf("item %lld: meeting cancelled; sequence %d; %d unit%s told\n", id,
		    out.sequence, out.invited, out.invited == 1 ? "" : "s");
		return 0;
	case MEETING_NO_ITEM:
		fprintf(stderr, "ntmctl: no item %lld (see ntmctl occurrences --plan CODE)\n", id);
		return EX_DATAERR;
	case MEETING_NOT_MEETING:
		fprintf(stderr, "ntmctl: item %lld is not a meeting: only meetings are scheduled\n",
		    id);
		return EX_DATAERR;
	case MEETING_CLOSED:
		fprintf(stderr, "ntmctl: item %lld is %s%s: nothing changed\n", id, out.status,
		    strcmp(out.status, "cancelled") ? "" : " (cancelled, or no longer in its plan)");
		return EX_DATAERR;
	case MEETING_BAD_HOURS:
		fprintf(stderr, "ntmctl: the meeting must end after it starts, the same day\n");
		return EX_DATAERR;
	case MEETING_DAY_OFF:
		fprintf(stderr, "ntmctl: %s is a day off (%s): --force to hold the meeting then\n",
		    day, out.day_off);
		return EX_DATAERR;
	case MEETING_OUTSIDE:
		date_iso(out.from, from);
		date_iso(out.to, to);
		fprintf(stderr, "ntmctl: %s is outside item %lld's period, %s to %s: --force to "
		    "hold the meeting then\n", day, id, from, to);
		return EX_DATAERR;
	case MEETING_FAILED:
		break;
	}
	return done_failed(db);
}
