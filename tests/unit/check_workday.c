/*
 * The lunar calendar at UTC+7, the working days of the labour code and of the holiday
 * files, deadlines moved off days off, and item states.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lunar.h"
#include "state.h"
#include "suites.h"
#include "util.h"
#include "workday.h"
#include "xalloc.h"

static ntm_date
day(const char *iso)
{
	ntm_date d;

	ck_assert_msg(date_parse_iso(iso, &d) == 0, "bad date %s", iso);
	return d;
}

static void
assert_day(ntm_date got, const char *want, const char *what)
{
	char iso[11];

	date_iso(got, iso);
	ck_assert_msg(!strcmp(iso, want), "%s: %s, want %s", what, iso, want);
}

/* want NULL: a working day. */
static void
assert_off(struct workcal *w, const char *iso, const char *want)
{
	const char *got = workcal_day_off(w, day(iso));

	if (want == NULL)
		ck_assert_msg(got == NULL, "%s is off: %s", iso, got);
	else
		ck_assert_msg(got != NULL && !strcmp(got, want), "%s: %s, want %s", iso,
		    got ? got : "a working day", want);
}

static void
assert_lunar(const char *iso, int year, int month, int dd, int leap)
{
	struct lunar_date l;

	lunar_from_date(day(iso), &l);
	ck_assert_msg(l.year == year && l.month == month && l.day == dd && l.leap == leap,
	    "%s: %d/%d%s of %d, want %d/%d%s of %d", iso, l.day, l.month,
	    l.leap ? " leap" : "", l.year, dd, month, leap ? " leap" : "", year);
}

/* The shipped holiday files, every config/holidays/YYYY.conf. */
static struct workcal *
load_shipped(void)
{
	struct diag d = { 0 };
	struct workcal *w;
	glob_t g;
	char *all;

	ck_assert_int_eq(glob("config/holidays/*.conf", 0, NULL, &g), 0);
	ck_assert_uint_ge(g.gl_pathc, 6);
	w = workcal_load(g.gl_pathv, g.gl_pathc, &d);
	all = diag_join(&d);
	ck_assert_msg(w != NULL && d.n == 0, "holiday files refused:%s", all);
	free(all);
	diag_free(&d);
	globfree(&g);
	return w;
}

START_TEST(test_lunar_tet)
{
	static const struct { int year; const char *tet; } t[] = {
		{ 2018, "2018-02-16" }, { 2023, "2023-01-22" }, { 2024, "2024-02-10" },
		{ 2025, "2025-01-29" }, { 2026, "2026-02-17" },
		/* At UTC+8 (the Chinese calendar): 1968-01-30, 1985-02-20, 2007-02-18,
		 * 2030-02-03. */
		{ 1968, "1968-01-29" }, { 1985, "1985-01-21" }, { 2007, "2007-02-17" },
		{ 2030, "2030-02-02" },
	};
	char what[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		snprintf(what, sizeof(what), "Tết %d", t[i].year);
		assert_day(lunar_new_year(t[i].year), t[i].tet, what);
		assert_lunar(t[i].tet, t[i].year, 1, 1, 0);
	}
}
END_TEST

START_TEST(test_lunar_gio_to)
{
	static const struct { int year; const char *date; } t[] = {
		{ 2018, "2018-04-25" }, { 2023, "2023-04-29" }, { 2024, "2024-04-18" },
		{ 2025, "2025-04-07" },
	};
	struct lunar_date l = { 0, 3, 10, 0 };
	ntm_date d;
	char what[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		l.year = t[i].year;
		ck_assert_int_eq(lunar_to_date(&l, &d), 0);
		snprintf(what, sizeof(what), "Giỗ Tổ %d", t[i].year);
		assert_day(d, t[i].date, what);
	}
}
END_TEST

