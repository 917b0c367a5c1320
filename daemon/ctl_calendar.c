/* ntmctl calendar: the administrative calendar of a year, as ntmd applies it. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "ctl_calendar.h"
#include "setup.h"
#include "store.h"
#include "sync.h"

static void
print_days(const char *heading, const struct named_day *v, size_t n)
{
	char iso[11];
	size_t i;

	printf("%s\n", heading);
	for (i = 0; i < n; i++) {
		date_iso(v[i].date, iso);
		printf("  %s  %s: %s\n", iso, date_weekday_vn(v[i].date), v[i].name);
	}
}

/* {"year","days_off":[{"date","name"}],"workdays":[…]}; SQLite does the JSON escaping.
 * 0, or the exit code of a failed statement. */
static int
print_json(const struct work_year *wy)
{
	const struct { const struct named_day *v; size_t n; } lists[] = {
		{ wy->off, wy->noff }, { wy->work, wy->nwork } };
	sqlite3_stmt *st;
	sqlite3 *mem;
	char iso[11];
	size_t l, i;
	int rc;

	sqlite3_open(":memory:", &mem);
	rc = store_exec(mem, "CREATE TABLE day(list INTEGER, date TEXT, name TEXT)") < 0 ?
	    SQLITE_ERROR : SQLITE_DONE;
	st = store_prepare(mem, "INSERT INTO day VALUES(?, ?, ?)");
	for (l = 0; l < 2; l++)
		for (i = 0; i < lists[l].n && rc == SQLITE_DONE; i++) {
			date_iso(lists[l].v[i].date, iso);
			sqlite3_reset(st);
			sqlite3_bind_int(st, 1, (int)l);
			sqlite3_bind_text(st, 2, iso, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 3, lists[l].v[i].name, -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
		}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		st = store_prepare(mem, "SELECT json_object('year', ?1, 'days_off', (SELECT "
		    "json_group_array(json_object('date', date, 'name', name)) FROM (SELECT * "
		    "FROM day WHERE list = 0 ORDER BY date)), 'workdays', (SELECT "
		    "json_group_array(json_object('date', date, 'name', name)) FROM (SELECT * "
		    "FROM day WHERE list = 1 ORDER BY date)))");
		sqlite3_bind_int(st, 1, wy->year);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			printf("%s\n", sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	rc = rc == SQLITE_ROW ? 0 : setup_db_failed(mem, "cannot write the calendar as JSON");
	sqlite3_close(mem);
	return rc;
}

int
ctl_calendar(const struct config *c, int argc, char **argv)
{
	const struct work_year *wy;
	struct diag d = { 0 };
	struct workcal *w;
	int json = 0, year = 0, rc = 0, i;
	char *end;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (year == 0 && (year = (int)strtol(argv[i], &end, 10), *end == '\0'))
			continue;
		else
			year = -1;
	}
	if (year < 1900 || year > 2100) {
		fprintf(stderr, "ntmctl calendar: one YEAR, 1900 … 2100, is needed\n");
		return EX_USAGE;
	}
	w = sync_load_workcal(c, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	if (w == NULL)
		return EX_DATAERR;
	wy = workcal_year(w, year);
	if (json)
		rc = print_json(wy);
	else {
		printf("Năm %d\n", year);
		print_days("Ngày nghỉ lễ, Tết, nghỉ bù, nghỉ hoán đổi:", wy->off, wy->noff);
		if (wy->nwork)
			print_days("Ngày làm bù:", wy->work, wy->nwork);
	}
	workcal_free(w);
	return rc;
}
