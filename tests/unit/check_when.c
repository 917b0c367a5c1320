/* The time-expression parser, table-driven: every form of the Văn Quan plan and variants. */
#include <stdio.h>
#include <string.h>

#include "suites.h"
#include "when.h"

struct row {
	const char	*text;
	int		 year;
	enum when_kind	 kind;
	const char	*periods;	/* "start..due start..due", "" for none */
};

static const struct row rows[] = {
	{ "Tháng 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31" },
	{ "Tháng 1", 2018, WHEN_DATED, "2018-01-01..2018-01-31" },
	{ "Tháng 3, 6, 9, 11", 2018, WHEN_DATED, "2018-03-01..2018-03-31 2018-06-01..2018-06-30 "
	    "2018-09-01..2018-09-30 2018-11-01..2018-11-30" },
	{ "Tháng 3,6,9,11", 2018, WHEN_DATED, "2018-03-01..2018-03-31 2018-06-01..2018-06-30 "
	    "2018-09-01..2018-09-30 2018-11-01..2018-11-30" },
	{ "Tháng 5, 6, 7, 8", 2018, WHEN_DATED, "2018-05-01..2018-05-31 2018-06-01..2018-06-30 "
	    "2018-07-01..2018-07-31 2018-08-01..2018-08-31" },
	{ "Tháng 7-8", 2018, WHEN_DATED, "2018-07-01..2018-08-31" },
	{ "Tháng 7 – 8", 2018, WHEN_DATED, "2018-07-01..2018-08-31" },
	{ "tháng 7 đến tháng 8", 2018, WHEN_DATED, "2018-07-01..2018-08-31" },
	{ "Tháng 01/2019", 2018, WHEN_DATED, "2019-01-01..2019-01-31" },
	{ "tháng 1 năm 2019", 2018, WHEN_DATED, "2019-01-01..2019-01-31" },
	{ "Tháng 2", 2020, WHEN_DATED, "2020-02-01..2020-02-29" },
	{ "Tháng 2", 2019, WHEN_DATED, "2019-02-01..2019-02-28" },
	{ "Tháng 3 và 6", 2018, WHEN_DATED, "2018-03-01..2018-03-31 2018-06-01..2018-06-30" },
	{ "THÁNG 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31" },
	{ "thang 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31" },
	{ "Tha\xcc\x81ng 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31" },	/* NFD */
	{ "  Tháng   3 ,6 ", 2018, WHEN_DATED, "2018-03-01..2018-03-31 2018-06-01..2018-06-30" },
	{ "Quý II", 2018, WHEN_DATED, "2018-04-01..2018-06-30" },
	{ "hết quý I năm 2018", 2018, WHEN_DATED, "2018-01-01..2018-03-31" },
	{ "chậm nhất 30/11/2018", 2018, WHEN_DATED, "2018-01-01..2018-11-30" },
	{ "năm 2024", 2023, WHEN_DATED, "2024-01-01..2024-12-31" },
	{ "trước năm 2024", 2023, WHEN_DATED, "2023-01-01..2023-12-31" },
	{ "Thường xuyên", 2018, WHEN_CONTINUOUS, "" },
	{ "THƯỜNG XUYÊN", 2018, WHEN_CONTINUOUS, "" },
	{ "Theo thời gian thích hợp", 2018, WHEN_UNSCHEDULED, "" },
	{ "Theo đề xuất của BCD xã", 2018, WHEN_UNSCHEDULED, "" },
	{ "Định kỳ theo quy định và đột xuất", 2018, WHEN_REGIME, "" },
	{ "Tháng 13", 2018, WHEN_ERROR, "" },
	{ "Tháng 0", 2018, WHEN_ERROR, "" },
	{ "31/02/2018", 2018, WHEN_ERROR, "" },
	{ "Tháng 8-7", 2018, WHEN_ERROR, "" },
	{ "", 2018, WHEN_ERROR, "" },
	{ "   ", 2018, WHEN_ERROR, "" },
	{ "Tháng", 2018, WHEN_ERROR, "" },
	{ "hôm qua", 2018, WHEN_ERROR, "" },
	{ "Thường xuyên hôm qua", 2018, WHEN_ERROR, "" },
	{ "\xff", 2018, WHEN_ERROR, "" },
};

START_TEST(test_when_table)
{
	const struct row *r = &rows[_i];
	char got[512] = "", s[11], d[11];
	struct when w;
	size_t j;
	int rc = when_parse(r->text, r->year, date_from_ymd(r->year, 1, 1), &w);

	for (j = 0; j < w.n; j++) {
		date_iso(w.periods[j].start, s);
		date_iso(w.periods[j].due, d);
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s..%s", j ? " " : "", s, d);
	}
	ck_assert_msg(w.kind == r->kind, "\"%s\": kind %s, want %s", r->text,
	    when_kind_name(w.kind), when_kind_name(r->kind));
	ck_assert_msg(!strcmp(got, r->periods), "\"%s\": %s, want %s", r->text, got, r->periods);
	ck_assert_int_eq(rc, r->kind == WHEN_ERROR ? -1 : 0);
	if (r->kind == WHEN_ERROR)
		ck_assert_ptr_nonnull(w.error);
	for (j = 1; j < w.n; j++)
		ck_assert_str_ne(w.periods[j].key, w.periods[j - 1].key);
	when_free(&w);
}
END_TEST

Suite *
when_suite(void)
{
	Suite *s = suite_create("when");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, test_when_table, 0, (int)(sizeof(rows) / sizeof(*rows)));
	suite_add_tcase(s, tc);
	return s;
}
