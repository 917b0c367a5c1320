/*
 * The four buckets at their edges, in C and through report_units() on a real SQLite
 * database; the table's forms (JSON, CSV, text) and the desk's periods.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "done.h"
#include "report.h"
#include "store.h"
#include "suites.h"
#include "table.h"
#include "util.h"
#include "xalloc.h"

/* Instants in Asia/Ho_Chi_Minh (UTC+7, which main() sets). */
static time_t
at(int y, int m, int d, int hh, int mm, int ss)
{
	return date_at(date_from_ymd(y, m, d), hh * 60 + mm) + ss;
}

/* The end of the due day 2018-04-02: midnight starting the 3rd. */
#define DUE_END	at(2018, 4, 3, 0, 0, 0)

START_TEST(bucket_edges)
{
	time_t later = at(2018, 6, 30, 12, 0, 0);

	ck_assert_int_eq(report_bucket("done", DUE_END, DUE_END - 1, later),
	    BUCKET_DONE_ON_TIME);			/* 23:59:59 of the due day */
	ck_assert_int_eq(report_bucket("done", DUE_END, DUE_END, later),
	    BUCKET_DONE_LATE);			/* 00:00:00 of the day after */
	ck_assert_int_eq(report_bucket("open", DUE_END, 0, DUE_END - 1),
	    BUCKET_OPEN_IN_TIME);			/* judged on the due day */
	ck_assert_int_eq(report_bucket("open", DUE_END, 0, DUE_END), BUCKET_OPEN_OVERDUE);
	/* done after the instant judged at: still open then */
	ck_assert_int_eq(report_bucket("done", DUE_END, DUE_END + 10, DUE_END + 5),
	    BUCKET_OPEN_OVERDUE);
	ck_assert_int_eq(report_bucket("done", DUE_END, DUE_END - 10, DUE_END - 20),
	    BUCKET_OPEN_IN_TIME);
	ck_assert_int_eq(report_bucket("waived", DUE_END, 0, later), BUCKET_NONE);
	ck_assert_int_eq(report_bucket("cancelled", DUE_END, 0, later), BUCKET_NONE);
	ck_assert_str_eq(report_bucket_name(BUCKET_DONE_LATE), "done_late");
	ck_assert_ptr_null(report_bucket_name(BUCKET_NONE));
}
END_TEST

START_TEST(periods)
{
	ntm_date from, to;
	char f[11], t[11];
	static const struct {
		const char	*name, *today, *from, *to;
	} cases[] = {
		{ "month", "2024-02-10", "2024-02-01", "2024-02-29" },
		{ "quarter", "2018-05-15", "2018-04-01", "2018-06-30" },
		{ "quarter", "2018-12-31", "2018-10-01", "2018-12-31" },
		{ "half", "2018-07-01", "2018-07-01", "2018-12-31" },
		{ "half", "2018-06-30", "2018-01-01", "2018-06-30" },
		{ "year", "2023-03-01", "2023-01-01", "2023-12-31" },
	};
	ntm_date today;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		date_parse_iso(cases[i].today, &today);
		ck_assert_int_eq(report_period(cases[i].name, today, &from, &to), 0);
		date_iso(from, f);
		date_iso(to, t);
		ck_assert_str_eq(f, cases[i].from);
		ck_assert_str_eq(t, cases[i].to);
	}
	ck_assert_int_eq(report_period("week", today, &from, &to), -1);
}
END_TEST

static sqlite3 *db;
static char *dir;

/*
 * Plan P of organisation A: units 1 (Phòng A) and 2 (Phòng B), and unit 3 of
 * organisation B. Items (occurrence id: due, leads):
 *   10: 2018-04-02, unit 1           a deadline the rule moved (plan: Saturday 31/03)
 *   11: 2018-04-02, units 1 and 2    led by two
 *   12: 2018-04-10, latest 04-20, 1  a report, its latest day after its due day
 *   13: 2018-04-05, unit 1           waived
 *   14: 2018-05-02, unit 2           a meeting: never counted
 *   15: 2018-03-20, unit 1           done before the quarter
 *   16: 2018-07-02, unit 1           due after the quarter
 *   20: 2018-04-02, unit 3           another organisation's plan
 */