/* Tháng Chạp of lunar year 2024 has 29 days; 2023 leaps month 2 (30 days, then 29). */
START_TEST(test_lunar_month_lengths)
{
	struct lunar_date l;
	ntm_date d;

	assert_lunar("2025-01-28", 2024, 12, 29, 0);
	assert_lunar("2025-01-29", 2025, 1, 1, 0);
	l = (struct lunar_date){ 2024, 12, 29, 0 };
	ck_assert_int_eq(lunar_to_date(&l, &d), 0);
	assert_day(d, "2025-01-28", "29/12/2024");
	l.day = 30;
	ck_assert_int_eq(lunar_to_date(&l, &d), -1);

	assert_lunar("2023-02-20", 2023, 2, 1, 0);
	assert_lunar("2023-03-21", 2023, 2, 30, 0);
	assert_lunar("2023-03-22", 2023, 2, 1, 1);
	assert_lunar("2023-04-19", 2023, 2, 29, 1);
	assert_lunar("2023-04-20", 2023, 3, 1, 0);
	l = (struct lunar_date){ 2023, 2, 1, 1 };
	ck_assert_int_eq(lunar_to_date(&l, &d), 0);
	assert_day(d, "2023-03-22", "1/2 leap 2023");
	l.leap = 0;
	ck_assert_int_eq(lunar_to_date(&l, &d), 0);
	assert_day(d, "2023-02-20", "1/2 2023");
	l = (struct lunar_date){ 2023, 2, 30, 1 };
	ck_assert_int_eq(lunar_to_date(&l, &d), -1);
	l = (struct lunar_date){ 2023, 3, 1, 0 };
	ck_assert_int_eq(lunar_to_date(&l, &d), 0);
	assert_day(d, "2023-04-20", "1/3 2023");

	/* Leap months a year does not have: 2023 leaps month 2 only, 2024 none. */
	l = (struct lunar_date){ 2023, 3, 1, 1 };
	ck_assert_int_eq(lunar_to_date(&l, &d), -1);
	l = (struct lunar_date){ 2024, 2, 1, 1 };
	ck_assert_int_eq(lunar_to_date(&l, &d), -1);
}
END_TEST

START_TEST(test_law_national_day)
{
	struct workcal *w = workcal_new();

	/* 2021: 2/9 a Thursday, joined by Friday 3/9. */
	assert_off(w, "2021-09-01", NULL);
	assert_off(w, "2021-09-02", "Quốc khánh (2/9)");
	assert_off(w, "2021-09-03", "Quốc khánh (ngày liền kề 2/9)");
	assert_off(w, "2021-09-04", "thứ Bảy");
	/* 2022: 2/9 a Friday, so Thursday 1/9. */
	assert_off(w, "2022-08-31", NULL);
	assert_off(w, "2022-09-01", "Quốc khánh (ngày liền kề 2/9)");
	assert_off(w, "2022-09-02", "Quốc khánh (2/9)");
	assert_off(w, "2022-09-03", "thứ Bảy");
	assert_off(w, "2022-09-05", NULL);
	/* 2024: 2/9 a Monday, so Tuesday 3/9. */
	assert_off(w, "2024-08-30", NULL);
	assert_off(w, "2024-08-31", "thứ Bảy");
	assert_off(w, "2024-09-01", "Chủ nhật");
	assert_off(w, "2024-09-02", "Quốc khánh (2/9)");
	assert_off(w, "2024-09-03", "Quốc khánh (ngày liền kề 2/9)");
	assert_off(w, "2024-09-04", NULL);
	workcal_free(w);
}
END_TEST

