/*
 * The Vietnamese time expressions of plans ("Tháng 3, 6, 9, 11", "Tháng 7-8",
 * "Tháng 01/2019", "chậm nhất 30/11/2018", "hết quý I năm 2018", "Thường xuyên" …).
 * Text is folded first (NFC or NFD, any case, with or without diacritics, stray
 * spaces), then read by a small recursive-descent parser over words and numbers.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lunar.h"
#include "text.h"
#include "when.h"
#include "xalloc.h"

#define MAX_TOKENS 64

struct token {
	char	 word[24];	/* folded word, or punctuation as one character */
	int	 num;		/* value if a number, else -1 */
};

struct parser {
	struct token	 tok[MAX_TOKENS];
	int		 n, pos;
	int		 names_from;	/* tokens from here on name someone, not a time */
	int		 year;
	ntm_date	 plan_start;
	struct when	*w;
};

static int
tokenize(struct parser *p, const char *folded)
{
	const char *s = folded;
	size_t len;

	while (*s) {
		struct token *t = &p->tok[p->n];

		if (*s == ' ') {
			s++;
			continue;
		}
		if (p->n == MAX_TOKENS)
			return -1;
		len = 0;
		t->num = -1;
		if (isdigit((unsigned char)*s)) {
			while (isdigit((unsigned char)s[len]))
				len++;
			if (len > 4)
				return -1;
			t->num = atoi(s);
		} else if (isalpha((unsigned char)*s)) {
			while (isalpha((unsigned char)s[len]))
				len++;
		} else
			len = 1;
		if (len >= sizeof(t->word))
			return -1;
		memcpy(t->word, s, len);
		t->word[len] = '\0';
		s += len;
		p->n++;
	}
	return 0;
}

static const struct token *
peek(struct parser *p, int ahead)
{
	static const struct token end = { "", -1 };

	return p->pos + ahead < p->n ? &p->tok[p->pos + ahead] : &end;
}

static int
at_end(struct parser *p)
{
	return p->pos >= p->n;
}

/* Accept a sequence of words ("chậm nhất" as "cham nhat"), all or nothing. */
static int
accept(struct parser *p, const char *words)
{
	char copy[128], *w, *save;
	int i = 0;

	snprintf(copy, sizeof(copy), "%s", words);
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save), i++)
		if (strcmp(peek(p, i)->word, w) != 0)
			return 0;
	p->pos += i;
	return 1;
}

static int
accept_num(struct parser *p, int *v)
{
	if (peek(p, 0)->num < 0)
		return 0;
	*v = peek(p, 0)->num;
	p->pos++;
	return 1;
}

static int
fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	free(p->w->error);
	va_start(ap, fmt);
	if (vasprintf(&p->w->error, fmt, ap) < 0)
		p->w->error = NULL;
	va_end(ap);
	if (p->w->error == NULL)
		p->w->error = xstrdup("out of memory");
	return -1;
}

static int
add_period(struct parser *p, ntm_date start, ntm_date due, const char *key)
{
	struct when *w = p->w;
	struct when_period *wp;

	if (due < start)
		return fail(p, "the period ends before it starts");
	if (w->n > 0 && start <= w->periods[w->n - 1].due)
		return fail(p, "periods must be listed once each, in time order");
	w->periods = xrealloc(w->periods, (w->n + 1) * sizeof(*w->periods));
	wp = &w->periods[w->n++];
	wp->start = start;
	wp->due = due;
	wp->before = 0;
	snprintf(wp->key, sizeof(wp->key), "%s", key);
	return 0;
}

static int
check_year(struct parser *p, int y)
{
	if (y < 1900 || y > 2100)
		return fail(p, "year %d is outside 1900–2100", y);
	return 0;
}

/* A year after "/" or "năm", if one follows: 1 if read, 0 if none, -1 if out of range. */
static int
opt_year(struct parser *p, int *y)
{
	int save = p->pos;

	if ((accept(p, "/") || accept(p, "nam")) && accept_num(p, y))
		return check_year(p, *y) == 0 ? 1 : -1;
	p->pos = save;
	return 0;
}

/* A year that must come next ("năm 2024": the number after the word). */
static int
year_number(struct parser *p, int *y)
{
	if (!accept_num(p, y))
		return fail(p, "expected a year");
	return check_year(p, *y);
}

