/* ntmctl: the command line for coordinators and operators; same database as ntmd. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "ctl_calendar.h"
#include "ctl_follow.h"
#include "ctl_plans.h"
#include "ctl_user.h"
#include "date.h"
#include "feed.h"
#include "log.h"
#include "meeting.h"
#include "report.h"
#include "setup.h"
#include "state.h"
#include "store.h"
#include "sync.h"
#include "table.h"
#include "token.h"
#include "version.h"
#include "when.h"
#include "xalloc.h"

#ifndef NTM_CONFIG_FILE
#define NTM_CONFIG_FILE "/etc/ntmd/ntmd.conf"
#endif

struct cmd_ctx {
	struct config	*config;
	sqlite3		*db;
	int		 argc;
	char		**argv;
};

/* Each command's usage lines, as `ntmctl --help` lists them and `ntmctl CMD --help`
 * or a usage error of CMD prints its own. */
static const struct {
	const char	*cmd, *text;
} usages[] = {
	{ "sync", "  sync                      load the calendars into the database\n" },
	{ "units", "  units [--json]            list units and their addresses\n" },
	{ "feed-url", "  feed-url UNIT | --plan CODE  print the subscription URL of a unit's or a "
	    "plan's feed\n" },
	{ "feed", "  feed UNIT | --plan CODE   print a unit's or a plan's feed (iCalendar)\n" },
	{ "token", "  token rotate UNIT | --plan CODE  a new feed URL; the old one opens nothing\n"
	    "  token list [--json|--csv] the feed tokens: unit, generation, made when\n" },
	{ "overdue", "  overdue [--plan CODE] [--unit UNIT] [--json|--csv]\n"
	    "                            open items past their deadline, oldest first\n" },
	{ "report", "  report --from DATE --to DATE [--plan CODE] [--unit UNIT] [--json|--csv]\n"
	    "                            each lead unit's items done on time, done late, open\n"
	    "                            and open overdue (dates YYYY-MM-DD)\n" },
	{ "progress", "  progress [--plan CODE] [--json|--csv]     each commune's criteria and "
	    "targets\n" },
	{ "assignments", "  assignments [--plan CODE] [--json|--csv]  which unit answers for which "
	    "criterion\n" },
	{ "done", "  done ID [--note TEXT] [--link URL]  mark an item done (URL: its product)\n" },
	{ "done-url", "  done-url ID --unit UNIT   print the link by which the unit reports the item "
	    "done\n" },
	{ "schedule", "  schedule ID --date YYYY-MM-DD --time HH:MM [--end HH:MM] [--place TEXT]\n"
	    "           [--note TEXT] [--force]  set or move a meeting; its units are invited\n"
	    "  schedule ID --cancel [--note TEXT]  cancel a meeting; its units are told\n" },
	{ "audit", "  audit [--plan CODE] [--json]      who changed what, oldest first\n" },
	{ "outbox", "  outbox [--failed] [--json]        every reminder (--failed: the dead ones)\n" },
	{ "check", "  check [--catalogs PATTERN] [FILE...]  validate plans; what \"6 rõ\" finds "
	    "missing\n" },
	{ "import-table", "  import-table --plan CODE --year Y [--org CODE] [--org-name NAME]\n"
	    "           [--title TEXT] [-o FILE] TABLE  a task table into a plan file\n" },
	{ "tasks", "  tasks --plan CODE [--json]        a plan's tasks and who does them\n" },
	{ "occurrences", "  occurrences --plan CODE [--json]  a plan's dated items\n" },
	{ "when", "  when [--year Y] [--working-days [--rule next|previous|none]] [--json] TEXT...\n"
	    "                            how a time expression is read\n" },
	{ "calendar", "  calendar YEAR [--json]    the year's days off and make-up working days\n" },
	{ "user", "  user add LOGIN --unit UNIT  an account of the desk (password on standard "
	    "input)\n"
	    "  user del LOGIN            delete an account and end its sessions\n"
	    "  user list [--json]        the desk's accounts\n" },
};

static const char *command;	/* the command being run, for its usage */

/* The usage of cmd (all commands when NULL) on f. */
static void
print_usage(FILE *f, const char *cmd)
{
	size_t i;

	fprintf(f, "usage: ntmctl [-c FILE] COMMAND [ARGS]  (FILE: %s by default)\n"
	    "       ntmctl --help | --version | COMMAND --help\n%s", NTM_CONFIG_FILE,
	    cmd ? "" : "commands:\n");
	for (i = 0; i < sizeof(usages) / sizeof(*usages); i++)
		if (cmd == NULL || !strcmp(cmd, usages[i].cmd))
			fputs(usages[i].text, f);
}

/* A command's exit code, after its usage when it is a usage error (the reason was said
 * before). */
static int
usage_after(int rc)
{
	if (rc == EX_USAGE)
		print_usage(stderr, command);
	return rc;
}

/* A usage error: the command's usage on stderr, exit 64. */
static void
usage(void)
{
	print_usage(stderr, command);
	exit(EX_USAGE);
}

/* Whether the command's arguments include the flag; removes it. */
static int
take_flag(struct cmd_ctx *x, const char *flag)
{
	int i;

	for (i = 0; i < x->argc; i++)
		if (!strcmp(x->argv[i], flag)) {
			memmove(&x->argv[i], &x->argv[i + 1], (size_t)(x->argc - i) * sizeof(char *));
			x->argc--;
			return 1;
		}
	return 0;
}

