/*
 * Working days. The law gives the holidays (Bộ luật Lao động 2019 Điều 112; 2012 Điều 115
 * and 1994 Điều 73 before it) and a compensatory day for a holiday on a weekly day off;
 * the government's announcement for each year wins (config/holidays/YYYY.conf).
 */
#include <stdlib.h>
#include <string.h>

#include "confutil.h"
#include "lunar.h"
#include "text.h"
#include "workday.h"
#include "xalloc.h"

#define FIRST_YEAR	1800
#define LAST_YEAR	2199
/* Quyết định 188/1999/QĐ-TTg: the 40-hour week, Saturday off, from 2 October 1999. */
#define SATURDAY_OFF_SINCE	date_from_ymd(1999, 10, 2)

enum change_kind { CHANGE_OFF, CHANGE_NOT_OFF, CHANGE_WORK };

/* One line of a holiday file: what the year's announcement changes. */
struct change {
	enum change_kind	 kind;
	ntm_date		 date;
	int			 entry;		/* its index in not_days_off */
	char			*name;
	int			 line;
};

struct announcement {
	char		*file;
	int		 year, year_line;
	ntm_date	 tet_first;	/* the first of the five Tết days, 0 for the default */
	ntm_date	 national_day_pair;	/* 1/9 or 3/9, 0 for the default */
	struct change	*changes;
	size_t		 nchanges;
};

struct workcal {
	struct announcement	*ann;
	size_t			 nann;
	struct work_year	*years[LAST_YEAR - FIRST_YEAR + 1];
};

static const char *rule_names[] = { "next", "previous", "none" };

int
deadline_rule_parse(const char *s, enum deadline_rule *r)
{
	size_t i;

	for (i = 0; i < sizeof(rule_names) / sizeof(*rule_names); i++)
		if (!strcmp(s, rule_names[i])) {
			*r = (enum deadline_rule)i;
			return 0;
		}
	return -1;
}

const char *
deadline_rule_name(enum deadline_rule r)
{
	return rule_names[r];
}

static int
weekly_day_off(ntm_date day)
{
	int wd = date_weekday(day);

	return wd == WD_SUNDAY || (wd == WD_SATURDAY && day >= SATURDAY_OFF_SINCE);
}

static void
add_day(struct named_day **v, size_t *n, ntm_date date, char *name)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].date = date;
	(*v)[(*n)++].name = name;
}

static struct named_day *
find_day(struct named_day *v, size_t n, ntm_date date)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].date == date)
			return &v[i];
	return NULL;
}

/* Quốc khánh's second day (2021 on), which the Prime Minister picks each year: so far
 * always the one that joins a weekend, else the day before. */
static ntm_date
national_day_pair(int y)
{
	ntm_date sep2 = date_from_ymd(y, 9, 2);
	int wd = date_weekday(sep2);

	return wd == WD_MONDAY || wd == WD_THURSDAY || wd == WD_SUNDAY ? sep2 + 1 : sep2 - 1;
}

/* "Tết Âm lịch (29 tháng Chạp)", "Tết Âm lịch (mùng 1 tháng Giêng)". */
static char *
tet_day_name(ntm_date day)
{
	struct lunar_date l;

	lunar_from_date(day, &l);
	if (l.month == 1)
		return xasprintf("Tết Âm lịch (mùng %d tháng Giêng)", l.day);
	return xasprintf("Tết Âm lịch (%d tháng Chạp)", l.day);
}

/* The public holidays of the labour code in force in year y, with the days the year's
 * announcement chose where the code leaves the choice to the Prime Minister. */
static void
law_holidays(struct work_year *wy, const struct announcement *a)
{
	int y = wy->year, tet_days = y >= 2013 ? 5 : 4, i;
	ntm_date tet = lunar_new_year(y), first = tet - 1, day;
	struct lunar_date gio_to = { y, 3, 10, 0 };

	if (a && a->tet_first)
		first = a->tet_first;
	add_day(&wy->off, &wy->noff, date_from_ymd(y, 1, 1), xstrdup("Tết Dương lịch"));
	for (i = 0; i < tet_days; i++)
		add_day(&wy->off, &wy->noff, first + i, tet_day_name(first + i));
	if (y >= 2007 && lunar_to_date(&gio_to, &day) == 0)
		add_day(&wy->off, &wy->noff, day, xstrdup("Giỗ Tổ Hùng Vương (10/3 âm lịch)"));
	add_day(&wy->off, &wy->noff, date_from_ymd(y, 4, 30), xstrdup("Ngày Chiến thắng (30/4)"));
	add_day(&wy->off, &wy->noff, date_from_ymd(y, 5, 1),
	    xstrdup("Ngày Quốc tế Lao động (1/5)"));
	add_day(&wy->off, &wy->noff, date_from_ymd(y, 9, 2), xstrdup("Quốc khánh (2/9)"));
	if (y >= 2021)
		add_day(&wy->off, &wy->noff, a && a->national_day_pair ? a->national_day_pair :
		    national_day_pair(y), xstrdup("Quốc khánh (ngày liền kề 2/9)"));
	/* Nghị quyết 28/2026/QH16 Điều 2, in force 1 July 2026. */
	if (y >= 2026)
		add_day(&wy->off, &wy->noff, date_from_ymd(y, 11, 24),
		    xstrdup("Ngày Văn hóa Việt Nam (24/11)"));
}