/* A deadline with no start of its own: work on it from the plan's start. */
static int
deadline(struct parser *p, ntm_date due, const char *key)
{
	return add_period(p, p->plan_start, due, key);
}

static int
range_word(struct parser *p)
{
	return accept(p, "-") || accept(p, "den");
}

/* "," "và" or ";" between items of a list, each item perhaps repeating its word. */
static int
list_separator(struct parser *p, const char *word)
{
	if (!accept(p, ",") && !accept(p, "va") && !accept(p, ";"))
		return 0;
	accept(p, word);
	return 1;
}

static int
month_span(struct parser *p, int y1, int m1, int y2, int m2)
{
	char key[40];

	if (m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12)
		return fail(p, "month %d does not exist", m1 < 1 || m1 > 12 ? m1 : m2);
	if (y2 * 12 + m2 < y1 * 12 + m1)
		return fail(p, "month range %d-%d runs backwards", m1, m2);
	if (y1 == y2 && m1 == m2)
		snprintf(key, sizeof(key), "%04d-%02d", y1, m1);
	else
		snprintf(key, sizeof(key), "%04d-%02d..%04d-%02d", y1, m1, y2, m2);
	return add_period(p, date_from_ymd(y1, m1, 1),
	    date_from_ymd(y2, m2, date_days_in_month(y2, m2)), key);
}

/* "Tháng 3", "Tháng 3, 6, 9, 11", "Tháng 7-8", "Tháng 7 đến tháng 8", "Tháng 01/2019",
 * "Tháng 11/2018 - 01/2019" (a year on one end of a range holds for both). */
static int
months(struct parser *p)
{
	int m1, m2, y1, y2, has1, has2;

	do {
		if (!accept_num(p, &m1))
			return fail(p, "expected a month number");
		y1 = p->year;
		if ((has1 = opt_year(p, &y1)) < 0)
			return -1;
		m2 = m1;
		y2 = y1;
		if (range_word(p)) {
			accept(p, "thang");
			if (!accept_num(p, &m2))
				return fail(p, "expected the month that ends the range");
			if ((has2 = opt_year(p, &y2)) < 0)
				return -1;
			if (has2 && !has1)
				y1 = y2;
		}
		if (month_span(p, y1, m1, y2, m2) < 0)
			return -1;
	} while (list_separator(p, "thang"));
	return 0;
}

static int
roman(struct parser *p, int *q)
{
	static const char *numerals[] = { "i", "ii", "iii", "iv" };
	int i;

	for (i = 0; i < 4; i++)
		if (accept(p, numerals[i])) {
			*q = i + 1;
			return 1;
		}
	return accept_num(p, q) && *q >= 1 && *q <= 4;
}

static int
quarter_period(struct parser *p, int y, int q, int only_due)
{
	char key[40];
	ntm_date due = date_from_ymd(y, 3 * q, date_days_in_month(y, 3 * q));

	snprintf(key, sizeof(key), "%04d-Q%d", y, q);
	if (only_due)
		return deadline(p, due, key);
	return add_period(p, date_from_ymd(y, 3 * q - 2, 1), due, key);
}

/* "Quý II", "Quý I và II", "Quý II/2019"; with only_due ("hết quý I") a deadline. */
static int
quarters(struct parser *p, int only_due)
{
	int q, y;

	do {
		y = p->year;
		if (!roman(p, &q))
			return fail(p, "expected a quarter I–IV");
		if (opt_year(p, &y) < 0 || quarter_period(p, y, q, only_due) < 0)
			return -1;
	} while (list_separator(p, "quy"));
	return 0;
}

/* "30/11/2018", "30-11-2018", "30/11", "ngày 30 tháng 11 năm 2018". */
static int
read_date(struct parser *p, ntm_date *day)
{
	static const char *year_sep[] = { "/", "-", "nam" };
	static const char *month_sep[] = { "/", "-", "thang" };
	int d, m, y = p->year, sep;

	accept(p, "ngay");
	if (!accept_num(p, &d))
		return fail(p, "expected a day");
	for (sep = 0; sep < 3 && !accept(p, month_sep[sep]); sep++)
		;
	if (sep == 3 || !accept_num(p, &m))
		return fail(p, "expected day/month");
	if (accept(p, year_sep[sep]) && (!accept_num(p, &y) || check_year(p, y) < 0))
		return p->w->error ? -1 : fail(p, "expected a year");
	if (!date_valid(y, m, d))
		return fail(p, "%02d/%02d/%04d is not a day of the calendar", d, m, y);
	*day = date_from_ymd(y, m, d);
	return 0;
}