/* The value after the option; removes both. NULL if absent. */
static const char *
take_option(struct cmd_ctx *x, const char *opt)
{
	const char *v;
	int i;

	for (i = 0; i + 1 < x->argc; i++)
		if (!strcmp(x->argv[i], opt)) {
			v = x->argv[i + 1];
			memmove(&x->argv[i], &x->argv[i + 2], (size_t)(x->argc - i - 1) * sizeof(char *));
			x->argc -= 2;
			return v;
		}
	return NULL;
}

/* 0 when every argument of the command was understood; else EX_USAGE, saying which
 * was not. */
static int
no_more_args(const struct cmd_ctx *x, const char *cmd)
{
	if (x->argc == 0)
		return 0;
	fprintf(stderr, "ntmctl %s: %s \"%s\"\n", cmd,
	    x->argv[0][0] == '-' ? "unknown option, or an option without its value," :
	    "unexpected argument", x->argv[0]);
	return EX_USAGE;
}

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV };

static enum format
take_format(struct cmd_ctx *x)
{
	int json = take_flag(x, "--json"), csv = take_flag(x, "--csv");

	if (json && csv)
		usage();
	return json ? FORMAT_JSON : csv ? FORMAT_CSV : FORMAT_TEXT;
}

/* Print t as asked and free it: 0. */
static int
print_table(struct table *t, enum format f)
{
	struct buf b = { 0 };

	if (f == FORMAT_TEXT)
		table_text(t, stdout);
	else {
		(f == FORMAT_JSON ? table_json : table_csv)(t, &b);
		fwrite(b.s, 1, b.len, stdout);
		buf_free(&b);
	}
	table_free(t);
	return 0;
}

/* Print the single text column of every row of st and finalize it: 0, or the exit code
 * of a failed step. */
static int
print_stmt(sqlite3 *db, sqlite3_stmt *st)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printf("%s\n", sqlite3_column_text(st, 0));
	rc = rc == SQLITE_DONE ? 0 : setup_db_failed(db, "cannot read the database");
	sqlite3_finalize(st);
	return rc;
}

#define TEXT_COLUMNS 100	/* text tables fit this where they can */

/* The rows of st, one a row of t (already begun with its columns); 0 or the exit code. */
static int
table_of(sqlite3 *db, sqlite3_stmt *st, struct table *t)
{
	size_t r, i;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (r = table_row(t), i = 0; i < t->ncols; i++)
			table_set(t, r, i, (const char *)sqlite3_column_text(st, (int)i));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : setup_db_failed(db, "cannot read the database");
}

/* The rows of st as a text table: a header row, columns aligned by display width, at
 * most TEXT_COLUMNS wide where the columns of give (a mask) can be cut. */
static int
print_text(sqlite3 *db, sqlite3_stmt *st, const struct column *cols, size_t ncols,
    unsigned int give)
{
	struct table t;
	int rc;

	table_init(&t, cols, ncols, NULL);
	if ((rc = table_of(db, st, &t)) == 0)
		table_text_fit(&t, stdout, TEXT_COLUMNS, give);
	table_free(&t);
	return rc;
}

/* print_stmt() of a query, with bind as ?1 unless 0. */
static int
print_rows(sqlite3 *db, const char *sql, sqlite3_int64 bind)
{
	sqlite3_stmt *st = store_prepare(db, sql);

	if (bind)
		sqlite3_bind_int64(st, 1, bind);
	return print_stmt(db, st);
}

static int
cmd_sync(struct cmd_ctx *x)
{
	struct diag d = { 0 };
	struct sync_stats s;
	int rc = sync_calendars(x->db, x->config, clock_now(), &s, NULL, &d);

	diag_print(&d, stderr);
	diag_free(&d);
	if (rc < 0)
		return EX_DATAERR;
	printf("%zu plans, %zu units, %zu tasks, %zu occurrences (%zu new, %zu changed, "
	    "%zu cancelled)\n", s.plans, s.units, s.tasks, s.occ_total, s.occ_new,
	    s.occ_changed, s.occ_cancelled);
	return 0;
}

#define NCOLS(a) (sizeof(a) / sizeof(*(a)))

static const struct column unit_cols[] = {
	{ "org", "ORG", COL_TEXT, NULL },
	{ "code", "UNIT", COL_TEXT, NULL },
	{ "kind", "KIND", COL_TEXT, NULL },
	{ "name", "NAME", COL_TEXT, NULL },
	{ "emails", "ADDRESSES", COL_TEXT, NULL },
};

static int
cmd_units(struct cmd_ctx *x)
{
	int json = take_flag(x, "--json"), rc;

	if ((rc = no_more_args(x, "units")) != 0)
		return rc;
	if (json)
		return print_rows(x->db, "SELECT json_group_array(json_object('code', u.code, "
		    "'name', u.name, 'kind', u.kind, 'org', o.code, 'emails', (SELECT "
		    "json_group_array(address) FROM unit_email WHERE unit_id = u.id))) "
		    "FROM (SELECT * FROM unit ORDER BY org_id, code) u JOIN org o ON o.id = u.org_id",
		    0);
	return print_text(x->db, store_prepare(x->db, "SELECT o.code, u.code, u.kind, u.name, "
	    "coalesce((SELECT group_concat(address, ', ') FROM unit_email WHERE unit_id = "
	    "u.id), '(no address)') FROM unit u JOIN org o ON o.id = u.org_id "
	    "ORDER BY o.code, u.code"), unit_cols, NCOLS(unit_cols), 1u << 3 | 1u << 4);
}