/* A holiday on a weekly day off gives the next working day that is not itself off. */
START_TEST(test_law_compensatory)
{
	struct workcal *w = workcal_new();

	assert_off(w, "2023-01-01", "Tết Dương lịch");
	assert_off(w, "2023-01-02", "Nghỉ bù Tết Dương lịch");
	assert_off(w, "2023-01-03", NULL);
	assert_off(w, "2023-04-28", NULL);
	assert_off(w, "2023-04-29", "Giỗ Tổ Hùng Vương (10/3 âm lịch)");
	assert_off(w, "2023-04-30", "Ngày Chiến thắng (30/4)");
	assert_off(w, "2023-05-01", "Ngày Quốc tế Lao động (1/5)");
	assert_off(w, "2023-05-02", "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)");
	assert_off(w, "2023-05-03", "Nghỉ bù Ngày Chiến thắng (30/4)");
	assert_off(w, "2023-05-04", NULL);
	workcal_free(w);
}
END_TEST

/* Bộ luật Lao động 2012: Quốc khánh was one day. */
START_TEST(test_law_2018)
{
	struct workcal *w = workcal_new();
	const struct work_year *wy = workcal_year(w, 2018);
	size_t i;

	ck_assert_ptr_nonnull(wy);
	assert_off(w, "2018-09-01", "thứ Bảy");
	assert_off(w, "2018-09-02", "Quốc khánh (2/9)");
	assert_off(w, "2018-09-03", "Nghỉ bù Quốc khánh (2/9)");
	assert_off(w, "2018-09-04", NULL);
	for (i = 0; i < wy->noff; i++)
		ck_assert_msg(strstr(wy->off[i].name, "liền kề") == NULL, "2018: %s",
		    wy->off[i].name);
	workcal_free(w);
}
END_TEST

static size_t
count_named(const struct work_year *wy, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < wy->noff; i++)
		n += !strncmp(wy->off[i].name, prefix, strlen(prefix));
	return n;
}

/* Bộ luật Lao động 1994: four Tết days (the last of the old year and three), Giỗ Tổ from
 * 2007; five Tết days from 2013. */
START_TEST(test_law_before_2013)
{
	struct workcal *w = workcal_new();

	ck_assert_uint_eq(count_named(workcal_year(w, 2010), "Tết Âm lịch"), 4);
	ck_assert_uint_eq(count_named(workcal_year(w, 2012), "Tết Âm lịch"), 4);
	ck_assert_uint_eq(count_named(workcal_year(w, 2013), "Tết Âm lịch"), 5);
	/* 2010: Tết on Sunday 14/2, from Saturday 13/2; nghỉ bù 17 and 18/2. */
	assert_off(w, "2010-02-12", NULL);
	assert_off(w, "2010-02-13", "Tết Âm lịch (30 tháng Chạp)");
	assert_off(w, "2010-02-14", "Tết Âm lịch (mùng 1 tháng Giêng)");
	assert_off(w, "2010-02-16", "Tết Âm lịch (mùng 3 tháng Giêng)");
	assert_off(w, "2010-02-17", "Nghỉ bù Tết Âm lịch (30 tháng Chạp)");
	assert_off(w, "2010-02-18", "Nghỉ bù Tết Âm lịch (mùng 1 tháng Giêng)");
	assert_off(w, "2010-02-19", NULL);
	assert_off(w, "2010-04-23", "Giỗ Tổ Hùng Vương (10/3 âm lịch)");
	ck_assert_uint_eq(count_named(workcal_year(w, 2010), "Giỗ Tổ"), 1);
	/* 10/3 âm lịch 2006 was Friday 7/4, a working day. */
	assert_off(w, "2006-04-07", NULL);
	ck_assert_uint_eq(count_named(workcal_year(w, 2006), "Giỗ Tổ"), 0);
	assert_off(w, "2007-04-26", "Giỗ Tổ Hùng Vương (10/3 âm lịch)");
	workcal_free(w);
}
END_TEST

/* Quyết định 188/1999/QĐ-TTg: Saturdays off from 2 October 1999. */
START_TEST(test_law_saturday)
{
	struct workcal *w = workcal_new();

	assert_off(w, "1999-09-25", NULL);
	assert_off(w, "1999-09-26", "Chủ nhật");
	assert_off(w, "1999-10-02", "thứ Bảy");
	workcal_free(w);
}
END_TEST