static void
db_setup(void)
{
	dir = tmpdir_new();
	db = db_new(dir,
	    "INSERT INTO org VALUES(1, 'a', 'A'), (2, 'b', 'B');"
	    "INSERT INTO unit(id, org_id, code, name, kind) VALUES (1, 1, 'pa', 'Phòng A', "
	    "'department'), (2, 1, 'pb', 'Phòng B', 'department'), (3, 2, 'pc', 'Phòng C', "
	    "'department');"
	    "INSERT INTO plan(id, org_id, code, title, year) VALUES (1, 1, 'p', 'P', 2018), "
	    "(2, 2, 'q', 'Q', 2018);"
	    "INSERT INTO task(id, plan_id, ref, title, kind, when_text, when_kind) VALUES"
	    " (1, 1, '1', 'Moved', 'deadline', '', 'dated'),"
	    " (2, 1, '2', 'Two leads', 'deadline', '', 'dated'),"
	    " (3, 1, '3', 'Report', 'report', '', 'dated'),"
	    " (4, 1, '4', 'Waived', 'deadline', '', 'dated'),"
	    " (5, 1, '5', 'Meeting', 'meeting', '', 'dated'),"
	    " (6, 1, '6', 'Early', 'deadline', '', 'dated'),"
	    " (7, 1, '7', 'Later', 'deadline', '', 'dated'),"
	    " (8, 2, '1', 'Other', 'deadline', '', 'dated');"
	    "INSERT INTO task_unit VALUES (1, 1, 'lead'), (2, 1, 'lead'), (2, 2, 'lead'),"
	    " (3, 1, 'lead'), (4, 1, 'lead'), (5, 2, 'lead'), (6, 1, 'lead'), (7, 1, 'lead'),"
	    " (8, 3, 'lead'), (1, 2, 'support');"
	    "INSERT INTO occurrence(id, task_id, period, start, due, latest, due_original, "
	    "uid, fingerprint, changed_at) VALUES"
	    " (10, 1, 'x', '2018-03-01', '2018-04-02', '2018-04-02', '2018-03-31', 'u10', '', 0),"
	    " (11, 2, 'x', '2018-03-01', '2018-04-02', '2018-04-02', NULL, 'u11', '', 0),"
	    " (12, 3, 'x', '2018-04-01', '2018-04-10', '2018-04-20', NULL, 'u12', '', 0),"
	    " (13, 4, 'x', '2018-04-01', '2018-04-05', '2018-04-05', NULL, 'u13', '', 0),"
	    " (14, 5, 'x', '2018-05-02', '2018-05-02', '2018-05-02', NULL, 'u14', '', 0),"
	    " (15, 6, 'x', '2018-03-01', '2018-03-20', '2018-03-20', NULL, 'u15', '', 0),"
	    " (16, 7, 'x', '2018-06-01', '2018-07-02', '2018-07-02', NULL, 'u16', '', 0),"
	    " (20, 8, 'x', '2018-03-01', '2018-04-02', '2018-04-02', NULL, 'u20', '', 0);"
	    "UPDATE occurrence SET status = 'waived' WHERE id = 13;");
}

static void
db_teardown(void)
{
	store_close(db);
	tmpdir_remove(dir);
}

static void
done_at(sqlite3_int64 item, time_t t)
{
	struct done_report r = { .item = item, .actor = "test", .now = t };

	ck_assert_int_eq(done_mark(db, &r), DONE_MARKED);
}

/* The row of unit code (NULL: the total) as "on_time late in_time overdue total pct". */
static char *
row_of(const struct table *t, const char *code)
{
	const struct cell *c;
	size_t r;

	for (r = 0; r < t->nrows; r++) {
		c = &t->cells[r * t->ncols];
		if (code ? c[0].text && !strcmp(c[0].text, code) : c[0].text == NULL)
			return xasprintf("%s %s %s %s %s %s", c[2].text, c[3].text, c[4].text,
			    c[5].text, c[6].text, c[7].text ? c[7].text : "null");
	}
	return xstrdup("missing");
}

static void
check_row(const struct table *t, const char *code, const char *want)
{
	char *got = row_of(t, code);

	ck_assert_msg(!strcmp(got, want), "%s: got [%s], want [%s]", code ? code : "total",
	    got, want);
	free(got);
}

static struct report_scope
q2(time_t now)
{
	struct report_scope s = { .org_id = 1, .now = now };

	date_parse_iso("2018-04-01", &s.from);
	date_parse_iso("2018-06-30", &s.to);
	return s;
}