static int
exact_date(struct parser *p)
{
	ntm_date day;
	char key[40];

	if (read_date(p, &day) < 0)
		return -1;
	date_iso(day, key);
	return deadline(p, day, key);
}

/* Day d of month m, or the month's last day when it is shorter ("ngày 31 hàng tháng"). */
static ntm_date
day_in_month(int y, int m, int d)
{
	int last = date_days_in_month(y, m);

	return date_from_ymd(y, m, d < last ? d : last);
}

/* "ngày 10 hàng tháng": due on day d of every month, worked on from the 1st. */
static int
monthly_day(struct parser *p, int d)
{
	char key[40];
	int m;

	if (d < 1 || d > 31)
		return fail(p, "day %d does not exist", d);
	for (m = 1; m <= 12; m++) {
		snprintf(key, sizeof(key), "%04d-%02d", p->year, m);
		if (add_period(p, date_from_ymd(p->year, m, 1), day_in_month(p->year, m, d),
		    key) < 0)
			return -1;
	}
	return 0;
}

/* "ngày 10 của tháng cuối quý": due on day d of each quarter's last month. */
static int
quarterly_day(struct parser *p, int d)
{
	char key[40];
	int q;

	if (d < 1 || d > 31)
		return fail(p, "day %d does not exist", d);
	for (q = 1; q <= 4; q++) {
		snprintf(key, sizeof(key), "%04d-Q%d", p->year, q);
		if (add_period(p, date_from_ymd(p->year, 3 * q - 2, 1),
		    day_in_month(p->year, 3 * q, d), key) < 0)
			return -1;
	}
	return 0;
}

/* Forms that start with a day: report days, or an exact date. */
static int
day_forms(struct parser *p)
{
	int save = p->pos, d;

	accept(p, "ngay");
	if (accept_num(p, &d)) {
		if (accept(p, "hang thang"))
			return monthly_day(p, d);
		accept(p, "cua");
		if (accept(p, "thang cuoi quy"))
			return quarterly_day(p, d);
	}
	p->pos = save;
	return exact_date(p);
}

static int
whole_year(struct parser *p)
{
	char key[40];
	int y;

	if (year_number(p, &y) < 0)
		return -1;
	snprintf(key, sizeof(key), "%04d", y);
	return add_period(p, date_from_ymd(y, 1, 1), date_from_ymd(y, 12, 31), key);
}

/* The end of year y (offset -1 for "trước năm y") as a deadline. */
static int
year_end(struct parser *p, int offset)
{
	char key[40];
	int y;

	if (year_number(p, &y) < 0)
		return -1;
	y += offset;
	snprintf(key, sizeof(key), "%04d", y);
	return deadline(p, date_from_ymd(y, 12, 31), key);
}

/* "6 tháng đầu năm [2018]", "6 tháng cuối năm". */
static int
half_year(struct parser *p)
{
	int six, first, y = p->year;
	char key[40];

	accept_num(p, &six);
	accept(p, "thang");
	first = accept(p, "dau nam");
	if (!first && !accept(p, "cuoi nam"))
		return fail(p, "expected \"tháng đầu năm\" or \"tháng cuối năm\"");
	if (six != 6)
		return fail(p, "a half year is 6 months, not %d", six);
	if (peek(p, 0)->num >= 0 && year_number(p, &y) < 0)
		return -1;
	snprintf(key, sizeof(key), "%04d-H%d", y, first ? 1 : 2);
	return add_period(p, date_from_ymd(y, first ? 1 : 7, 1),
	    date_from_ymd(y, first ? 6 : 12, first ? 30 : 31), key);
}

/* One period per month, quarter or year of the plan ("hàng quý", "01 lần/quý"). */
static int
every(struct parser *p)
{
	int i;

	if (accept(p, "thang")) {
		for (i = 1; i <= 12; i++)
			if (month_span(p, p->year, i, p->year, i) < 0)
				return -1;
		return 0;
	}
	if (accept(p, "quy")) {
		for (i = 1; i <= 4; i++)
			if (quarter_period(p, p->year, i, 0) < 0)
				return -1;
		return 0;
	}
	if (accept(p, "nam"))
		return month_span(p, p->year, 1, p->year, 12);
	return fail(p, "expected tháng, quý or năm");
}

