#ifndef NTM_WORKDAY_H
#define NTM_WORKDAY_H

#include <stddef.h>

#include "date.h"
#include "diag.h"
#include "when.h"

/*
 * The administrative calendar: weekly days off, the public holidays of the labour code
 * in force (Bộ luật Lao động 2019 Điều 112 and its predecessors), their compensatory
 * days, and what each year's announcement changes (holiday files).
 */

/* What a deadline that ends on a day off does (Bộ luật Dân sự 2015 Điều 148 khoản 5). */
enum deadline_rule { RULE_NEXT, RULE_PREVIOUS, RULE_NONE };

struct named_day {
	ntm_date	 date;
	char		*name;
};

/* One year: its named days off (holidays, compensatory and announced days) and its
 * make-up working days, each in date order. */
struct work_year {
	int			 year;
	struct named_day	*off, *work;
	size_t			 noff, nwork;
};

/* The calendar with the overrides of the holiday files; years computed as asked. */
struct workcal;

/* Read the holiday files (one year each). NULL with every problem in *d. */
struct workcal *workcal_load(char **files, size_t n, struct diag *d);
/* The law alone, without announcements (tests, and when no file is installed). */
struct workcal *workcal_new(void);
void workcal_free(struct workcal *w);

/* Year y after its overrides; NULL outside 1800 … 2199. */
const struct work_year *workcal_year(struct workcal *w, int y);
/* NULL on a working day, else why the day is off ("Chủ nhật", "Quốc khánh (2/9)"). */
const char *workcal_day_off(struct workcal *w, ntm_date day);
/* Where a deadline on day ends under rule r. */
ntm_date workcal_shift(struct workcal *w, ntm_date day, enum deadline_rule r);
/* Where period wp's deadline ends under rule r: one that must come before a day ("trước
 * 15/3", "trước Tết") never moves onto that day or past it, but back. */
ntm_date workcal_shift_due(struct workcal *w, const struct when_period *wp,
    enum deadline_rule r);

/* The n-th working day after day (n ≥ 1); day itself for n = 0. */
ntm_date workcal_add(struct workcal *w, ntm_date day, int n);
/* "next", "previous", "none"; -1 for anything else. */
int deadline_rule_parse(const char *s, enum deadline_rule *r);
const char *deadline_rule_name(enum deadline_rule r);

#endif
