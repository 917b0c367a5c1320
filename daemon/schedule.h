#ifndef NTM_SCHEDULE_H
#define NTM_SCHEDULE_H

#include <stddef.h>

#include "plan.h"
#include "workday.h"

/* One dated instance of a task, as it is stored. */
struct occurrence_spec {
	char		 period[40];	/* the period's key: "2018-03" */
	ntm_date	 start;
	ntm_date	 due, latest;	/* after the deadline rule; latest = due if none given */
	ntm_date	 due_original, latest_original;	/* as the plan gives them */
	ntm_date	 day;		/* the day a calendar shows it on */
	const char	*day_off;	/* a meeting set on a day off: why it is off */
	int		 tentative;	/* a meeting whose day is not set yet */
	char		 rrule[64];	/* a weekly campaign, one item: its RFC 5545 RRULE
					 * ("FREQ=WEEKLY;BYDAY=SA;UNTIL=20231230"); else "" */
	char		*uid;		/* stable, never reused: plan/task/period@ntmd */
};

/* Expand a task of plan p into its occurrences (none for continuous, unscheduled and
 * regime tasks, one for a weekly campaign: plan_task_is_campaign()), deadlines moved
 * off days off by the plan's rule (Bộ luật Dân sự 2015 Điều 148 khoản 5). Returns the
 * count; *out allocated, free with schedule_free(). */
size_t schedule_expand(const struct plan *p, const struct plan_task *t, struct workcal *cal,
    struct occurrence_spec **out);
void schedule_free(struct occurrence_spec *occ, size_t n);

#endif