START_TEST(units_at_the_edges)
{
	struct report_scope s = q2(at(2018, 7, 10, 9, 0, 0));
	struct table t;

	done_at(10, at(2018, 4, 2, 23, 59, 59));	/* moved deadline: on time */
	done_at(11, at(2018, 4, 3, 0, 0, 0));		/* late, for both leads */
	done_at(15, at(2018, 3, 25, 8, 0, 0));		/* before the quarter */
	ck_assert_int_eq(report_units(db, &s, &t), 0);
	/* unit 1: 10 on time, 11 late, 12 overdue (open), 16 not due yet in Q2 */
	check_row(&t, "pa", "1 1 0 1 3 33.3");
	check_row(&t, "pb", "0 1 0 0 1 0.0");
	check_row(&t, NULL, "1 2 0 1 4 25.0");
	ck_assert_int_eq(t.nfoot, 1);
	ck_assert_int_eq(t.nrows, 3);	/* pc is another organisation's */
	table_free(&t);
}
END_TEST

START_TEST(report_between_due_and_latest)
{
	struct report_scope s = q2(at(2018, 4, 15, 9, 0, 0));	/* after 10/04, before 20/04 */
	struct table t;

	ck_assert_int_eq(report_units(db, &s, &t), 0);
	/* 10, 11 and 15 overdue, 12 overdue too though its latest day is ahead */
	check_row(&t, "pa", "0 0 0 4 4 0.0");
	table_free(&t);
	s.now = at(2018, 4, 2, 12, 0, 0);	/* the due day of 10 and 11: in time */
	ck_assert_int_eq(report_units(db, &s, &t), 0);
	check_row(&t, "pa", "0 0 3 1 4 0.0");
	check_row(&t, "pb", "0 0 1 0 1 null");
	check_row(&t, NULL, "0 0 4 1 5 0.0");
	table_free(&t);
}
END_TEST

START_TEST(one_unit_and_one_plan)
{
	struct report_scope s = q2(at(2018, 7, 10, 9, 0, 0));
	struct table t;

	s.unit_id = 2;
	ck_assert_int_eq(report_units(db, &s, &t), 0);
	ck_assert_int_eq(t.nrows, 2);
	check_row(&t, "pb", "0 0 0 1 1 0.0");
	check_row(&t, NULL, "0 0 0 1 1 0.0");
	table_free(&t);
	s = q2(at(2018, 7, 10, 9, 0, 0));
	s.org_id = 0;		/* every organisation: units named org/code */
	s.plan_id = 2;
	ck_assert_int_eq(report_units(db, &s, &t), 0);
	check_row(&t, "pc", "0 0 0 1 1 0.0");
	table_free(&t);
	s.plan_id = 0;
	ck_assert_int_eq(report_units(db, &s, &t), 0);
	check_row(&t, "b/pc", "0 0 0 1 1 0.0");
	check_row(&t, "a/pa", "0 0 0 4 4 0.0");
	table_free(&t);
}
END_TEST

/* 1 on time of 16 is 6.25 %: shown 6.3, a half rounded up as officials do. */
START_TEST(share_rounds_half_up)
{
	struct report_scope s = q2(at(2018, 7, 10, 9, 0, 0));
	struct table t;

	ck_assert_int_eq(store_exec(db, "DELETE FROM task_unit WHERE unit_id = 2;"
	    "INSERT INTO task(id, plan_id, ref, title, kind, when_text, when_kind) VALUES"
	    " (9, 1, '9', 'Sixteen', 'deadline', '', 'dated');"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 16) "
	    "INSERT INTO occurrence(id, task_id, period, start, due, latest, uid, fingerprint, "
	    "changed_at) SELECT 100 + i, 9, 'p' || i, '2018-04-01', '2018-04-10', "
	    "'2018-04-10', 'v' || i, '', 0 FROM n;"
	    "INSERT INTO task_unit VALUES (9, 2, 'lead');"), 0);
	done_at(101, at(2018, 4, 9, 10, 0, 0));
	ck_assert_int_eq(report_units(db, &s, &t), 0);
	check_row(&t, "pb", "1 0 0 15 16 6.3");
	table_free(&t);
}
END_TEST