static int
cmp_day(const void *a, const void *b)
{
	const struct named_day *x = a, *y = b;

	return (x->date > y->date) - (x->date < y->date);
}

/* C11 7.22.5: qsort's array must be a valid pointer even for no elements, and an empty
 * list is NULL here. */
static void
sort_days(struct named_day *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_day);
}

/* A holiday on a weekly day off gives the next working day off (nghỉ bù). */
static void
compensatory_days(struct work_year *wy)
{
	size_t nholidays = wy->noff, i;
	ntm_date day;

	sort_days(wy->off, wy->noff);
	for (i = 0; i < nholidays; i++) {
		if (!weekly_day_off(wy->off[i].date))
			continue;
		day = wy->off[i].date + 1;
		while (weekly_day_off(day) || find_day(wy->off, wy->noff, day))
			day++;
		add_day(&wy->off, &wy->noff, day, xasprintf("Nghỉ bù %s", wy->off[i].name));
	}
}

static void
remove_day(struct work_year *wy, struct named_day *d)
{
	free(d->name);
	*d = wy->off[--wy->noff];
}

/* Apply a year's announcement; a change that contradicts the calendar is an error. */
static void
apply(struct work_year *wy, const struct announcement *a, struct diag *d)
{
	struct named_day *found;
	const struct change *c;
	char iso[11];
	size_t i;

	for (i = 0; i < a->nchanges; i++) {
		c = &a->changes[i];
		found = find_day(wy->off, wy->noff, c->date);
		date_iso(c->date, iso);
		switch (c->kind) {
		case CHANGE_NOT_OFF:
			if (found == NULL)
				diag_error(d, a->file, c->line, "not_days_off[%d]: %s is not a "
				    "holiday or compensatory day to take back", c->entry, iso);
			else
				remove_day(wy, found);
			break;
		case CHANGE_OFF:
			if (found != NULL)
				diag_error(d, a->file, c->line, "%s is already off: %s", iso,
				    found->name);
			else
				add_day(&wy->off, &wy->noff, c->date, xstrdup(c->name));
			break;
		case CHANGE_WORK:
			if (found != NULL || !weekly_day_off(c->date))
				diag_error(d, a->file, c->line, "%s is not a weekly day off to "
				    "work instead", iso);
			else
				add_day(&wy->work, &wy->nwork, c->date, xstrdup(c->name));
			break;
		}
	}
}

static struct work_year *
build_year(struct workcal *w, int y, struct diag *d)
{
	struct work_year *wy = xcalloc(1, sizeof(*wy));
	const struct announcement *a = NULL;
	size_t i;

	for (i = 0; i < w->nann; i++)
		if (w->ann[i].year == y)
			a = &w->ann[i];
	wy->year = y;
	law_holidays(wy, a);
	compensatory_days(wy);
	if (a)
		apply(wy, a, d);
	sort_days(wy->off, wy->noff);
	sort_days(wy->work, wy->nwork);
	return wy;
}

const struct work_year *
workcal_year(struct workcal *w, int y)
{
	struct diag ignored = { 0 };

	if (y < FIRST_YEAR || y > LAST_YEAR)
		return NULL;
	if (w->years[y - FIRST_YEAR] == NULL) {
		/* Announcements were checked when loaded. */
		w->years[y - FIRST_YEAR] = build_year(w, y, &ignored);
		diag_free(&ignored);
	}
	return w->years[y - FIRST_YEAR];
}