/* The unit named by code, "org/code" or one of its aliases: 0 with *id and, if code is
 * not NULL, its code (allocated); else the exit code, with a message. */
static int
find_unit(sqlite3 *db, const char *name, sqlite3_int64 *id, char **code)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT DISTINCT u.id, u.code FROM unit u "
	    "JOIN org o ON o.id = u.org_id LEFT JOIN unit_alias a ON a.unit_id = u.id "
	    "WHERE u.code = ?1 OR o.code || '/' || u.code = ?1 OR a.alias = ?1");
	char *found = NULL;
	int n = 0, rc;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (n++ == 0) {
			*id = sqlite3_column_int64(st, 0);
			found = xstrdup((const char *)sqlite3_column_text(st, 1));
		}
	if (rc != SQLITE_DONE)
		rc = setup_db_failed(db, "cannot read the units");
	else if (n == 0)
		fprintf(stderr, "ntmctl: no unit \"%s\" (see ntmctl units)\n", name);
	else if (n > 1)
		fprintf(stderr, "ntmctl: \"%s\" names %d units; say ORG/CODE\n", name, n);
	if (rc == SQLITE_DONE)
		rc = n == 1 ? 0 : EX_DATAERR;
	sqlite3_finalize(st);
	if (rc == 0 && code != NULL)
		*code = found;
	else
		free(found);
	return rc;
}

static int find_plan(sqlite3 *, const char *, sqlite3_int64 *);

/* The feed URL of the unit named by the one argument, or of the plan of --plan: its
 * current token, or with rotate a new one. */
static int
feed_url(struct cmd_ctx *x, int rotate)
{
	const char *plan = take_option(x, "--plan");
	char *(*make)(sqlite3 *, sqlite3_int64, time_t) = plan ?
	    (rotate ? token_rotate_plan : token_for_plan) : (rotate ? token_rotate : token_for_unit);
	sqlite3_int64 id;
	char *token, *code = NULL;
	int rc;

	if (x->argc != (plan ? 0 : 1))
		usage();
	if (plan && (rc = find_plan(x->db, plan, &id)) == 0)
		code = xstrdup(plan);
	else if (!plan)
		rc = find_unit(x->db, x->argv[0], &id, &code);
	if (rc != 0)
		return rc;
	if ((token = make(x->db, id, clock_now())) != NULL)
		printf("%s/feeds/%s/%s.ics\n", x->config->base_url, token, code);
	rc = token ? 0 : setup_db_failed(x->db, "cannot read or make the feed's token");
	free(token);
	free(code);
	return rc;
}

static int
cmd_feed_url(struct cmd_ctx *x)
{
	return feed_url(x, 0);
}

static int
cmd_feed(struct cmd_ctx *x)
{
	struct feed_query q = { 0 };
	time_t lm;
	char *text;
	int rc;

	const char *plan = take_option(x, "--plan");

	if (x->argc != (plan ? 0 : 1))
		usage();
	if ((rc = plan ? find_plan(x->db, plan, &q.plan_id) :
	    find_unit(x->db, x->argv[0], &q.unit_id, NULL)) != 0)
		return rc;
	q.now = clock_now();
	if ((plan ? state_refresh(x->db, q.now) : state_refresh_unit(x->db, q.now, q.unit_id)) < 0 ||
	    (text = feed_render(x->db, &q, &lm)) == NULL) {
		fprintf(stderr, "ntmctl: cannot render the feed: %s\n", store_error(x->db));
		return EX_SOFTWARE;
	}
	fputs(text, stdout);
	free(text);
	return 0;
}

/* The plan of this code: 0 with *id, else the exit code with a message. */
static int
find_plan(sqlite3 *db, const char *code, sqlite3_int64 *id)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT id FROM plan WHERE code = ?");
	int rc;

	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		fprintf(stderr, "ntmctl: no plan \"%s\" (run ntmctl sync?)\n", code);
	rc = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? EX_DATAERR :
	    setup_db_failed(db, "cannot read the plans");
	sqlite3_finalize(st);
	return rc;
}

/* The plan named by --plan, which must be given: 0 with *id, else the exit code. */
static int
plan_option(struct cmd_ctx *x, sqlite3_int64 *id)
{
	const char *code = take_option(x, "--plan");

	if (code == NULL)
		usage();
	return find_plan(x->db, code, id);
}

/* --plan CODE and --unit UNIT, each optional, narrow the scope; its clock is now. 0, or
 * the exit code with a message. */
static int
scope_options(struct cmd_ctx *x, struct report_scope *s)
{
	const char *plan = take_option(x, "--plan"), *unit = take_option(x, "--unit");
	int rc;

	s->now = clock_now();
	if (plan && (rc = find_plan(x->db, plan, &s->plan_id)) != 0)
		return rc;
	if (unit && (rc = find_unit(x->db, unit, &s->unit_id, NULL)) != 0)
		return rc;
	return 0;
}

