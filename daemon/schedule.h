#ifndef NTM_SCHEDULE_H
#define NTM_SCHEDULE_H

#include <stddef.h>

#include "plan.h"

/* One dated instance of a task, as it is stored. */
struct occurrence_spec {
	char		 period[40];	/* the period's key: "2018-03" */
	ntm_date	 start, due;
	ntm_date	 latest;	/* the latest day, or due when the plan gives none */
	int		 tentative;	/* a meeting whose day is not set yet */
	char		*uid;		/* stable, never reused: plan/task/period@ntmd */
};

/* Expand a task of plan p into its occurrences (none for continuous, unscheduled and
 * regime tasks). Returns the count; *out allocated, free with schedule_free(). */
size_t schedule_expand(const struct plan *p, const struct plan_task *t,
    struct occurrence_spec **out);
void schedule_free(struct occurrence_spec *occ, size_t n);
/* The day a tentative meeting is shown on: the first working day of its period. */
ntm_date schedule_placeholder_day(ntm_date start);

#endif
