/* Tasks into occurrences: one per dated period of the task's time expression. */
#include <stdio.h>
#include <stdlib.h>

#include "schedule.h"
#include "xalloc.h"

/* DESIGN § Time: "Tháng 3" for a meeting is a placeholder on the period's first working
 * day until it is set; a meeting on a given day stays there, flagged if the day is off. */
static void
place_meeting(struct occurrence_spec *o, const struct when_period *wp, struct workcal *cal)
{
	o->tentative = !when_period_is_day(wp);
	if (o->tentative)
		o->day = workcal_shift(cal, o->start, RULE_NEXT);
	else {
		o->start = o->day = o->due;
		o->day_off = workcal_day_off(cal, o->day);
	}
}

size_t
schedule_expand(const struct plan *p, const struct plan_task *t, struct workcal *cal,
    struct occurrence_spec **out)
{
	enum deadline_rule rule = p->deadline_rule[t->kind];
	const struct when *w = &t->when;
	size_t i;

	*out = NULL;
	if (w->kind != WHEN_DATED || w->n == 0)
		return 0;
	*out = xcalloc(w->n, sizeof(**out));
	for (i = 0; i < w->n; i++) {
		struct occurrence_spec *o = &(*out)[i];

		snprintf(o->period, sizeof(o->period), "%s", w->periods[i].key);
		o->start = w->periods[i].start;
		o->due_original = w->periods[i].due;
		o->latest_original = t->latest.n == w->n ? t->latest.periods[i].due :
		    o->due_original;
		o->due = workcal_shift_due(cal, &w->periods[i], rule);
		o->latest = t->latest.n == w->n ? workcal_shift_due(cal, &t->latest.periods[i],
		    rule) : o->due;
		o->day = o->due;
		if (t->kind == TASK_MEETING)
			place_meeting(o, &w->periods[i], cal);
		o->uid = xasprintf("%s/%s/%s@ntmd", p->code, t->id, o->period);
	}
	return w->n;
}

void
schedule_free(struct occurrence_spec *occ, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(occ[i].uid);
	free(occ);
}
