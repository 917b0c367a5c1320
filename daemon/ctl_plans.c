/* ntmctl's plan-file commands: they need no database, and use one when given. */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "catalog.h"
#include "ctl_plans.h"
#include "import.h"
#include "meeting.h"
#include "plancheck.h"
#include "setup.h"
#include "store.h"
#include "sync.h"
#include "workday.h"
#include "xalloc.h"

/* Catalog files: --catalogs patterns, else the config's, else the source tree's, else
 * the installed ones; *looked_in (allocated) the patterns. */
static char **
catalog_files(const struct config *c, char **patterns, size_t npatterns, size_t *n,
    char **looked_in, struct diag *d)
{
	static char *tree[] = { "config/catalogs/*.conf" }, *installed[] = {
	    NTM_CATALOG_DIR "/*.conf" };
	glob_t g;

	if (npatterns > 0) {
		*looked_in = config_join(patterns, npatterns);
		return config_glob(patterns, npatterns, "--catalogs", "ntmctl", n, d);
	}
	if (c != NULL) {
		*looked_in = config_join(c->catalogs, c->ncatalogs);
		return config_catalog_files(c, n, d);
	}
	if (glob(tree[0], 0, NULL, &g) == 0) {
		globfree(&g);
		*looked_in = config_join(tree, 1);
		return config_glob(tree, 1, "catalogs", "ntmctl", n, d);
	}
	*looked_in = config_join(installed, 1);
	return config_glob(installed, 1, "catalogs", "ntmctl", n, d);
}

static void
print_summary(const struct plan *p, const struct six_clear *s)
{
	printf("%s: plan %s: %zu tasks, 6 rõ complete in %zu; missing: lead unit %zu, "
	    "one lead unit %zu, address %zu, dated time %zu, product %zu, authority %zu; "
	    "no reachable address %zu\n", p->file, p->code, s->tasks, s->complete, s->no_lead,
	    s->many_leads, s->no_address, s->no_date, s->no_product, s->no_authority,
	    s->unreached);
}

/* The config's database, read-only, if it exists and knows of meetings; else NULL. */
static sqlite3 *
schedules_db(const struct config *c)
{
	sqlite3 *db = NULL;

	if (c == NULL || sqlite3_open_v2(c->database, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || store_version(db) < 10) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 2000);
	return db;
}

int
ctl_check(const struct config *c, int argc, char **argv)
{
	static const struct option opts[] = { { "catalogs", required_argument, NULL, 'k' },
	    { NULL, 0, NULL, 0 } };
	char **patterns = xcalloc((size_t)argc + 1, sizeof(char *)), **files;
	size_t npatterns = 0, nfiles = 0, nplans = 0, errors, warnings = 0, i;
	struct plan **plans;
	struct diag d = { 0 };
	struct catalogs cats;
	char *looked_in;
	sqlite3 *db;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch != 'k') {
			free(patterns);
			return EX_USAGE;
		}
		patterns[npatterns++] = optarg;
	}
	/* the holiday files first, as ntmd -n reads them */
	workcal_free(sync_load_workcal(c, &d));
	files = catalog_files(c, patterns, npatterns, &nfiles, &looked_in, &d);
	free(patterns);
	catalogs_load(&cats, files, nfiles, looked_in, &d);
	free(looked_in);
	config_free_files(files, nfiles);
	nfiles = 0;
	if (optind < argc) {
		files = xcalloc((size_t)(argc - optind), sizeof(char *));
		while (optind < argc)
			files[nfiles++] = xstrdup(argv[optind++]);
	} else if (c != NULL)
		files = config_calendar_files(c, &nfiles, &d);
	else {
		fprintf(stderr, "ntmctl check: no FILE, and no configuration to find plans in\n");
		catalogs_free(&cats);
		diag_free(&d);
		return EX_USAGE;
	}
	diag_print(&d, stderr);
	errors = diag_errors(&d);
	db = schedules_db(c);
	plans = xcalloc(nfiles + 1, sizeof(*plans));	/* kept: each code is checked */
	for (i = 0; i < nfiles; i++) {
		struct six_clear s = { 0 };
		struct diag mine = { 0 };
		struct plan *p = plan_load(files[i], &mine);

		if (p != NULL) {
			plan_check_catalogs(p, &cats, &mine);
			plan_check_code(p, plans, nplans, &mine);
			plancheck_six_clear(p, &s, &mine);
			if (db)
				meeting_check_plan(db, p, clock_now(), &mine);
		}
		diag_print(&mine, stderr);
		if (p != NULL) {
			print_summary(p, &s);
			plans[nplans++] = p;
		}
		errors += diag_errors(&mine);
		warnings += mine.nwarn;
		diag_free(&mine);
	}
	for (i = 0; i < nplans; i++)
		plan_free(plans[i]);
	free(plans);
	printf("%zu plan%s checked: %zu error%s, %zu warning%s\n", nplans, nplans == 1 ? "" :
	    "s", errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	config_free_files(files, nfiles);
	catalogs_free(&cats);
	diag_free(&d);
	sqlite3_close(db);
	return errors ? EX_DATAERR : 0;
}