static int
once(struct parser *p, int n)
{
	if (n != 1)
		return fail(p, "%d times a period does not say when: name the months", n);
	return 0;
}

/* "01 lần/quý", "1 lần mỗi tháng": once a period, the only count that names its
 * periods. */
static int
times_per(struct parser *p)
{
	int n;

	if (!accept_num(p, &n) || !accept(p, "lan"))
		return fail(p, "expected \"N lần/quý\"");
	if (!accept(p, "/") && !accept(p, "moi") && !accept(p, "trong"))
		return fail(p, "expected \"/\" after \"lần\"");
	return once(p, n) < 0 ? -1 : every(p);
}

/* "mỗi quý 1 lần": the same, the period first. */
static int
each_period(struct parser *p)
{
	int n;

	if (every(p) < 0)
		return -1;
	if (!accept_num(p, &n) || !accept(p, "lan"))
		return fail(p, "expected \"mỗi quý N lần\"");
	return once(p, n);
}

/* "từ tháng 7 đến tháng 8", "từ ngày 1/3 đến ngày 15/3". */
static int
from_to(struct parser *p)
{
	ntm_date start, due;
	char s[11], d[11], key[40];

	if (accept(p, "thang"))
		return months(p);
	if (read_date(p, &start) < 0)
		return -1;
	if (!range_word(p))
		return fail(p, "expected \"đến\" after the first day");
	if (read_date(p, &due) < 0)
		return -1;
	date_iso(start, s);
	date_iso(due, d);
	snprintf(key, sizeof(key), "%s..%s", s, d);
	return add_period(p, start, due, key);
}

/* "trước 15/3", "trước ngày 15/3/2025": from the plan's start to the day before. */
static int
before_date(struct parser *p)
{
	ntm_date day;
	char key[40];

	if (read_date(p, &day) < 0)
		return -1;
	date_iso(day, key);	/* the day named, as before "trước" meant the day before */
	if (deadline(p, day - 1, key) < 0)
		return -1;
	p->w->periods[p->w->n - 1].before = 1;
	return 0;
}

/* "trước Tết", "trước Tết Nguyên đán [năm] 2025": to the day before mùng 1 Tết. */
static int
before_tet(struct parser *p)
{
	int y = p->year;
	ntm_date tet;
	char key[40];

	accept(p, "nguyen dan");
	if (accept(p, "nam") || accept(p, "/") || peek(p, 0)->num >= 0) {
		if (year_number(p, &y) < 0)
			return -1;
	} else if (check_year(p, y) < 0)	/* the plan's year: the lunar calendar's range */
		return -1;
	tet = lunar_new_year(y);
	date_iso(tet, key);
	if (deadline(p, tet - 1, key) < 0)
		return -1;
	p->w->periods[p->w->n - 1].before = 1;
	return 0;
}

/* The parts of a month officials name: its thirds ("thượng/trung/hạ tuần", "đầu/giữa/
 * cuối tháng": days 1–10, 11–20, 21 to the end) and its first and last weeks. */
enum month_part { THIRD_FIRST, THIRD_MIDDLE, THIRD_LAST, WEEK_FIRST, WEEK_LAST };

static int
month_part(struct parser *p, enum month_part part)
{
	int m, y = p->year, last;
	ntm_date start, due;
	char s[11], d[11], key[40];

	accept(p, "cua");
	if (!accept(p, "thang") || !accept_num(p, &m))
		return fail(p, "expected \"tháng\" and a month number");
	if (m < 1 || m > 12)
		return fail(p, "month %d does not exist", m);
	if (opt_year(p, &y) < 0)
		return -1;
	last = date_days_in_month(y, m);
	switch (part) {
	case THIRD_FIRST:
		start = date_from_ymd(y, m, 1), due = date_from_ymd(y, m, 10);
		break;
	case THIRD_MIDDLE:
		start = date_from_ymd(y, m, 11), due = date_from_ymd(y, m, 20);
		break;
	case THIRD_LAST:
		start = date_from_ymd(y, m, 21), due = date_from_ymd(y, m, last);
		break;
	case WEEK_FIRST:
		start = date_from_ymd(y, m, 1), due = date_from_ymd(y, m, 7);
		break;
	default:
		start = date_from_ymd(y, m, last - 6), due = date_from_ymd(y, m, last);
		break;
	}
	date_iso(start, s);
	date_iso(due, d);
	snprintf(key, sizeof(key), "%s..%s", s, d);
	return add_period(p, start, due, key);
}