START_TEST(test_files_2024)
{
	static const struct { const char *date, *name; } want[] = {
		{ "2024-01-01", "Tết Dương lịch" },
		{ "2024-02-08", "Tết Âm lịch (29 tháng Chạp)" },
		{ "2024-02-09", "Tết Âm lịch (30 tháng Chạp)" },
		{ "2024-02-10", "Tết Âm lịch (mùng 1 tháng Giêng)" },
		{ "2024-02-11", "Tết Âm lịch (mùng 2 tháng Giêng)" },
		{ "2024-02-12", "Tết Âm lịch (mùng 3 tháng Giêng)" },
		{ "2024-02-13", "Nghỉ bù Tết Âm lịch (mùng 1 tháng Giêng)" },
		{ "2024-02-14", "Nghỉ bù Tết Âm lịch (mùng 2 tháng Giêng)" },
		{ "2024-04-18", "Giỗ Tổ Hùng Vương (10/3 âm lịch)" },
		{ "2024-04-29", "Nghỉ hoán đổi dịp 30/4 – 1/5 (làm bù thứ Bảy 04/05/2024)" },
		{ "2024-04-30", "Ngày Chiến thắng (30/4)" },
		{ "2024-05-01", "Ngày Quốc tế Lao động (1/5)" },
		{ "2024-09-02", "Quốc khánh (2/9)" },
		{ "2024-09-03", "Quốc khánh (ngày liền kề 2/9)" },
	};
	struct workcal *w = load_shipped();
	const struct work_year *wy = workcal_year(w, 2024);
	char what[64];
	size_t i;

	ck_assert_ptr_nonnull(wy);
	ck_assert_int_eq(wy->year, 2024);
	for (i = 0; i < wy->noff && i < sizeof(want) / sizeof(*want); i++) {
		snprintf(what, sizeof(what), "day off %zu", i);
		assert_day(wy->off[i].date, want[i].date, what);
		ck_assert_str_eq(wy->off[i].name, want[i].name);
	}
	ck_assert_uint_eq(wy->noff, sizeof(want) / sizeof(*want));
	ck_assert_uint_eq(wy->nwork, 1);
	assert_day(wy->work[0].date, "2024-05-04", "make-up day");
	ck_assert_str_eq(wy->work[0].name, "Làm bù cho ngày nghỉ hoán đổi 29/4/2024");
	workcal_free(w);
}
END_TEST

/* A make-up Saturday is a working day; without the files it is a Saturday off. */
START_TEST(test_files_make_up_saturday)
{
	struct workcal *w = load_shipped(), *law = workcal_new();

	assert_off(w, "2024-05-04", NULL);
	assert_off(w, "2026-01-10", NULL);
	assert_off(w, "2024-05-11", "thứ Bảy");
	assert_off(law, "2024-05-04", "thứ Bảy");
	assert_off(law, "2026-01-10", "thứ Bảy");
	workcal_free(law);
	workcal_free(w);
}
END_TEST

struct bad_file {
	const char	*name;
	const char	*text;
	int		 line;
	const char	*msg;
};

