#ifndef NTM_LUNAR_H
#define NTM_LUNAR_H

#include "date.h"

/*
 * The Vietnamese lunar calendar (âm lịch), computed from the Moon and the Sun at UTC+7,
 * the meridian Vietnam has reckoned it on since 1968. The Chinese calendar is reckoned at
 * UTC+8, so a table of it is wrong for Vietnam in some years (Tết 1968, 1985, 2007, 2030).
 */
struct lunar_date {
	int	year;		/* the lunar year, numbered by the Gregorian year of its Tết */
	int	month;		/* 1 … 12 */
	int	day;		/* 1 … 30 */
	int	leap;		/* 1 in a leap month (tháng nhuận) */
};

/* The lunar date of a day, for days from 1800 to 2199. */
void lunar_from_date(ntm_date day, struct lunar_date *out);
/* The day of a lunar date; -1 if there is no such day (a 30th of a short month, or a leap
 * month the year does not have). */
int lunar_to_date(const struct lunar_date *l, ntm_date *day);
/* Tết Nguyên đán: the first day of lunar year y. */
ntm_date lunar_new_year(int y);

#endif