/* The day given to an option (YYYY-MM-DD), which must be given: 0, or EX_USAGE. */
static int
date_option(struct cmd_ctx *x, const char *opt, ntm_date *day)
{
	const char *s = take_option(x, opt);

	if (s == NULL) {
		fprintf(stderr, "ntmctl: %s DATE is needed\n", opt);
		return EX_USAGE;
	}
	if (date_parse_iso(s, day) < 0) {
		fprintf(stderr, "ntmctl: %s: \"%s\" is not a day YYYY-MM-DD\n", opt, s);
		return EX_USAGE;
	}
	return 0;
}

static int
cmd_report(struct cmd_ctx *x)
{
	struct report_scope s = { 0 };
	enum format f = take_format(x);
	struct table t;
	int rc;

	if ((rc = date_option(x, "--from", &s.from)) != 0 ||
	    (rc = date_option(x, "--to", &s.to)) != 0 ||
	    (rc = scope_options(x, &s)) != 0 || (rc = no_more_args(x, "report")) != 0)
		return rc;
	if (s.from > s.to) {
		fprintf(stderr, "ntmctl: report: --from is after --to\n");
		return EX_USAGE;
	}
	if (report_units(x->db, &s, &t) < 0) {
		table_free(&t);
		return setup_db_failed(x->db, "cannot compute the report");
	}
	return print_table(&t, f);
}

/* A report of the plans in scope (--plan, optional), printed as asked. */
static int
plan_report(struct cmd_ctx *x, const char *cmd,
    int (*run)(sqlite3 *, const struct report_scope *, struct table *))
{
	struct report_scope s = { 0 };
	const char *plan = take_option(x, "--plan");
	enum format f = take_format(x);
	struct table t;
	int rc;

	s.now = clock_now();
	if ((plan && (rc = find_plan(x->db, plan, &s.plan_id)) != 0) ||
	    (rc = no_more_args(x, cmd)) != 0)
		return rc;
	if (run(x->db, &s, &t) < 0) {
		table_free(&t);
		return setup_db_failed(x->db, "cannot read the database");
	}
	return print_table(&t, f);
}

static int
cmd_progress(struct cmd_ctx *x)
{
	return plan_report(x, "progress", report_progress);
}

static int
cmd_assignments(struct cmd_ctx *x)
{
	return plan_report(x, "assignments", report_assignments);
}

/* Open deadlines and reports past their due day: "late" until their latest day has
 * passed, then "overdue". ?1 is today. */
#define OVERDUE_FROM "FROM occurrence o JOIN task t ON t.id = o.task_id " \
	"JOIN plan p ON p.id = t.plan_id WHERE o.status = 'open' AND o.tentative = 0 " \
	"AND " STORE_HAS_DEADLINE " AND item_state(o.status, o.due, o.latest, ?1, 0) " \
	"IN ('late', 'overdue') AND (?2 IS NULL OR p.id = ?2) AND (?3 IS NULL OR EXISTS " \
	"(SELECT 1 FROM task_unit tu WHERE tu.task_id = t.id AND tu.unit_id = ?3 AND " \
	"tu.role = 'lead')) ORDER BY o.due, o.id"

/* The overdue list for Excel: the desk's table, with contact and supporting units. */
static int
overdue_csv(struct cmd_ctx *x)
{
	struct report_scope s = { 0 };
	struct table t;
	int rc;

	if ((rc = scope_options(x, &s)) != 0 || (rc = no_more_args(x, "overdue")) != 0)
		return rc;
	if (report_overdue(x->db, &s, &t) < 0) {
		table_free(&t);
		return setup_db_failed(x->db, "cannot read the database");
	}
	return print_table(&t, FORMAT_CSV);
}

static const struct column overdue_cols[] = {
	{ "id", "ID", COL_INT, NULL },
	{ "due", "DUE", COL_TEXT, NULL },
	{ "days", "DAYS", COL_INT, NULL },
	{ "state", "STATE", COL_TEXT, NULL },
	{ "plan", "PLAN", COL_TEXT, NULL },
	{ "task", "TASK", COL_TEXT, NULL },
	{ "title", "TITLE", COL_TEXT, NULL },
	{ "lead", "LEAD", COL_TEXT, NULL },
};