static const struct bad_file bad_files[] = {
	{ "take back a working day", "year = 2024;\n"
	    "not_days_off = [\n"
	    "  \"2024-01-01\",\n"
	    "  \"2024-03-05\"\n"
	    "];\n", 2, "not_days_off[1]: 2024-03-05 is not a holiday or compensatory day to "
	    "take back" },
	{ "a day off already off", "year = 2024;\n"
	    "days_off = (\n"
	    "  { date = \"2024-03-05\"; name = \"A\"; },\n"
	    "  { date = \"2024-04-30\"; name = \"B\"; }\n"
	    ");\n", 4, "2024-04-30 is already off: Ngày Chiến thắng (30/4)" },
	{ "work on a weekday", "year = 2024;\n"
	    "workdays = (\n"
	    "  { date = \"2024-05-04\"; name = \"A\"; },\n"
	    "  { date = \"2024-05-06\"; name = \"B\"; }\n"
	    ");\n", 4, "2024-05-06 is not a weekly day off to work instead" },
	{ "work on a holiday", "year = 2023;\n"
	    "workdays = (\n"
	    "  { date = \"2023-04-30\"; name = \"A\"; }\n"
	    ");\n", 3, "2023-04-30 is not a weekly day off to work instead" },
	{ "a date of another year", "year = 2024;\n"
	    "days_off = (\n"
	    "  { date = \"2024-12-31\"; name = \"A\"; },\n"
	    "  { date = \"2025-01-02\"; name = \"B\"; }\n"
	    ");\n", 4, "2025-01-02 is not in 2024" },
	{ "tet too early", "year = 2024;\n"
	    "source = \"x\";\n"
	    "tet = \"2024-02-05\";\n", 3,
	    "tet: the first of the five Tết days must hold mùng 1 (2024-02-06 … 2024-02-10)" },
	{ "tet after mùng 1", "year = 2024;\n"
	    "tet = \"2024-02-11\";\n", 2,
	    "tet: the first of the five Tết days must hold mùng 1 (2024-02-06 … 2024-02-10)" },
	{ "national_day 4/9", "year = 2024;\n"
	    "tet = \"2024-02-08\";\n"
	    "national_day = \"2024-09-04\";\n", 3,
	    "national_day: Quốc khánh's second day is 1/9 or 3/9" },
	{ "national_day before 2021", "year = 2019;\n"
	    "\n"
	    "national_day = \"2019-09-03\";\n", 3,
	    "national_day: Quốc khánh's second day is 1/9 or 3/9" },
	{ "unknown setting", "year = 2024;\n"
	    "tet = \"2024-02-08\";\n"
	    "holidays = ( );\n", 3, "unknown setting \"holidays\"" },
};

#define NBAD ((int)(sizeof(bad_files) / sizeof(*bad_files)))

/* Each bad file is refused with exactly one message, "file:line: …", on its line. */
START_TEST(test_files_bad)
{
	const struct bad_file *b = &bad_files[_i];
	struct diag d = { 0 };
	char *dir = tmpdir_new(), *path, *all;

	path = file_write(dir, "2024.conf", b->text, 0644);
	ck_assert_msg(workcal_load(&path, 1, &d) == NULL, "%s: accepted", b->name);
	all = diag_join(&d);
	ck_assert_msg(d.n == 1, "%s: %zu messages, want 1:%s", b->name, d.n, all);
	ck_assert_msg(diag_has(&d, path, b->line, b->msg), "%s: want %s:%d: …%s…, got:%s",
	    b->name, path, b->line, b->msg, all);
	free(all);
	free(path);
	diag_free(&d);
	tmpdir_remove(dir);
}
END_TEST