const char *
workcal_day_off(struct workcal *w, ntm_date day)
{
	const struct work_year *wy;
	struct named_day *found;
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	if ((wy = workcal_year(w, y)) != NULL) {
		if (find_day(wy->work, wy->nwork, day))
			return NULL;
		if ((found = find_day(wy->off, wy->noff, day)) != NULL)
			return found->name;
	}
	if (weekly_day_off(day))
		return date_weekday(day) == WD_SUNDAY ? "Chủ nhật" : "thứ Bảy";
	return NULL;
}

ntm_date
workcal_shift(struct workcal *w, ntm_date day, enum deadline_rule r)
{
	if (r == RULE_NONE)
		return day;
	while (workcal_day_off(w, day))
		day += r == RULE_NEXT ? 1 : -1;
	return day;
}

ntm_date
workcal_shift_due(struct workcal *w, const struct when_period *wp, enum deadline_rule r)
{
	return workcal_shift(w, wp->due, wp->before && r == RULE_NEXT ? RULE_PREVIOUS : r);
}

ntm_date
workcal_add(struct workcal *w, ntm_date day, int n)
{
	while (n-- > 0)
		day = workcal_shift(w, day + 1, RULE_NEXT);
	return day;
}

/* A list of { date = "YYYY-MM-DD"; name = "…"; } or of "YYYY-MM-DD" under key. */
/* An entry of days_off or workdays. */
static const char *const change_keys[] = { "date", "name", NULL };

static void
read_changes(struct announcement *a, config_setting_t *root, const char *key,
    enum change_kind kind, struct diag *d)
{
	config_setting_t *list = config_setting_get_member(root, key), *e;
	const char *iso, *why;
	struct change c;
	int i, y, m, dd;

	if (list == NULL)
		return;
	if (!config_setting_is_list(list) && !config_setting_is_array(list)) {
		diag_error(d, a->file, confutil_line(list), "\"%s\" must be a list", key);
		return;
	}
	for (i = 0; i < config_setting_length(list); i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		memset(&c, 0, sizeof(c));
		c.kind = kind;
		c.line = confutil_line(e);
		if (kind == CHANGE_NOT_OFF) {
			/* libconfig gives a scalar in a list the line of the token after it:
			 * name the list's line and the entry instead. */
			c.line = confutil_line(list);
			c.entry = i;
			iso = config_setting_get_string(e);
		} else if (!config_setting_is_group(e) || confutil_known(a->file, e, key,
		    change_keys, d) > 0 || (c.name = confutil_text(a->file, e, "name", 1, d)) ==
		    NULL) {
			if (!config_setting_is_group(e))
				diag_error(d, a->file, c.line, "%s: each entry is { date = "
				    "\"YYYY-MM-DD\"; name = \"…\"; }", key);
			continue;
		} else if ((why = text_line_problem(c.name)) != NULL) {
			/* a day's name is a line of the calendar, a feed and a mail */
			diag_error(d, a->file, c.line, "%s: name holds %s: it must be one line "
			    "of text", key, why);
			free(c.name);
			continue;
		} else if (config_setting_lookup_string(e, "date", &iso) != CONFIG_TRUE)
			iso = NULL;
		if (iso == NULL || date_parse_iso(iso, &c.date) < 0) {
			diag_error(d, a->file, c.line, "%s: date must be YYYY-MM-DD", key);
			free(c.name);
			continue;
		}
		date_to_ymd(c.date, &y, &m, &dd);
		if (y != a->year) {
			diag_error(d, a->file, c.line, "%s is not in %d", iso, a->year);
			free(c.name);
			continue;
		}
		a->changes = xrealloc(a->changes, (a->nchanges + 1) * sizeof(c));
		a->changes[a->nchanges++] = c;
	}
}

/* A date setting of the year; 0 if absent, -1 (reported) if malformed. */
static int
date_setting(struct announcement *a, config_setting_t *root, const char *key,
    ntm_date *day, struct diag *d)
{
	config_setting_t *s = config_setting_get_member(root, key);
	const char *iso;

	*day = 0;
	if (s == NULL)
		return 0;
	if ((iso = config_setting_get_string(s)) == NULL || date_parse_iso(iso, day) < 0) {
		diag_error(d, a->file, confutil_line(s), "%s must be a date YYYY-MM-DD", key);
		*day = 0;
		return -1;
	}
	return 0;
}

/* The days the labour code leaves to the Prime Minister: where the five Tết days begin
 * (Điều 112 khoản 3) and which day joins Quốc khánh. */