static int
cmd_overdue(struct cmd_ctx *x)
{
	enum format f = take_format(x);
	int json = f == FORMAT_JSON, rc;
	struct report_scope s = { 0 };
	char today[11];
	sqlite3_stmt *st;

	if (f == FORMAT_CSV)
		return overdue_csv(x);
	if ((rc = scope_options(x, &s)) != 0 || (rc = no_more_args(x, "overdue")) != 0)
		return rc;
	date_iso(date_of(clock_now()), today);
	st = store_prepare(x->db, json ?
	    "SELECT json_group_array(json_object('id', id, 'plan', plan, 'task', ref, 'title', "
	    "title, 'when', when_text, 'due', due, 'latest', latest, 'due_original', "
	    "due_original, 'state', state, 'days_overdue', days, 'lead', json(lead))) "
	    "FROM (SELECT o.id, p.code AS plan, t.ref, t.title, t.when_text, o.due, o.latest, "
	    "o.due_original, item_state(o.status, o.due, o.latest, ?1, 0) AS state, "
	    "CAST(julianday(?1) - julianday(o.due) AS INTEGER) AS days, "
	    "(SELECT json_group_array(u.name) FROM task_unit tu JOIN unit u ON "
	    "u.id = tu.unit_id WHERE tu.task_id = t.id AND tu.role = 'lead') AS lead "
	    OVERDUE_FROM ")" :
	    "SELECT o.id, o.due, CAST(julianday(?1) - julianday(o.due) AS INTEGER), "
	    "CASE item_state(o.status, o.due, o.latest, ?1, 0) WHEN 'late' THEN 'chậm' "
	    "ELSE 'quá hạn' END, p.code, t.ref, t.title, " STORE_ROLE_NAMES("lead") " "
	    OVERDUE_FROM);
	sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
	if (s.plan_id)
		sqlite3_bind_int64(st, 2, s.plan_id);
	if (s.unit_id)
		sqlite3_bind_int64(st, 3, s.unit_id);
	return json ? print_stmt(x->db, st) : print_text(x->db, st, overdue_cols,
	    NCOLS(overdue_cols), 1u << 6 | 1u << 7);
}

/* The one argument left, an item's id; usage() if it is not one. */
static long long
item_arg(struct cmd_ctx *x)
{
	long long id = 0;
	char *end;

	if (x->argc != 1 || (id = strtoll(x->argv[0], &end, 10)) <= 0 || *end != '\0')
		usage();
	return id;
}

static int
cmd_done(struct cmd_ctx *x)
{
	const char *note = take_option(x, "--note"), *link = take_option(x, "--link");

	return ctl_done(x->db, item_arg(x), note, link);
}

/* ntmctl schedule: the options into m; 0, or EX_USAGE having said why. */
static int
schedule_options(struct cmd_ctx *x, struct meeting_set *m)
{
	const char *date = take_option(x, "--date"), *start = take_option(x, "--time");
	const char *end = take_option(x, "--end");
	int rc;

	m->place = take_option(x, "--place");
	m->note = take_option(x, "--note");
	m->cancel = take_flag(x, "--cancel");
	m->force = take_flag(x, "--force");
	m->end = -1;
	if (x->argc > 1 && (rc = no_more_args(&(struct cmd_ctx){ .argc = x->argc - 1,
	    .argv = x->argv + 1 }, "schedule")) != 0)
		return rc;
	if (m->cancel && (date || start || end || m->place || m->force)) {
		fprintf(stderr, "ntmctl schedule: --cancel takes only --note\n");
		return EX_USAGE;
	}
	if (!m->cancel && (date == NULL || start == NULL)) {
		fprintf(stderr, "ntmctl schedule: --date and --time are needed (or --cancel)\n");
		return EX_USAGE;
	}
	if (!m->cancel && date_parse_iso(date, &m->day) < 0) {
		fprintf(stderr, "ntmctl schedule: --date \"%s\" is not a day YYYY-MM-DD\n", date);
		return EX_USAGE;
	}
	if (!m->cancel && ((m->start = meeting_parse_time(start)) < 0 ||
	    (end && (m->end = meeting_parse_time(end)) < 0))) {
		fprintf(stderr, "ntmctl schedule: --time and --end are times of day HH:MM\n");
		return EX_USAGE;
	}
	if ((m->place && !meeting_text_ok(m->place, MEETING_PLACE_MAX, 0)) ||
	    (m->note && !meeting_text_ok(m->note, MEETING_NOTE_MAX, 1))) {
		fprintf(stderr, "ntmctl schedule: --place (at most %d characters, one line) and "
		    "--note (at most %d) must be UTF-8 text\n", MEETING_PLACE_MAX,
		    MEETING_NOTE_MAX);
		return EX_DATAERR;
	}
	return 0;
}

