/* Tasks into occurrences: one per dated period of the task's time expression. */
#include <stdio.h>
#include <stdlib.h>

#include "schedule.h"
#include "xalloc.h"

size_t
schedule_expand(const struct plan *p, const struct plan_task *t,
    struct occurrence_spec **out)
{
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
		o->due = w->periods[i].due;
		o->latest = t->latest.n == w->n ? t->latest.periods[i].due : o->due;
		/* DESIGN § Time: "Tháng 3" for a meeting is a placeholder until it is set. */
		o->tentative = t->kind == TASK_MEETING;
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

ntm_date
schedule_placeholder_day(ntm_date start)
{
	return date_next_weekday(start);
}