/* The bounds of the checks above are accepted. */
START_TEST(test_files_edges)
{
	static const char *good[] = {
		"year = 2024;\ntet = \"2024-02-06\";\nnational_day = \"2024-09-01\";\n",
		"year = 2024;\ntet = \"2024-02-10\";\nnational_day = \"2024-09-03\";\n",
	};
	struct diag d = { 0 };
	struct workcal *w;
	char *dir = tmpdir_new(), *path, *all;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(*good); i++) {
		path = file_write(dir, "2024.conf", good[i], 0644);
		w = workcal_load(&path, 1, &d);
		all = diag_join(&d);
		ck_assert_msg(w != NULL && d.n == 0, "%s refused:%s", good[i], all);
		free(all);
		workcal_free(w);
		free(path);
	}
	/* Tết from 6/2: 6 … 10/2, mùng 1 a Saturday. Quốc khánh on 1/9, a Sunday, and 2/9:
	 * nghỉ bù 3/9. */
	path = file_write(dir, "2024.conf", good[0], 0644);
	w = workcal_load(&path, 1, &d);
	ck_assert_ptr_nonnull(w);
	assert_off(w, "2024-02-05", NULL);
	assert_off(w, "2024-02-06", "Tết Âm lịch (27 tháng Chạp)");
	assert_off(w, "2024-02-10", "Tết Âm lịch (mùng 1 tháng Giêng)");
	assert_off(w, "2024-02-11", "Chủ nhật");
	assert_off(w, "2024-02-12", "Nghỉ bù Tết Âm lịch (mùng 1 tháng Giêng)");
	assert_off(w, "2024-02-13", NULL);
	assert_off(w, "2024-09-01", "Quốc khánh (ngày liền kề 2/9)");
	assert_off(w, "2024-09-03", "Nghỉ bù Quốc khánh (ngày liền kề 2/9)");
	assert_off(w, "2024-09-04", NULL);
	workcal_free(w);
	free(path);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_files_same_year)
{
	struct diag d = { 0 };
	char *dir = tmpdir_new(), *files[2], *all, *msg;

	files[0] = file_write(dir, "a.conf", "year = 2024;\n", 0644);
	files[1] = file_write(dir, "b.conf", "# again\nyear = 2024;\n", 0644);
	ck_assert_ptr_null(workcal_load(files, 2, &d));
	all = diag_join(&d);
	msg = xasprintf("2024 is also announced in %s", files[0]);
	ck_assert_msg(d.n == 1, "%zu messages, want 1:%s", d.n, all);
	ck_assert_msg(diag_has(&d, files[1], 2, msg), "want %s:2: %s, got:%s", files[1], msg,
	    all);
	free(msg);
	free(all);
	free(files[0]);
	free(files[1]);
	diag_free(&d);
	tmpdir_remove(dir);
}
END_TEST

/* Issue 15: a deadline that must come before a day never moves onto it or past it. */
START_TEST(test_shift_before)
{
	static const struct { const char *text; int year; const char *due, *rule_next; } rows[] = {
		/* Tết 2025 is 29/01; 25/01 to 02/02 are off: the last working day before */
		{ "trước Tết Nguyên đán", 2025, "2025-01-28", "2025-01-24" },
		/* 15/12/2018 is a Saturday, which the next-day rule would move to 17/12 */
		{ "trước ngày 15/12", 2018, "2018-12-14", "2018-12-14" },
		{ "trước ngày 2/9", 2025, "2025-09-01", "2025-08-29" },
		{ "trước 17/12", 2018, "2018-12-16", "2018-12-14" },
		/* not "trước": the law's next working day, as before */
		{ "ngày 15/12", 2018, "2018-12-15", "2018-12-17" },
		{ "cuối tháng 5", 2025, "2025-05-31", "2025-06-02" },
	};
	struct workcal *w = load_shipped();
	struct when wh;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		ck_assert_int_eq(when_parse(rows[i].text, rows[i].year,
		    date_from_ymd(rows[i].year, 1, 1), &wh), 0);
		ck_assert_uint_eq(wh.n, 1);
		assert_day(wh.periods[0].due, rows[i].due, rows[i].text);
		assert_day(workcal_shift_due(w, &wh.periods[0], RULE_NEXT), rows[i].rule_next,
		    rows[i].text);
		assert_day(workcal_shift_due(w, &wh.periods[0], RULE_NONE), rows[i].due,
		    rows[i].text);
		ck_assert(workcal_shift_due(w, &wh.periods[0], RULE_PREVIOUS) <= wh.periods[0].due);
		when_free(&wh);
	}
	workcal_free(w);
}
END_TEST

/* Issue 15: a weekly wording given kind "deadline" is a deadline a week, each moved off
 * a day off to the next working day like any other. */