static int
cmd_schedule(struct cmd_ctx *x)
{
	struct meeting_set m = { .actor = setup_operator(), .now = clock_now() };
	struct workcal *cal;
	struct diag d = { 0 };
	long long id;
	int rc;

	if ((rc = schedule_options(x, &m)) != 0)
		return rc;
	id = item_arg(x);
	cal = sync_load_workcal(x->config, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	if (cal == NULL)
		return EX_DATAERR;
	rc = ctl_schedule(x->db, cal, id, &m);
	workcal_free(cal);
	return rc;
}

static int
cmd_done_url(struct cmd_ctx *x)
{
	const char *name = take_option(x, "--unit");
	long long id = item_arg(x);
	sqlite3_int64 unit;
	int rc;

	if (name == NULL)
		usage();
	if ((rc = find_unit(x->db, name, &unit, NULL)) != 0)
		return rc;
	return ctl_done_url(x->config, x->db, id, unit);
}

/* JSON array of the codes of task t's units in a role. */
#define TASK_UNITS_JSON(role) "(SELECT json_group_array(code) FROM (SELECT u.code FROM " \
	"task_unit tu JOIN unit u ON u.id = tu.unit_id WHERE tu.task_id = t.id AND " \
	"tu.role = '" role "' ORDER BY u.code))"
/* Tasks in the plan's order: sections as they come, rows by number. */
#define TASK_ORDER "ORDER BY t.line, t.id"

static int
cmd_audit(struct cmd_ctx *x)
{
	int json = take_flag(x, "--json"), rc;
	sqlite3_int64 plan = 0;

	if (x->argc > 0 && (rc = plan_option(x, &plan)) != 0)
		return rc;
	if (x->argc != 0)
		usage();
	return ctl_audit(x->db, plan, json);
}

static int
cmd_outbox(struct cmd_ctx *x)
{
	int json = take_flag(x, "--json"), failed = take_flag(x, "--failed");

	if (x->argc != 0)
		usage();
	return ctl_outbox(x->db, failed, json);
}

static const struct column task_cols[] = {
	{ "task", "TASK", COL_TEXT, NULL },
	{ "kind", "KIND", COL_TEXT, NULL },
	{ "when", "WHEN", COL_TEXT, NULL },
	{ "title", "TITLE", COL_TEXT, NULL },
	{ "lead", "LEAD", COL_TEXT, NULL },
};

static int
cmd_tasks(struct cmd_ctx *x)
{
	int json = take_flag(x, "--json"), rc;
	sqlite3_int64 plan;
	sqlite3_stmt *st;

	if ((rc = plan_option(x, &plan)) != 0 || (rc = no_more_args(x, "tasks")) != 0)
		return rc;
	if (json)
		return print_rows(x->db, "SELECT json_group_array(json_object('id', ref, 'title', title, "
		    "'kind', kind, 'when', when_text, 'direct', json(direct), 'lead', json(lead), "
		    "'support', json(support))) FROM (SELECT t.ref, t.title, t.kind, t.when_text, "
		    TASK_UNITS_JSON("direct") " AS direct, " TASK_UNITS_JSON("lead") " AS lead, "
		    TASK_UNITS_JSON("support") " AS support FROM task t WHERE t.plan_id = ?1 AND "
		    "t.active = 1 " TASK_ORDER ")", plan);
	st = store_prepare(x->db, "SELECT t.ref, t.kind, t.when_text, t.title, coalesce("
	    STORE_ROLE_NAMES("lead") ", '') FROM task t WHERE t.plan_id = ?1 AND t.active = 1 "
	    TASK_ORDER);
	sqlite3_bind_int64(st, 1, plan);
	return print_text(x->db, st, task_cols, NCOLS(task_cols), 1u << 2 | 1u << 3 | 1u << 4);
}

static int
cmd_occurrences(struct cmd_ctx *x)
{
	int json = take_flag(x, "--json"), rc;
	sqlite3_int64 plan;
	char today[11];
	sqlite3_stmt *st;

	if ((rc = plan_option(x, &plan)) != 0 || (rc = no_more_args(x, "occurrences")) != 0)
		return rc;
	date_iso(date_of(clock_now()), today);
	st = store_prepare(x->db, json ?
	    "SELECT json_group_array(json_object('id', o.id, 'uid', o.uid, 'task', t.ref, "
	    "'start', o.start, 'due', o.due, 'latest', o.latest, 'due_original', "
	    "o.due_original, 'latest_original', o.latest_original, 'day', o.day, 'day_off', "
	    "o.day_off, 'rrule', o.rrule, 'status', o.status, 'state', CASE WHEN "
	    STORE_HAS_DEADLINE " THEN item_state(o.status, o.due, o.latest, ?2, ?3) END)) "
	    "FROM (SELECT * FROM "
	    "occurrence ORDER BY due, id) o JOIN task t ON t.id = o.task_id "
	    "WHERE t.plan_id = ?1" :
	    "SELECT printf('%5d  %-7s %s .. %s%s%s%s  %-9s %s', o.id, t.ref, o.start, o.due, "
	    "CASE WHEN o.due_original IS NOT NULL THEN ' (plan: ' || o.due_original || ')' "
	    "ELSE '' END, CASE WHEN o.latest > o.due THEN ' latest ' || o.latest ELSE '' END, "
	    "CASE WHEN o.day_off IS NOT NULL THEN ' [day off: ' || o.day_off || ']' ELSE '' "
	    "END, CASE WHEN o.rrule IS NOT NULL THEN 'weekly' WHEN t.kind = 'meeting' THEN "
	    "o.status ELSE item_state(o.status, o.due, o.latest, ?2, ?3) END, t.title) "
	    "FROM occurrence o JOIN task t ON "
	    "t.id = o.task_id WHERE t.plan_id = ?1 ORDER BY o.due, o.id");
	sqlite3_bind_int64(st, 1, plan);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, x->config->nlead ? x->config->lead_days[0] : 0);
	return print_stmt(x->db, st);
}

/* Where each period's deadline ends: moved off days off when cal is set. */
static void
apply_rule(struct when *w, struct workcal *cal, enum deadline_rule rule, ntm_date *original)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		original[i] = w->periods[i].due;
		if (cal)
			w->periods[i].due = workcal_shift_due(cal, &w->periods[i], rule);
	}
}