static void
read_chosen_days(struct announcement *a, config_setting_t *root, struct diag *d)
{
	ntm_date tet = lunar_new_year(a->year), sep2 = date_from_ymd(a->year, 9, 2);
	char first[11], last[11];

	if (date_setting(a, root, "tet", &a->tet_first, d) == 0 && a->tet_first &&
	    (a->tet_first < tet - 4 || a->tet_first > tet)) {
		date_iso(tet - 4, first);
		date_iso(tet, last);
		diag_error(d, a->file, confutil_line(config_setting_get_member(root, "tet")),
		    "tet: the first of the five Tết days must hold mùng 1 (%s … %s)", first,
		    last);
		a->tet_first = 0;
	}
	if (date_setting(a, root, "national_day", &a->national_day_pair, d) == 0 &&
	    a->national_day_pair && (a->year < 2021 || (a->national_day_pair != sep2 - 1 &&
	    a->national_day_pair != sep2 + 1))) {
		diag_error(d, a->file, confutil_line(config_setting_get_member(root,
		    "national_day")), "national_day: Quốc khánh's second day is 1/9 or 3/9, "
		    "from 2021 on");
		a->national_day_pair = 0;
	}
}

static int
read_announcement(struct announcement *a, const char *file, struct diag *d)
{
	static const char *known[] = { "year", "source", "tet", "national_day",
	    "days_off", "not_days_off", "workdays", NULL };
	config_setting_t *root;
	size_t before = diag_errors(d);
	int year;
	config_t cf;

	memset(a, 0, sizeof(*a));
	a->file = xstrdup(file);
	if (confutil_read(&cf, file, d) == 0) {
		root = config_root_setting(&cf);
		confutil_known(file, root, NULL, known, d);
		if (config_setting_get_member(root, "year") == NULL)
			diag_error(d, file, 0, "missing \"year = YYYY;\" (whole file)");
		else if (config_setting_lookup_int(root, "year", &year) != CONFIG_TRUE ||
		    year < FIRST_YEAR || year > LAST_YEAR)
			diag_error(d, file, confutil_line(config_setting_get_member(root, "year")),
			    "year must be a whole number %d–%d", FIRST_YEAR, LAST_YEAR);
		else {
			a->year = year;
			a->year_line = confutil_line(config_setting_get_member(root, "year"));
			read_chosen_days(a, root, d);
			read_changes(a, root, "not_days_off", CHANGE_NOT_OFF, d);
			read_changes(a, root, "days_off", CHANGE_OFF, d);
			read_changes(a, root, "workdays", CHANGE_WORK, d);
		}
	}
	config_destroy(&cf);
	return diag_errors(d) > before ? -1 : 0;
}

struct workcal *
workcal_new(void)
{
	return xcalloc(1, sizeof(struct workcal));
}

struct workcal *
workcal_load(char **files, size_t n, struct diag *d)
{
	struct workcal *w = workcal_new();
	size_t before = diag_errors(d), i, j;
	struct announcement *a;

	w->ann = xcalloc(n + 1, sizeof(*w->ann));
	for (i = 0; i < n; i++) {
		a = &w->ann[w->nann++];
		if (read_announcement(a, files[i], d) < 0)
			continue;
		for (j = 0; j + 1 < w->nann; j++)
			if (w->ann[j].year == a->year)
				diag_error(d, files[i], a->year_line, "%d is also announced in %s",
				    a->year, w->ann[j].file);
	}
	/* Check each announcement against the year it changes. */
	for (i = 0; i < w->nann && diag_errors(d) == before; i++)
		if (w->years[w->ann[i].year - FIRST_YEAR] == NULL)
			w->years[w->ann[i].year - FIRST_YEAR] = build_year(w, w->ann[i].year, d);
	if (diag_errors(d) > before) {
		workcal_free(w);
		return NULL;
	}
	return w;
}

static void
free_days(struct named_day *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

void
workcal_free(struct workcal *w)
{
	size_t i, j;

	if (w == NULL)
		return;
	for (i = 0; i < w->nann; i++) {
		for (j = 0; j < w->ann[i].nchanges; j++)
			free(w->ann[i].changes[j].name);
		free(w->ann[i].changes);
		free(w->ann[i].file);
	}
	free(w->ann);
	for (i = 0; i < sizeof(w->years) / sizeof(*w->years); i++) {
		if (w->years[i] == NULL)
			continue;
		free_days(w->years[i]->off, w->years[i]->noff);
		free_days(w->years[i]->work, w->years[i]->nwork);
		free(w->years[i]);
	}
	free(w);
}