START_TEST(test_shift_weekly)
{
	static const struct { const char *text, *day, *rule_next; } rows[] = {
		{ "vào thứ 7 hàng tuần", "2023-01-07", "2023-01-09" },
		{ "thứ Bảy hằng tuần", "2023-01-21", "2023-01-27" },	/* Tết 2023 */
		{ "T7 hàng tuần", "2023-04-29", "2023-05-04" },		/* Giỗ Tổ, 30/4, 1/5 */
		{ "các ngày thứ Sáu hàng tuần", "2023-09-01", "2023-09-05" },	/* Quốc khánh */
		{ "hàng tuần vào thứ Hai", "2023-01-02", "2023-01-03" },	/* for 1/1 */
		{ "hàng tuần vào thứ Hai", "2023-01-09", "2023-01-09" },
	};
	struct workcal *w = load_shipped();
	struct when wh;
	ntm_date day, due;
	size_t i, j;

	for (i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		ck_assert_int_eq(when_parse(rows[i].text, 2023, date_from_ymd(2023, 1, 1), &wh), 0);
		ck_assert_int_eq(wh.kind, WHEN_WEEKLY);
		ck_assert_int_eq(date_parse_iso(rows[i].day, &day), 0);
		for (j = 0; j < wh.n && wh.periods[j].due != day; j++)
			;
		ck_assert_msg(j < wh.n, "%s: no %s", rows[i].text, rows[i].day);
		assert_day(workcal_shift_due(w, &wh.periods[j], RULE_NEXT), rows[i].rule_next,
		    rows[i].text);
		assert_day(workcal_shift_due(w, &wh.periods[j], RULE_NONE), rows[i].day,
		    rows[i].text);
		for (j = 0; j < wh.n; j++) {
			due = workcal_shift_due(w, &wh.periods[j], RULE_NEXT);
			ck_assert(due >= wh.periods[j].due && workcal_day_off(w, due) == NULL);
		}
		when_free(&wh);
	}
	workcal_free(w);
}
END_TEST

START_TEST(test_shift)
{
	static const struct {
		const char		*from;
		enum deadline_rule	 rule;
		const char		*to;
	} t[] = {
		{ "2018-03-31", RULE_NEXT, "2018-04-02" },
		{ "2018-03-31", RULE_PREVIOUS, "2018-03-30" },
		{ "2018-03-31", RULE_NONE, "2018-03-31" },
		{ "2018-03-30", RULE_NEXT, "2018-03-30" },
		{ "2018-03-30", RULE_PREVIOUS, "2018-03-30" },
		/* Tết 2024: 8 … 14/2 */
		{ "2024-02-08", RULE_NEXT, "2024-02-15" },
		{ "2024-02-08", RULE_PREVIOUS, "2024-02-07" },
		{ "2024-02-12", RULE_PREVIOUS, "2024-02-07" },
		{ "2024-02-10", RULE_NONE, "2024-02-10" },
		/* 27/4 … 1/5/2024, with 29/4 swapped for Saturday 4/5 */
		{ "2024-04-27", RULE_NEXT, "2024-05-02" },
		{ "2024-05-01", RULE_PREVIOUS, "2024-04-26" },
		/* 30/8 … 2/9/2025 */
		{ "2025-08-30", RULE_NEXT, "2025-09-03" },
		{ "2025-09-02", RULE_PREVIOUS, "2025-08-29" },
		/* 1/1/2023 a Sunday, nghỉ bù Monday 2/1 */
		{ "2022-12-31", RULE_NEXT, "2023-01-03" },
		{ "2023-01-02", RULE_PREVIOUS, "2022-12-30" },
		/* A make-up Saturday is a working day already. */
		{ "2024-05-04", RULE_NEXT, "2024-05-04" },
		{ "2024-05-04", RULE_PREVIOUS, "2024-05-04" },
		{ "2024-05-05", RULE_PREVIOUS, "2024-05-04" },
	};
	struct workcal *w = load_shipped();
	char what[48];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		snprintf(what, sizeof(what), "%s %s", t[i].from,
		    deadline_rule_name(t[i].rule));
		assert_day(workcal_shift(w, day(t[i].from), t[i].rule), t[i].to, what);
	}
	workcal_free(w);
}
END_TEST