static int
print_when_json(const char *text, const struct when *w, const ntm_date *original)
{
	sqlite3 *mem;
	sqlite3_stmt *st;
	struct buf b = { 0 };
	char s[11], d[11], o[11];
	size_t i;
	int rc;

	/* SQLite's json_quote() escapes the text as JSON requires. */
	sqlite3_open(":memory:", &mem);
	buf_puts(&b, "[");
	for (i = 0; i < w->n; i++) {
		date_iso(w->periods[i].start, s);
		date_iso(w->periods[i].due, d);
		date_iso(original[i], o);
		buf_printf(&b, "%s{\"start\":\"%s\",\"due\":\"%s\"", i ? "," : "", s, d);
		if (original[i] != w->periods[i].due)
			buf_printf(&b, ",\"due_original\":\"%s\"", o);
		buf_puts(&b, "}");
	}
	buf_puts(&b, "]");
	st = store_prepare(mem, "SELECT json_object('text', ?1, 'kind', ?2, 'occurrences', "
	    "json(?3), 'error', ?4)");
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, when_kind_name(w->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b.s, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, w->error, -1, SQLITE_STATIC);
	rc = print_stmt(mem, st);
	sqlite3_close(mem);
	buf_free(&b);
	return rc;
}

static void
print_when_text(const char *text, const struct when *w, const ntm_date *original,
    struct workcal *cal)
{
	char s[11], d[11], o[11];
	size_t j;

	printf("%s: %s%s%s\n", text, when_kind_name(w->kind), w->error ? ": " : "",
	    w->error ? w->error : "");
	for (j = 0; j < w->n; j++) {
		date_iso(w->periods[j].start, s);
		date_iso(w->periods[j].due, d);
		date_iso(original[j], o);
		if (original[j] == w->periods[j].due)
			printf("  %s .. %s\n", s, d);
		else
			printf("  %s .. %s  (plan: %s, %s)\n", s, d, o,
			    workcal_day_off(cal, original[j]));
	}
}

/* Needs no config: a tool for whoever transcribes a plan. With --working-days the
 * holiday files come from the config when one is given, else the installed ones. */
/* A year 1900–2100 written in full, or 0. */
static int
year_arg(const char *s)
{
	char *end;
	long y = strtol(s, &end, 10);

	return *s && *end == '\0' && y >= 1900 && y <= 2100 ? (int)y : 0;
}

static int
cmd_when(const struct config *c, int argc, char **argv)
{
	struct cmd_ctx x = { NULL, NULL, argc, argv };
	const char *ys = take_option(&x, "--year"), *rs = take_option(&x, "--rule");
	int json = take_flag(&x, "--json"), working = take_flag(&x, "--working-days");
	int year = 0, i, rc = 0;
	enum deadline_rule rule = RULE_NEXT;
	struct workcal *cal = NULL;
	struct diag d = { 0 };
	ntm_date *original;
	struct when w;

	if (ys && (year = year_arg(ys)) == 0) {
		fprintf(stderr, "ntmctl when: --year \"%s\" is not a year 1900–2100\n", ys);
		usage();
	}
	if (year == 0) {
		int m, dd;

		date_to_ymd(date_of(time(NULL)), &year, &m, &dd);
	}
	if (x.argc == 0 || year < 1900 || year > 2100 || (rs && (!working ||
	    deadline_rule_parse(rs, &rule) < 0)))
		usage();
	if (working) {
		if (c == NULL)
			fprintf(stderr, "ntmctl: no configuration (-c FILE, or %s): no holiday "
			    "files are read; the days off are the law's alone\n", NTM_CONFIG_FILE);
		cal = sync_load_workcal(c, &d);
		diag_print(&d, stderr);
		diag_free(&d);
		if (cal == NULL)
			return EX_DATAERR;
	}
	for (i = 0; i < x.argc; i++) {
		if (when_parse(x.argv[i], year, date_from_ymd(year, 1, 1), &w) < 0)
			rc = EX_DATAERR;
		original = xcalloc(w.n + 1, sizeof(*original));
		apply_rule(&w, cal, rule, original);
		if (!json)
			print_when_text(x.argv[i], &w, original, cal);
		else if (print_when_json(x.argv[i], &w, original) != 0)
			rc = EX_SOFTWARE;
		free(original);
		when_free(&w);
	}
	workcal_free(cal);
	return rc;
}

static const struct column token_cols[] = {
	{ "kind", "kind", COL_TEXT, NULL },
	{ "feed", "feed", COL_TEXT, NULL },
	{ "name", "name", COL_TEXT, NULL },
	{ "generation", "generation", COL_INT, NULL },
	{ "created", "created", COL_DATE, NULL },
};

/* Which feed tokens exist, of which generation, made when; never a token itself. */
static int
token_list(struct cmd_ctx *x)
{
	enum format f = take_format(x);
	struct table t;
	int rc;

	if ((rc = no_more_args(x, "token list")) != 0)
		return rc;
	table_init(&t, token_cols, NCOLS(token_cols), NULL);
	if ((rc = table_of(x->db, store_prepare(x->db, "SELECT 'unit', o.code || '/' || u.code, "
	    "u.name, f.generation, date(f.created_at, 'unixepoch', 'localtime') FROM feed_token f "
	    "JOIN unit u ON u.id = f.unit_id JOIN org o ON o.id = u.org_id UNION ALL "
	    "SELECT 'plan', p.code, p.title, t.generation, date(t.created_at, 'unixepoch', "
	    "'localtime') FROM plan_token t JOIN plan p ON p.id = t.plan_id ORDER BY 1 DESC, 2"),
	    &t)) != 0) {
		table_free(&t);
		return rc;
	}
	return print_table(&t, f);
}