/* "đầu tháng 4", "thượng tuần tháng 4", "tuần cuối tháng 4" …: 1 if one was read. */
static int
month_part_form(struct parser *p, int *r)
{
	static const struct {
		const char	*words;
		enum month_part	 part;
	} forms[] = {
		{ "tuan dau", WEEK_FIRST }, { "tuan cuoi", WEEK_LAST },
		{ "thuong tuan", THIRD_FIRST }, { "trung tuan", THIRD_MIDDLE },
		{ "ha tuan", THIRD_LAST }, { "dau", THIRD_FIRST }, { "giua", THIRD_MIDDLE },
		{ "cuoi", THIRD_LAST },
	};
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		int save = p->pos;

		if (!accept(p, forms[i].words))
			continue;
		if (!strcmp(peek(p, 0)->word, "thang") || !strcmp(peek(p, 0)->word, "cua")) {
			*r = month_part(p, forms[i].part);
			return 1;
		}
		p->pos = save;
	}
	return 0;
}

static int dated(struct parser *p);

/* "chậm nhất …": the latest day. A single period runs from the plan's start. */
static int
at_the_latest(struct parser *p)
{
	size_t before = p->w->n;

	accept(p, "vao");
	if (dated(p) < 0)
		return -1;
	if (p->w->n == before + 1 && p->plan_start < p->w->periods[before].start)
		p->w->periods[before].start = p->plan_start;
	return 0;
}

static int
dated(struct parser *p)
{
	const struct token *next = peek(p, 1);
	int r;

	if (accept(p, "dot xuat va")) {		/* "đột xuất và có ít nhất 01 lần/quý" */
		accept(p, "co");
		return dated(p);
	}
	if (accept(p, "hoan thanh") || accept(p, "vao"))
		return dated(p);
	if (accept(p, "cham nhat"))
		return at_the_latest(p);
	if (accept(p, "han"))
		return exact_date(p);
	if (accept(p, "het quy") || accept(p, "truoc het quy"))
		return quarters(p, 1);
	if (accept(p, "quy") || accept(p, "trong quy"))
		return quarters(p, 0);
	if (accept(p, "truoc nam"))
		return year_end(p, -1);
	if (accept(p, "truoc tet"))
		return before_tet(p);
	if (accept(p, "truoc"))
		return before_date(p);
	if (month_part_form(p, &r))
		return r;
	if (accept(p, "het nam") || accept(p, "cuoi nam") || accept(p, "den het nam") ||
	    accept(p, "den cuoi nam") || accept(p, "den nam"))
		return year_end(p, 0);
	if (accept(p, "den") && peek(p, 0)->num >= 1900)	/* "đến 2020" */
		return year_end(p, 0);
	if (accept(p, "trong nam") || accept(p, "nam"))
		return whole_year(p);
	if (accept(p, "hang"))
		return every(p);
	if (accept(p, "it nhat"))
		return times_per(p);
	if (accept(p, "moi"))
		return each_period(p);
	if (accept(p, "tu"))
		return from_to(p);
	if (accept(p, "thang") || accept(p, "trong thang"))
		return months(p);
	if (peek(p, 0)->num >= 0 && !strcmp(next->word, "thang") &&
	    (!strcmp(peek(p, 2)->word, "dau") || !strcmp(peek(p, 2)->word, "cuoi")))
		return half_year(p);
	if (peek(p, 0)->num >= 0 && !strcmp(next->word, "lan"))
		return times_per(p);
	if (peek(p, 0)->num >= 0 || !strcmp(peek(p, 0)->word, "ngay"))
		return day_forms(p);
	return fail(p, "not a time expression this parser knows");
}

/* A day of the week: "thứ 7", "thứ Bảy", "T7", "chủ nhật", "CN"; 1 Monday … 7 Sunday,
 * or 0 (nothing read). */
static int
weekday(struct parser *p)
{
	static const char *const names[] = { "hai", "ba", "tu", "nam", "sau", "bay" };
	int n, i;

	if (accept(p, "chu nhat") || accept(p, "cn"))
		return 7;
	if (!accept(p, "thu") && !accept(p, "t"))
		return 0;
	if (accept_num(p, &n)) {
		if (n >= 2 && n <= 7)
			return n - 1;
		p->pos--;
	} else
		for (i = 0; i < 6; i++)
			if (accept(p, names[i]))
				return i + 1;
	p->pos--;
	return 0;
}

