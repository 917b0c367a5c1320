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

/* A year after "/" or "năm", if one follows. */
static int
opt_year(struct parser *p, int *y)
{
	int save = p->pos;

	if ((accept(p, "/") || accept(p, "nam")) && accept_num(p, y))
		return check_year(p, *y) == 0 ? 1 : -1;
	p->pos = save;
	return 0;
}

static int
month_span(struct parser *p, int y, int m1, int m2)
{
	char key[40];

	if (m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12)
		return fail(p, "month %d does not exist", m1 < 1 || m1 > 12 ? m1 : m2);
	if (m2 < m1)
		return fail(p, "month range %d-%d runs backwards", m1, m2);
	if (m1 == m2)
		snprintf(key, sizeof(key), "%04d-%02d", y, m1);
	else
		snprintf(key, sizeof(key), "%04d-%02d..%04d-%02d", y, m1, y, m2);
	return add_period(p, date_from_ymd(y, m1, 1),
	    date_from_ymd(y, m2, date_days_in_month(y, m2)), key);
}

/* "," "và" or ";" between items of a list, each item perhaps repeating "tháng". */
static int
list_separator(struct parser *p)
{
	if (!accept(p, ",") && !accept(p, "va") && !accept(p, ";"))
		return 0;
	accept(p, "thang");
	return 1;
}

/* "Tháng 3", "Tháng 3, 6, 9, 11", "Tháng 7-8", "Tháng 7 đến tháng 8", "Tháng 01/2019". */
static int
months(struct parser *p)
{
	int m1, m2, y;

	do {
		if (!accept_num(p, &m1))
			return fail(p, "expected a month number");
		m2 = m1;
		if (accept(p, "-") || accept(p, "den")) {
			accept(p, "thang");
			if (!accept_num(p, &m2))
				return fail(p, "expected the month that ends the range");
		}
		y = p->year;
		if (opt_year(p, &y) < 0)
			return -1;
		if (month_span(p, y, m1, m2) < 0)
			return -1;
	} while (list_separator(p));
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
	if (accept_num(p, q) && *q >= 1 && *q <= 4)
		return 1;
	return 0;
}

/* "Quý II", "Quý I năm 2018"; with only_due ("hết quý I") the quarter is a deadline. */
static int
quarter(struct parser *p, int only_due)
{
	int q, y = p->year;
	char key[40];
	ntm_date start, due;

	if (!roman(p, &q))
		return fail(p, "expected a quarter I–IV");
	if (opt_year(p, &y) < 0)
		return -1;
	start = date_from_ymd(y, 3 * q - 2, 1);
	due = date_from_ymd(y, 3 * q, date_days_in_month(y, 3 * q));
	snprintf(key, sizeof(key), "%04d-Q%d", y, q);
	return add_period(p, only_due ? p->plan_start : start, due, key);
}

/* "30/11/2018", "30/11", "ngày 30 tháng 11 năm 2018": a due day. */
static int
exact_date(struct parser *p)
{
	int d, m, y = p->year;
	char key[40];

	accept(p, "ngay");
	if (!accept_num(p, &d))
		return fail(p, "expected a day");
	if (!(accept(p, "/") || accept(p, "-") || accept(p, "thang")) || !accept_num(p, &m))
		return fail(p, "expected day/month");
	if (accept(p, "/") || accept(p, "-") || accept(p, "nam")) {
		if (!accept_num(p, &y))
			return fail(p, "expected a year");
		if (check_year(p, y) < 0)
			return -1;
	}
	if (!date_valid(y, m, d))
		return fail(p, "%02d/%02d/%04d is not a day of the calendar", d, m, y);
	snprintf(key, sizeof(key), "%04d-%02d-%02d", y, m, d);
	return add_period(p, p->plan_start, date_from_ymd(y, m, d), key);
}

static int
whole_year(struct parser *p, int before)
{
	int y;
	char key[40];

	if (!accept_num(p, &y) || check_year(p, y) < 0)
		return p->w->error ? -1 : fail(p, "expected a year");
	snprintf(key, sizeof(key), "%04d", before ? y - 1 : y);
	if (before)
		return add_period(p, p->plan_start, date_from_ymd(y - 1, 12, 31), key);
	return add_period(p, date_from_ymd(y, 1, 1), date_from_ymd(y, 12, 31), key);
}

static int
dated(struct parser *p)
{
	if (accept(p, "cham nhat") || accept(p, "truoc ngay") || accept(p, "han"))
		return exact_date(p);
	if (accept(p, "het quy"))
		return quarter(p, 1);
	if (accept(p, "quy"))
		return quarter(p, 0);
	if (accept(p, "truoc nam"))
		return whole_year(p, 1);
	if (accept(p, "nam"))
		return whole_year(p, 0);
	if (accept(p, "thang"))
		return months(p);
	if (peek(p, 0)->num >= 0 || !strcmp(peek(p, 0)->word, "ngay"))
		return exact_date(p);
	return fail(p, "not a time expression this parser knows");
}

static int
parse(struct parser *p)
{
	struct when *w = p->w;

	if (at_end(p))
		return fail(p, "empty time expression");
	if (accept(p, "thuong xuyen") && at_end(p)) {
		w->kind = WHEN_CONTINUOUS;
		return 0;
	}
	if (accept(p, "theo thoi gian thich hop") || accept(p, "theo de xuat")) {
		w->kind = WHEN_UNSCHEDULED;
		return 0;
	}
	if (accept(p, "dinh ky theo quy dinh")) {
		w->kind = WHEN_REGIME;
		return 0;
	}
	w->kind = WHEN_DATED;
	if (dated(p) < 0)
		return -1;
	if (!at_end(p))
		return fail(p, "unexpected \"%s\"", peek(p, 0)->word);
	return 0;
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
	else
		r = parse(&p);
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

const char *
when_kind_name(enum when_kind kind)
{
	static const char *names[] = { "dated", "continuous", "unscheduled", "regime", "error" };

	return names[kind];
}
