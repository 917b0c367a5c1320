/*
 * The time-expression parser, table-driven: every form of the Văn Quan plan, the
 * variants people type (case, diacritics, NFD, spaces, "và"), and what must be refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "suites.h"
#include "when.h"

struct row {
	const char	*text;
	int		 year;
	enum when_kind	 kind;
	const char	*periods;	/* "start..due start..due", "" for none */
	const char	*error;		/* for WHEN_ERROR: a word the error must show, or NULL */
};

#define Q_3_6_9_11 "2018-03-01..2018-03-31 2018-06-01..2018-06-30 " \
	"2018-09-01..2018-09-30 2018-11-01..2018-11-30"

static const struct row rows[] = {
	/* Months: the forms of the plan's "Thời gian" column. */
	{ "Tháng 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },
	{ "Tháng 1", 2018, WHEN_DATED, "2018-01-01..2018-01-31", NULL },
	{ "Tháng 12", 2018, WHEN_DATED, "2018-12-01..2018-12-31", NULL },
	{ "Tháng 3, 6, 9, 11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },
	{ "Tháng 3,6,9,11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },
	{ "Tháng 5, 6, 7, 8", 2018, WHEN_DATED, "2018-05-01..2018-05-31 2018-06-01..2018-06-30 "
	    "2018-07-01..2018-07-31 2018-08-01..2018-08-31", NULL },
	{ "Tháng 7-8", 2018, WHEN_DATED, "2018-07-01..2018-08-31", NULL },
	{ "Tháng 7 – 8", 2018, WHEN_DATED, "2018-07-01..2018-08-31", NULL },	/* en dash */
	{ "Tháng 7—8", 2018, WHEN_DATED, "2018-07-01..2018-08-31", NULL },	/* em dash */
	{ "tháng 7 đến tháng 8", 2018, WHEN_DATED, "2018-07-01..2018-08-31", NULL },
	{ "Tháng 01/2019", 2018, WHEN_DATED, "2019-01-01..2019-01-31", NULL },
	{ "tháng 1 năm 2019", 2018, WHEN_DATED, "2019-01-01..2019-01-31", NULL },
	{ "Tháng 12/2018, 1/2019", 2018, WHEN_DATED,
	    "2018-12-01..2018-12-31 2019-01-01..2019-01-31", NULL },
	{ "Tháng 2", 2020, WHEN_DATED, "2020-02-01..2020-02-29", NULL },	/* leap year */
	{ "Tháng 2", 2019, WHEN_DATED, "2019-02-01..2019-02-28", NULL },
	{ "Tháng 2", 2100, WHEN_DATED, "2100-02-01..2100-02-28", NULL },	/* not leap */
	{ "Tháng 3 và 6", 2018, WHEN_DATED, "2018-03-01..2018-03-31 2018-06-01..2018-06-30",
	    NULL },
	{ "Tháng 3 và tháng 6", 2018, WHEN_DATED,
	    "2018-03-01..2018-03-31 2018-06-01..2018-06-30", NULL },
	/* The same, as people type it. */
	{ "THÁNG 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },
	{ "thang 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },
	{ "Tha\xcc\x81ng 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },	/* NFD */
	{ "  Tháng   3 ,6 ", 2018, WHEN_DATED, "2018-03-01..2018-03-31 2018-06-01..2018-06-30",
	    NULL },
	{ "Tháng\t3\xc2\xa0và 6", 2018, WHEN_DATED,				/* tab, NBSP */
	    "2018-03-01..2018-03-31 2018-06-01..2018-06-30", NULL },
	{ "THANG 7 DEN THANG 8", 2018, WHEN_DATED, "2018-07-01..2018-08-31", NULL },
	/* Quarters and deadlines; deadline-only forms start at the plan's start. */
	{ "Quý II", 2018, WHEN_DATED, "2018-04-01..2018-06-30", NULL },
	{ "Quý IV", 2018, WHEN_DATED, "2018-10-01..2018-12-31", NULL },
	{ "hết quý I năm 2018", 2018, WHEN_DATED, "2018-01-01..2018-03-31", NULL },
	{ "chậm nhất 30/11/2018", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL },
	{ "chậm nhất 30/11", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL },
	{ "ngày 30 tháng 11 năm 2018", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL },
	{ "năm 2024", 2024, WHEN_DATED, "2024-01-01..2024-12-31", NULL },
	{ "trước năm 2024", 2023, WHEN_DATED, "2023-01-01..2023-12-31", NULL },
	{ "trước năm 2024", 2018, WHEN_DATED, "2018-01-01..2023-12-31", NULL },
	/* Not dated. */
	{ "Thường xuyên", 2018, WHEN_CONTINUOUS, "", NULL },
	{ "THƯỜNG XUYÊN", 2018, WHEN_CONTINUOUS, "", NULL },
	{ "thuong xuyen", 2018, WHEN_CONTINUOUS, "", NULL },
	{ "Theo thời gian thích hợp", 2018, WHEN_UNSCHEDULED, "", NULL },
	{ "Theo đề xuất của BCD xã", 2018, WHEN_UNSCHEDULED, "", NULL },
	{ "Định kỳ theo quy định và đột xuất", 2018, WHEN_REGIME, "", NULL },
	/* Refused, with a reason. */
	{ "Tháng 13", 2018, WHEN_ERROR, "", "13" },
	{ "Tháng 0", 2018, WHEN_ERROR, "", "month" },
	{ "31/02/2018", 2018, WHEN_ERROR, "", "31/02/2018" },
	{ "chậm nhất 31/4", 2018, WHEN_ERROR, "", "31/04/2018" },
	{ "Tháng 8-7", 2018, WHEN_ERROR, "", "8-7" },
	{ "Tháng 3, 3", 2018, WHEN_ERROR, "", "once each" },
	{ "Tháng 6, 3", 2018, WHEN_ERROR, "", "time order" },
	{ "Tháng 2/2101", 2018, WHEN_ERROR, "", "2101" },
	{ "Quý V", 2018, WHEN_ERROR, "", NULL },
	{ "", 2018, WHEN_ERROR, "", NULL },
	{ "   ", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 3,", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 3 năm", 2018, WHEN_ERROR, "", NULL },
	{ "hôm qua", 2018, WHEN_ERROR, "", NULL },
	{ "Thường xuyên hôm qua", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 99999", 2018, WHEN_ERROR, "", NULL },
	{ "\xff", 2018, WHEN_ERROR, "", "UTF-8" },
	{ "Tháng 3\xc3", 2018, WHEN_ERROR, "", "UTF-8" },		/* truncated sequence */
};

#define NROWS ((int)(sizeof(rows) / sizeof(*rows)))

/* The periods of w as "start..due start..due" into out. */
static void
periods_text(const struct when *w, char *out, size_t size)
{
	char s[11], d[11];
	size_t j, len;

	*out = '\0';
	for (j = 0; j < w->n; j++) {
		date_iso(w->periods[j].start, s);
		date_iso(w->periods[j].due, d);
		len = strlen(out);
		snprintf(out + len, size - len, "%s%s..%s", j ? " " : "", s, d);
	}
}

/* w is what row r wants: kind, return code, periods, error text, distinct keys. */
static void
check_row(const struct row *r, const char *text, const struct when *w, int rc)
{
	char got[512];
	size_t i, j;

	periods_text(w, got, sizeof(got));
	ck_assert_msg(w->kind == r->kind, "\"%s\": kind %s, want %s", text,
	    when_kind_name(w->kind), when_kind_name(r->kind));
	ck_assert_msg(!strcmp(got, r->periods), "\"%s\": \"%s\", want \"%s\"", text, got,
	    r->periods);
	ck_assert_msg(rc == (r->kind == WHEN_ERROR ? -1 : 0), "\"%s\": returned %d", text, rc);
	if (r->kind == WHEN_ERROR) {
		ck_assert_msg(w->error != NULL && *w->error, "\"%s\": no error text", text);
		ck_assert_msg(r->error == NULL || strstr(w->error, r->error),
		    "\"%s\": error \"%s\" does not mention \"%s\"", text, w->error, r->error);
		ck_assert_msg(w->periods == NULL, "\"%s\": periods left on an error", text);
	} else
		ck_assert_msg(w->error == NULL, "\"%s\": error \"%s\" on success", text, w->error);
	for (i = 0; i < w->n; i++) {
		ck_assert_msg(w->periods[i].key[0] != '\0', "\"%s\": empty key", text);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(w->periods[i].key, w->periods[j].key) != 0,
			    "\"%s\": key \"%s\" twice", text, w->periods[i].key);
	}
}

START_TEST(test_when_table)
{
	const struct row *r = &rows[_i];
	struct when w;
	int rc = when_parse(r->text, r->year, date_from_ymd(r->year, 1, 1), &w);

	check_row(r, r->text, &w, rc);
	when_free(&w);
	ck_assert_int_eq(w.n, 0);
	ck_assert_ptr_null(w.periods);
	ck_assert_ptr_null(w.error);
}
END_TEST

/* Every row again with the whole text in NFD, as some macOS editors save it. */
START_TEST(test_when_table_nfd)
{
	const struct row *r = &rows[_i];
	utf8proc_uint8_t *nfd = NULL;
	struct when w;
	int rc;

	if (utf8proc_map((const utf8proc_uint8_t *)r->text, 0, &nfd,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE) < 0) {
		ck_assert_int_eq(r->kind, WHEN_ERROR);	/* only invalid UTF-8 cannot be mapped */
		return;
	}
	rc = when_parse((const char *)nfd, r->year, date_from_ymd(r->year, 1, 1), &w);
	check_row(r, (const char *)nfd, &w, rc);
	when_free(&w);
	free(nfd);
}
END_TEST

/* Deadline forms run from the plan's start; forms naming their months ignore it. */
START_TEST(test_when_plan_start)
{
	ntm_date start = date_from_ymd(2018, 1, 30), day;
	struct when w;

	ck_assert_int_eq(when_parse("chậm nhất 30/11/2018", 2018, start, &w), 0);
	ck_assert_int_eq(w.n, 1);
	ck_assert_int_eq(w.periods[0].start, start);
	ck_assert_int_eq(date_parse_iso("2018-11-30", &day), 0);
	ck_assert_int_eq(w.periods[0].due, day);
	when_free(&w);
	ck_assert_int_eq(when_parse("hết quý I", 2018, start, &w), 0);
	ck_assert_int_eq(w.periods[0].start, start);
	when_free(&w);
	ck_assert_int_eq(when_parse("Tháng 3", 2018, start, &w), 0);
	ck_assert_int_eq(w.periods[0].start, date_from_ymd(2018, 3, 1));
	when_free(&w);
	/* A deadline before the plan starts cannot be met. */
	ck_assert_int_eq(when_parse("chậm nhất 15/01/2018", 2018, start, &w), -1);
	ck_assert_int_eq(w.kind, WHEN_ERROR);
	when_free(&w);
}
END_TEST

/* Keys name the period (they become UIDs), so they must not depend on how it is typed. */
START_TEST(test_when_keys)
{
	static const struct { const char *text, *keys; } k[] = {
		{ "Tháng 3", "2018-03" },
		{ "tha\xcc\x81ng 03", "2018-03" },
		{ "Tháng 3,6,9,11", "2018-03 2018-06 2018-09 2018-11" },
		{ "Tháng 7-8", "2018-07..2018-08" },
		{ "tháng 7 đến tháng 8", "2018-07..2018-08" },
		{ "Tháng 01/2019", "2019-01" },
		{ "Quý II", "2018-Q2" },
		{ "hết quý I năm 2018", "2018-Q1" },
		{ "chậm nhất 30/11/2018", "2018-11-30" },
		{ "năm 2024", "2024" },
	};
	char got[128];
	struct when w;
	size_t i, j;

	for (i = 0; i < sizeof(k) / sizeof(*k); i++) {
		ck_assert_int_eq(when_parse(k[i].text, 2018, date_from_ymd(2018, 1, 1), &w), 0);
		got[0] = '\0';
		for (j = 0; j < w.n; j++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", j ? " " : "",
			    w.periods[j].key);
		ck_assert_msg(!strcmp(got, k[i].keys), "\"%s\": keys \"%s\", want \"%s\"",
		    k[i].text, got, k[i].keys);
		when_free(&w);
	}
}
END_TEST

START_TEST(test_when_kind_names)
{
	ck_assert_str_eq(when_kind_name(WHEN_DATED), "dated");
	ck_assert_str_eq(when_kind_name(WHEN_CONTINUOUS), "continuous");
	ck_assert_str_eq(when_kind_name(WHEN_UNSCHEDULED), "unscheduled");
	ck_assert_str_eq(when_kind_name(WHEN_REGIME), "regime");
	ck_assert_str_eq(when_kind_name(WHEN_ERROR), "error");
}
END_TEST

Suite *
when_suite(void)
{
	Suite *s = suite_create("when");
	TCase *tc = tcase_create("table");
	TCase *more = tcase_create("rules");

	tcase_add_loop_test(tc, test_when_table, 0, NROWS);
	tcase_add_loop_test(tc, test_when_table_nfd, 0, NROWS);
	suite_add_tcase(s, tc);
	tcase_add_test(more, test_when_plan_start);
	tcase_add_test(more, test_when_keys);
	tcase_add_test(more, test_when_kind_names);
	suite_add_tcase(s, more);
	return s;
}