START_TEST(test_rule_names)
{
	static const char *names[] = { "next", "previous", "none" };
	enum deadline_rule r;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		r = (enum deadline_rule)-1;
		ck_assert_int_eq(deadline_rule_parse(names[i], &r), 0);
		ck_assert_int_eq(r, (int)i);
		ck_assert_str_eq(deadline_rule_name(r), names[i]);
	}
	ck_assert_int_eq(RULE_NEXT, 0);
	ck_assert_int_eq(RULE_PREVIOUS, 1);
	ck_assert_int_eq(RULE_NONE, 2);
	ck_assert_int_eq(deadline_rule_parse("Next", &r), -1);
	ck_assert_int_eq(deadline_rule_parse("", &r), -1);
	ck_assert_int_eq(deadline_rule_parse("next ", &r), -1);
}
END_TEST

START_TEST(test_item_state)
{
	static const struct { int today; const char *state; } t[] = {
		{ -8, "upcoming" }, { -7, "due_soon" }, { -1, "due_soon" }, { 0, "due_today" },
		{ 1, "late" }, { 10, "late" }, { 11, "overdue" },
	};
	static const char *closed[] = { "done", "waived", "cancelled" };
	ntm_date due = day("2024-03-29"), latest = due + 10;
	size_t i, j;
	int k;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++)
		ck_assert_msg(!strcmp(item_state_name(item_state("open", due, latest,
		    due + t[i].today, 7)), t[i].state), "due%+d: want %s", t[i].today,
		    t[i].state);
	/* Without a latest day, the day after the due day is overdue at once. */
	ck_assert_str_eq(item_state_name(item_state("open", due, due, due, 7)), "due_today");
	ck_assert_str_eq(item_state_name(item_state("open", due, due, due + 1, 7)), "overdue");
	for (i = 0; i < sizeof(closed) / sizeof(*closed); i++)
		for (j = 0; j < sizeof(t) / sizeof(*t); j++) {
			k = t[j].today;
			ck_assert_str_eq(item_state_name(item_state(closed[i], due, latest,
			    due + k, 7)), closed[i]);
			ck_assert_str_eq(item_state_name(item_state(closed[i], due, due,
			    due + k, 7)), closed[i]);
		}
}
END_TEST

Suite *
workday_suite(void)
{
	Suite *s = suite_create("workday");
	TCase *lunar = tcase_create("lunar");
	TCase *law = tcase_create("law");
	TCase *files = tcase_create("files");
	TCase *shift = tcase_create("shift");

	tcase_add_test(lunar, test_lunar_tet);
	tcase_add_test(lunar, test_lunar_gio_to);
	tcase_add_test(lunar, test_lunar_month_lengths);
	suite_add_tcase(s, lunar);
	tcase_add_test(law, test_law_national_day);
	tcase_add_test(law, test_law_compensatory);
	tcase_add_test(law, test_law_2018);
	tcase_add_test(law, test_law_before_2013);
	tcase_add_test(law, test_law_saturday);
	suite_add_tcase(s, law);
	tcase_add_test(files, test_files_2024);
	tcase_add_test(files, test_files_make_up_saturday);
	tcase_add_loop_test(files, test_files_bad, 0, NBAD);
	tcase_add_test(files, test_files_edges);
	tcase_add_test(files, test_files_same_year);
	suite_add_tcase(s, files);
	tcase_add_test(shift, test_shift);
	tcase_add_test(shift, test_shift_before);
	tcase_add_test(shift, test_shift_weekly);
	tcase_add_test(shift, test_rule_names);
	tcase_add_test(shift, test_item_state);
	suite_add_tcase(s, shift);
	return s;
}