/* A new token for the unit's feed: the new URL printed, the old one dead. */
static int
token_rotate_cmd(struct cmd_ctx *x)
{
	int rc = feed_url(x, 1);

	if (rc == 0)
		fprintf(stderr, "ntmctl: the feed's previous URL opens nothing from now on\n");
	return rc;
}

static int
cmd_token(struct cmd_ctx *x)
{
	const char *verb = x->argc > 0 ? x->argv[0] : "";

	x->argc--, x->argv++;
	if (!strcmp(verb, "list"))
		return token_list(x);
	if (!strcmp(verb, "rotate"))
		return token_rotate_cmd(x);
	usage();
	return EX_USAGE;
}

static int
cmd_user(struct cmd_ctx *x)
{
	const char *verb = x->argc > 0 ? x->argv[0] : "", *unit_name;
	sqlite3_int64 unit;
	int json, rc;

	x->argc--, x->argv++;
	if (!strcmp(verb, "add")) {
		if ((unit_name = take_option(x, "--unit")) == NULL || x->argc != 1)
			usage();
		if ((rc = find_unit(x->db, unit_name, &unit, NULL)) != 0)
			return rc;
		return ctl_user_add(x->db, x->argv[0], unit, clock_now());
	}
	if (!strcmp(verb, "del") && x->argc == 1)
		return ctl_user_del(x->db, x->argv[0]);
	if (!strcmp(verb, "list")) {
		json = take_flag(x, "--json");
		return (rc = no_more_args(x, "user list")) ? rc : ctl_user_list(x->db, json);
	}
	usage();
	return EX_USAGE;
}

static const struct {
	const char	*name;
	int		(*run)(struct cmd_ctx *);
} commands[] = {
	{ "sync", cmd_sync },
	{ "units", cmd_units },
	{ "feed-url", cmd_feed_url },
	{ "feed", cmd_feed },
	{ "overdue", cmd_overdue },
	{ "report", cmd_report },
	{ "progress", cmd_progress },
	{ "assignments", cmd_assignments },
	{ "user", cmd_user },
	{ "token", cmd_token },
	{ "done", cmd_done },
	{ "done-url", cmd_done_url },
	{ "schedule", cmd_schedule },
	{ "audit", cmd_audit },
	{ "outbox", cmd_outbox },
	{ "tasks", cmd_tasks },
	{ "occurrences", cmd_occurrences },
};

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = NULL;
	struct cmd_ctx x = { 0 };
	size_t i;
	int ch, rc;

	log_init("ntmctl", 0);
	while ((ch = getopt_long(argc, argv, "+c:hV", options, NULL)) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'h': print_usage(stdout, NULL); return 0;
		case 'V': printf("ntmctl %s\n", NTM_VERSION); return 0;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < sizeof(usages) / sizeof(*usages); i++)
		if (!strcmp(argv[0], usages[i].cmd))
			command = argv[0];
	if (command == NULL) {
		fprintf(stderr, "ntmctl: unknown command \"%s\"\n", argv[0]);
		usage();
	}
	for (i = 1; i < (size_t)argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_usage(stdout, command);
			return 0;
		}
	/* the installed configuration when none is named */
	if (conf == NULL && access(NTM_CONFIG_FILE, F_OK) == 0)
		conf = NTM_CONFIG_FILE;
	if (!strcmp(argv[0], "check")) {
		if (conf != NULL)
			x.config = setup_config(conf);
		rc = ctl_check(x.config, argc, argv);
		config_free(x.config);
		return usage_after(rc);
	}
	if (!strcmp(argv[0], "import-table")) {
		if (conf != NULL) {
			x.config = setup_config(conf);
			x.db = setup_database(x.config);
		}
		rc = ctl_import_table(x.db, argc, argv);
		if (x.db)
			store_close(x.db);
		config_free(x.config);
		return usage_after(rc);
	}
	if (!strcmp(argv[0], "calendar")) {
		if (conf != NULL)
			x.config = setup_config(conf);
		else
			fprintf(stderr, "ntmctl: no configuration (-c FILE, or %s): no holiday "
			    "files are read; the days off are the law's alone, with Tết from the "
			    "lunar calendar\n", NTM_CONFIG_FILE);
		rc = ctl_calendar(x.config, argc, argv);
		config_free(x.config);
		return usage_after(rc);
	}
	if (!strcmp(argv[0], "when")) {
		if (conf != NULL)
			x.config = setup_config(conf);
		else
			zone_set(getenv("TZ") ? getenv("TZ") : "Asia/Ho_Chi_Minh");
		rc = cmd_when(x.config, argc - 1, argv + 1);
		config_free(x.config);
		return usage_after(rc);
	}
	if (conf == NULL) {
		fprintf(stderr, "ntmctl %s: needs a configuration: -c FILE (%s does not "
		    "exist)\n", command, NTM_CONFIG_FILE);
		usage();
	}
	for (i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (!strcmp(argv[0], commands[i].name))
			break;
	x.config = setup_config(conf);
	x.db = setup_database(x.config);
	x.argc = argc - 1;
	x.argv = argv + 1;
	rc = commands[i].run(&x);
	store_close(x.db);
	config_free(x.config);
	return usage_after(rc);
}