START_TEST(items_of_a_unit)
{
	struct report_scope s = q2(at(2018, 7, 10, 9, 0, 0));
	struct table t;

	done_at(11, at(2018, 4, 3, 0, 0, 0));
	s.unit_id = 2;
	ck_assert_int_eq(report_items(db, &s, &t), 0);
	ck_assert_int_eq(t.nrows, 1);	/* the meeting is not an item counted */
	ck_assert_str_eq(t.cells[2].text, "Two leads");
	ck_assert_str_eq(t.cells[4].text, "2018-04-03");
	ck_assert_str_eq(t.cells[5].text, "Hoàn thành quá hạn");
	ck_assert_str_eq(t.cells[5].class, "warn");
	table_free(&t);
	s.now = at(2018, 4, 2, 12, 0, 0);	/* done after this instant: open then */
	ck_assert_int_eq(report_items(db, &s, &t), 0);
	ck_assert_ptr_null(t.cells[4].text);
	ck_assert_str_eq(t.cells[5].text, "Chưa hoàn thành, trong hạn");
	table_free(&t);
}
END_TEST

static const struct column cols[] = {
	{ "name", "Tên", COL_TEXT, NULL },
	{ "n", "Số", COL_INT, NULL },
	{ "pct", "Tỷ lệ", COL_DECIMAL, NULL },
	{ "day", "Ngày", COL_DATE, NULL },
};

START_TEST(table_forms)
{
	struct buf b = { 0 };
	struct table t;
	size_t r;

	table_init(&t, cols, 4, "Tiêu đề");
	r = table_row(&t);
	table_set(&t, r, 0, "Phòng \"A\", B");
	table_set_int(&t, r, 1, 12);
	table_set(&t, r, 2, "87.5");
	table_set(&t, r, 3, "2018-04-02");
	r = table_row(&t);
	table_set(&t, r, 0, "=HYPERLINK(\"x\")");
	table_set_int(&t, r, 1, 3);
	table_json(&t, &b);
	ck_assert_str_eq(b.s, "[{\"name\":\"Phòng \\\"A\\\", B\",\"n\":12,\"pct\":87.5,"
	    "\"day\":\"2018-04-02\"},{\"name\":\"=HYPERLINK(\\\"x\\\")\",\"n\":3,\"pct\":null,"
	    "\"day\":null}]\n");
	buf_free(&b);
	table_csv(&t, &b);
	ck_assert_str_eq(b.s, "\xef\xbb\xbfTên,Số,Tỷ lệ,Ngày\r\n"
	    "\"Phòng \"\"A\"\", B\",12,87.5,2018-04-02\r\n"
	    "\"'=HYPERLINK(\"\"x\"\")\",3,,\r\n");
	buf_free(&b);
	table_sort(&t, 1, 0);
	ck_assert_str_eq(t.cells[1].text, "3");
	table_html(&t, &b, "/?", 1, 0);
	ck_assert_msg(strstr(b.s, "<td>Phòng &quot;A&quot;, B</td>") != NULL, "%s", b.s);
	ck_assert_msg(strstr(b.s, "<td>02/04/2018</td>") != NULL, "%s", b.s);
	ck_assert_msg(strstr(b.s, "href=\"/?sort=n&amp;dir=desc\"") != NULL, "%s", b.s);
	buf_free(&b);
	table_free(&t);
}
END_TEST

START_TEST(table_xlsx_is_a_zip)
{
	struct table t;
	size_t len = 0, r;
	char *x;

	table_init(&t, cols, 4, "Tiêu đề\nDòng hai");
	r = table_row(&t);
	table_set(&t, r, 0, "Xã Văn An");
	table_set_int(&t, r, 1, 7);
	x = table_xlsx(&t, "Tổng hợp", &len);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_gt(len, 1000);
	ck_assert_int_eq(memcmp(x, "PK\x03\x04", 4), 0);
	free(x);
	table_free(&t);
}
END_TEST

Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *rules = tcase_create("rules"), *units = tcase_create("units");
	TCase *tables = tcase_create("tables");

	tcase_add_test(rules, bucket_edges);
	tcase_add_test(rules, periods);
	suite_add_tcase(s, rules);
	tcase_add_checked_fixture(units, db_setup, db_teardown);
	tcase_add_test(units, units_at_the_edges);
	tcase_add_test(units, report_between_due_and_latest);
	tcase_add_test(units, one_unit_and_one_plan);
	tcase_add_test(units, items_of_a_unit);
	tcase_add_test(units, share_rounds_half_up);
	suite_add_tcase(s, units);
	tcase_add_test(tables, table_forms);
	tcase_add_test(tables, table_xlsx_is_a_zip);
	suite_add_tcase(s, tables);
	return s;
}