/* The organisation's units as the database knows them, for the importer to match. */
struct known_units {
	struct import_unit	*v;
	size_t			 n;
	char			**strings;	/* every string the units point into */
	size_t			 nstrings;
	int			 failed;	/* a statement failed: units are missing */
};

static const char *
keep(struct known_units *k, const unsigned char *s)
{
	if (s == NULL)
		return NULL;
	k->strings = xrealloc(k->strings, (k->nstrings + 1) * sizeof(char *));
	return k->strings[k->nstrings++] = xstrdup((const char *)s);
}

static const char *const *
keep_list(struct known_units *k, sqlite3 *db, const char *sql, sqlite3_int64 id, size_t *n)
{
	sqlite3_stmt *st = store_prepare(db, sql);
	const char **v = NULL;
	int rc;

	*n = 0;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (*n + 1) * sizeof(char *));
		v[(*n)++] = keep(k, sqlite3_column_text(st, 0));
	}
	if (rc != SQLITE_DONE)
		k->failed = 1;
	sqlite3_finalize(st);
	k->strings = xrealloc(k->strings, (k->nstrings + 1) * sizeof(char *));
	k->strings[k->nstrings++] = (char *)v;	/* the array itself */
	return v;
}

/* 0, or -1 with db's error set. */
static int
load_known_units(sqlite3 *db, const char *org, struct known_units *k)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT u.id, u.code, u.name, u.kind, p.code "
	    "FROM unit u JOIN org o ON o.id = u.org_id LEFT JOIN unit p ON p.id = u.parent_id "
	    "WHERE o.code = ? ORDER BY u.id");
	int rc = SQLITE_DONE;

	sqlite3_bind_text(st, 1, org, -1, SQLITE_STATIC);
	while (!k->failed && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct import_unit *u;
		sqlite3_int64 id = sqlite3_column_int64(st, 0);

		k->v = xrealloc(k->v, (k->n + 1) * sizeof(*k->v));
		u = &k->v[k->n++];
		u->code = keep(k, sqlite3_column_text(st, 1));
		u->name = keep(k, sqlite3_column_text(st, 2));
		u->kind = keep(k, sqlite3_column_text(st, 3));
		u->parent = keep(k, sqlite3_column_text(st, 4));
		u->aliases = keep_list(k, db, "SELECT alias FROM unit_alias WHERE unit_id = ? "
		    "ORDER BY rowid", id, &u->naliases);
		u->emails = keep_list(k, db, "SELECT address FROM unit_email WHERE unit_id = ? "
		    "ORDER BY rowid", id, &u->nemails);
	}
	if (!k->failed && rc != SQLITE_DONE)
		k->failed = 1;
	sqlite3_finalize(st);
	return k->failed ? -1 : 0;
}

static void
free_known_units(struct known_units *k)
{
	size_t i;

	for (i = 0; i < k->nstrings; i++)
		free(k->strings[i]);
	free(k->strings);
	free(k->v);
}

/* The text column of a query's first row, with arg as ?1: 0 with *out allocated, or NULL
 * if there is no row; -1 with db's error set. */