/* The day wd of every week of the plan's year, each a period of its own. */
static int
weekly_days(struct parser *p, int wd)
{
	ntm_date day = date_from_ymd(p->year, 1, 1), end = date_from_ymd(p->year, 12, 31);
	char key[11];

	p->w->weekday = wd;
	for (day += (wd % 7 - date_weekday(day) + 7) % 7; day <= end; day += 7) {
		date_iso(day, key);
		if (add_period(p, day, day, key) < 0)
			return -1;
	}
	return 0;
}

/* "vào [các ngày] thứ 7 hàng tuần", "hàng tuần vào thứ Hai", bare "hàng tuần": 1 if the
 * text is one of them (read to its end), 0 if not (nothing consumed), -1 on error. */
static int
weekly(struct parser *p)
{
	int save = p->pos, first = accept(p, "hang tuan"), wd;	/* "hằng" folds alike */

	if (first && at_end(p)) {
		p->w->kind = WHEN_WEEKLY;
		return 1;
	}
	accept(p, "vao");
	accept(p, "cac ngay");
	if ((wd = weekday(p)) == 0 || (!first && !accept(p, "hang tuan")) || !at_end(p)) {
		p->pos = save;
		return 0;
	}
	p->w->kind = WHEN_WEEKLY;
	return weekly_days(p, wd) < 0 ? -1 : 1;
}

static int
parse(struct parser *p)
{
	struct when *w = p->w;
	int r;

	if (at_end(p))
		return fail(p, "empty time expression");
	if (accept(p, "thuong xuyen"))
		w->kind = WHEN_CONTINUOUS;
	else if (accept(p, "theo thoi gian thich hop"))
		w->kind = WHEN_UNSCHEDULED;
	else if (accept(p, "theo de xuat")) {
		w->kind = WHEN_UNSCHEDULED;
		if (accept(p, "cua")) {		/* "… của BCĐ xã": whoever proposes */
			if (at_end(p))
				return fail(p, "\"theo đề xuất của\" whom?");
			p->names_from = p->pos;
			p->pos = p->n;
		}
	} else if (accept(p, "dinh ky theo quy dinh")) {
		w->kind = WHEN_REGIME;
		accept(p, "va dot xuat");
	} else if ((r = weekly(p)) != 0) {
		if (r < 0)
			return -1;
	} else {
		w->kind = WHEN_DATED;
		if (dated(p) < 0)
			return -1;
	}
	if (!at_end(p))
		return fail(p, "unexpected \"%s\"", peek(p, 0)->word);
	return 0;
}

/* The words of the wordings as they are written, each with the forms it may take
 * (without marks it is always read): a word written with other marks is a slip. Sorted
 * by the bare word. */
static const struct spelling {
	const char	*bare, *forms;
} spellings[] = {
	{ "ba", "ba" }, { "bay", "bảy bẩy" }, { "cac", "các" }, { "cham", "chậm" },
	{ "chu", "chủ" }, { "cn", "cn" }, { "co", "có" }, { "cua", "của" },
	{ "cuoi", "cuối" }, { "dan", "đán" }, { "dau", "đầu" }, { "de", "đề" },
	{ "den", "đến" }, { "dinh", "định" }, { "dot", "đột" }, { "gian", "gian" },
	{ "giua", "giữa" }, { "ha", "hạ" }, { "hai", "hai" }, { "han", "hạn" },
	{ "hang", "hàng hằng" }, { "het", "hết" }, { "hoan", "hoàn" },
	{ "hop", "hợp" }, { "i", "i" }, { "ii", "ii" }, { "iii", "iii" },
	{ "it", "ít" }, { "iv", "iv" }, { "ky", "kỳ" }, { "lan", "lần" },
	{ "moi", "mỗi" }, { "nam", "năm" }, { "ngay", "ngày" }, { "nguyen", "nguyên" },
	{ "nhat", "nhất nhật" }, { "quy", "quý qúy quy" }, { "sau", "sáu" },
	{ "t", "t" }, { "tet", "tết" }, { "thang", "tháng" }, { "thanh", "thành" },
	{ "theo", "theo" }, { "thich", "thích" }, { "thoi", "thời" }, { "thu", "thứ" },
	{ "thuong", "thường thượng" }, { "trong", "trong" }, { "trung", "trung" },
	{ "truoc", "trước" }, { "tu", "từ tư" }, { "tuan", "tuần" }, { "va", "và" },
	{ "vao", "vào" }, { "xuat", "xuất" }, { "xuyen", "xuyên" },
};

