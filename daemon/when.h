#ifndef NTM_WHEN_H
#define NTM_WHEN_H

#include <stddef.h>

#include "date.h"

/* What a plan's "Thời gian" text says. */
enum when_kind {
	WHEN_DATED,		/* one or more dated periods */
	WHEN_CONTINUOUS,	/* "Thường xuyên": ongoing, nothing to remind of */
	WHEN_UNSCHEDULED,	/* "Theo thời gian thích hợp", "Theo đề xuất của …" */
	WHEN_REGIME,		/* "Định kỳ theo quy định …": the plan's reporting regime */
	WHEN_WEEKLY,		/* "vào thứ 7 hàng tuần": each such day of the year, or
				 * ("hàng tuần") no day named and no dates */
	WHEN_ERROR
};

/* One dated period: work from start, due at the end of due. */
struct when_period {
	ntm_date start, due;
	int	 before;	/* "trước D": due is the day before D, and a deadline rule
				 * may move it back, never onto D or past it */
	char	 key[40];	/* stable name of the period: "2018-03", "2018-07..2018-08" */
};

struct when {
	enum when_kind		 kind;
	size_t			 n;
	struct when_period	*periods;	/* n periods, in time order */
	int			 weekday;	/* WHEN_WEEKLY: 1 Monday … 7 Sunday; 0 none */
	char			*error;		/* what is wrong, when kind == WHEN_ERROR */
};

/* Read text as of plan year `year`; forms that give only a deadline start at
 * `plan_start`. Always fills *w (kind WHEN_ERROR with w->error on failure) and returns
 * 0, or -1 on error. Free with when_free(). */
int when_parse(const char *text, int year, ntm_date plan_start, struct when *w);
void when_free(struct when *w);
/* Whether a period names one day ("ngày 02/9/2024"), not a month, quarter or span. */
int when_period_is_day(const struct when_period *wp);
/* "dated", "continuous", "unscheduled", "regime", "weekly", "error". */
const char *when_kind_name(enum when_kind kind);

#endif