static int
query_text(sqlite3 *db, const char *sql, const char *arg, char **out)
{
	sqlite3_stmt *st = store_prepare(db, sql);
	int rc;

	*out = NULL;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The organisation: --org, the plan's own if the database has it, else the plan code
 * without its year ("van-quan-2019" → "van-quan"). 0 with *code allocated; -1 with db's
 * error set. */
static int
org_of(sqlite3 *db, const char *org, const char *plan, char **code)
{
	const char *dash = strrchr(plan, '-');

	*code = NULL;
	if (org != NULL)
		*code = xstrdup(org);
	else if (db != NULL && query_text(db, "SELECT o.code FROM plan p JOIN org o ON "
	    "o.id = p.org_id WHERE p.code = ?", plan, code) < 0)
		return -1;
	if (*code != NULL)
		return 0;
	if (dash && dash != plan && strlen(dash + 1) == 4 && strspn(dash + 1, "0123456789") == 4)
		*code = xasprintf("%.*s", (int)(dash - plan), plan);
	else
		*code = xstrdup(plan);
	return 0;
}

/* The organisation's code (see org_of), and from the database, when there is one, its
 * name and units. 0, or the exit code after a message. */
static int
read_org(sqlite3 *db, const char *org, const char *plan, char **code, char **name,
    struct known_units *k)
{
	*name = NULL;
	if (org_of(db, org, plan, code) < 0 || (db != NULL && (query_text(db,
	    "SELECT name FROM org WHERE code = ?", *code, name) < 0 ||
	    load_known_units(db, *code, k) < 0)))
		return setup_db_failed(db, "cannot read the organisation's units");
	return 0;
}

static char *
read_file(const char *path, size_t *len)
{
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	buf_append(&b, "", 1);		/* a NUL after the data, not counted */
	*len = b.len - 1;
	return buf_steal(&b);
}

/* Write text to path through a temporary file, so a reader never sees half of it. */
static int
write_file(const char *path, const char *text, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	int ok = f && fwrite(text, 1, len, f) == len;

	if (f && fclose(f) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok) {
		fprintf(stderr, "ntmctl: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

int
ctl_import_table(sqlite3 *db, int argc, char **argv)
{
	static const struct option opts[] = { { "plan", required_argument, NULL, 'p' },
	    { "year", required_argument, NULL, 'y' }, { "org", required_argument, NULL, 'g' },
	    { "org-name", required_argument, NULL, 'n' }, { "title", required_argument, NULL, 't' },
	    { NULL, 0, NULL, 0 } };
	const char *plan = NULL, *org = NULL, *org_name = NULL, *out = NULL;
	struct import_opts o = { 0 };
	struct known_units known = { 0 };
	struct diag d = { 0 };
	struct buf text = { 0 };
	char *data, *org_code, *db_org_name, *end;
	size_t len;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+o:", opts, NULL)) != -1)
		switch (ch) {
		case 'p': plan = optarg; break;
		case 'y': o.year = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0')
				o.year = 0;	/* refused below */
			break;
		case 'g': org = optarg; break;
		case 'n': org_name = optarg; break;
		case 't': o.title = optarg; break;
		case 'o': out = optarg; break;
		default: return EX_USAGE;
		}
	if (plan == NULL || o.year < 1900 || o.year > 2100 || optind != argc - 1) {
		fprintf(stderr, "ntmctl import-table: --plan CODE, --year Y (1900–2100) and one "
		    "TABLE are needed\n");
		return EX_USAGE;
	}
	if ((data = read_file(argv[optind], &len)) == NULL) {
		fprintf(stderr, "%s: cannot read the file: %s\n", argv[optind], strerror(errno));
		return EX_NOINPUT;
	}
	if ((rc = read_org(db, org, plan, &org_code, &db_org_name, &known)) == 0) {
		o.plan_code = plan;
		o.org_code = org_code;
		o.org_name = org_name ? org_name : db_org_name ? db_org_name : org_code;
		o.units = known.v;
		o.nunits = known.n;
		rc = import_table(argv[optind], data, len, &o, &text, &d);
		diag_print(&d, stderr);
		if (rc == 0)
			rc = out ? write_file(out, text.s, text.len) : fwrite(text.s, 1, text.len,
			    stdout) == text.len ? 0 : -1;
		rc = rc == 0 ? 0 : EX_DATAERR;
	}
	diag_free(&d);
	buf_free(&text);
	free_known_units(&known);
	free(org_code);
	free(db_org_name);
	free(data);
	return rc;
}