/* The forms word (folded to ASCII) may take, or NULL if it is not a word of the
 * wordings. */
static const char *
forms_of(const char *bare)
{
	size_t i;

	for (i = 0; i < sizeof(spellings) / sizeof(*spellings); i++)
		if (!strcmp(spellings[i].bare, bare))
			return spellings[i].forms;
	return NULL;
}

/* Whether word is one of the space-separated forms. */
static int
is_form(const char *forms, const char *word)
{
	size_t len = strlen(word);
	const char *f;

	for (f = forms; (f = strstr(f, word)) != NULL; f += len)
		if ((f == forms || f[-1] == ' ') && (f[len] == ' ' || f[len] == '\0'))
			return 1;
	return 0;
}

/* A word of the wordings written with marks it never has ("cuôi", "tuân"): the error
 * names it and the wording it resembles, -1; else 0. Words are cut as tokenize() cuts
 * the ASCII fold, so that the i-th is the i-th token; only those before a proposer's
 * name are read. A text that was not read ("tuân đầu tháng") is told so only when all
 * its words are the wordings' ("Sau cuộc họp" is no wording, and "họp" no "hợp"). */
static int
misspelt(struct parser *p, const char *text, int read)
{
	char *f = text_fold(text), *s, *word, *bare, *bad = NULL;
	const char *forms;
	struct buf fixed = { 0 };
	int i, end = p->names_from > 0 ? p->names_from : p->n, foreign = 0, told;
	unsigned char c;
	size_t len;

	if (f == NULL)
		return 0;
	for (s = f, i = 0; *s; s += len, i += c != ' ') {
		c = (unsigned char)*s;
		len = 1;
		if (isdigit(c))
			while (isdigit((unsigned char)s[len]))
				len++;
		else if (isalpha(c) || c >= 0x80)
			while (isalpha((unsigned char)s[len]) || (unsigned char)s[len] >= 0x80)
				len++;
		word = xasprintf("%.*s", (int)len, s);
		bare = i < end && (isalpha(c) || c >= 0x80) ? text_fold_ascii(word) : NULL;
		forms = bare ? forms_of(bare) : NULL;
		foreign += bare && forms == NULL;
		if (forms && !text_is_ascii(word) && !is_form(forms, word)) {
			if (bad == NULL)
				bad = xstrdup(word);
			buf_printf(&fixed, "%.*s", (int)strcspn(forms, " "), forms);
		} else
			buf_puts(&fixed, word);
		free(word);
		free(bare);
	}
	if ((told = bad != NULL && (read || foreign == 0)))
		fail(p, "\"%s\" is not how a time wording writes it: did you mean \"%s\"?", bad,
		    fixed.s);
	free(bad);
	buf_free(&fixed);
	free(f);
	return told ? -1 : 0;
}

int
when_parse(const char *text, int year, ntm_date plan_start, struct when *w)
{
	struct parser p = { .year = year, .plan_start = plan_start, .w = w };
	char *folded;
	int r;

	memset(w, 0, sizeof(*w));
	folded = text_fold_ascii(text);
	if (folded == NULL)
		r = fail(&p, "not valid UTF-8");
	else if (tokenize(&p, folded) < 0)
		r = fail(&p, "too long or malformed");
	else {
		r = parse(&p);
		if (misspelt(&p, text, r == 0) < 0)
			r = -1;
	}
	free(folded);
	if (r < 0) {
		free(w->periods);
		w->periods = NULL;
		w->n = 0;
		w->kind = WHEN_ERROR;
	}
	return r;
}

void
when_free(struct when *w)
{
	free(w->periods);
	free(w->error);
	memset(w, 0, sizeof(*w));
}

int
when_period_is_day(const struct when_period *wp)
{
	ntm_date day;

	return date_parse_iso(wp->key, &day) == 0 && day == wp->due;
}

const char *
when_kind_name(enum when_kind kind)
{
	static const char *names[] = { "dated", "continuous", "unscheduled", "regime", "weekly",
	    "error" };

	return names[kind];
}
