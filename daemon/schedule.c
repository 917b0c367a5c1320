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

/* A weekly campaign: one item from its first day to its last, repeating as rrule says. */
static size_t
campaign(const struct plan *p, const struct plan_task *t, struct occurrence_spec **out)
{
	static const char *const byday[] = { "", "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
	const struct when *w = &t->when;
	struct occurrence_spec *o = *out = xcalloc(1, sizeof(**out));
	char until[11];
	int y, m, d;

	snprintf(o->period, sizeof(o->period), "weekly");
	o->start = o->day = w->periods[0].start;
	o->due = o->due_original = o->latest = o->latest_original = w->periods[w->n - 1].due;
	date_to_ymd(o->due, &y, &m, &d);
	snprintf(until, sizeof(until), "%04d%02d%02d", y, m, d);
	snprintf(o->rrule, sizeof(o->rrule), "FREQ=WEEKLY;BYDAY=%s;UNTIL=%s",
	    byday[w->weekday], until);
	o->uid = xasprintf("%s/%s/%s@ntmd", p->code, t->id, o->period);
	return 1;
}

size_t
schedule_expand(const struct plan *p, const struct plan_task *t, struct workcal *cal,
    struct occurrence_spec **out)
{
	enum deadline_rule rule = p->deadline_rule[t->kind];
	const struct when *w = &t->when;
	size_t i;

	*out = NULL;
	if ((w->kind != WHEN_DATED && w->kind != WHEN_WEEKLY) || w->n == 0)
		return 0;
	if (plan_task_is_campaign(t))
		return campaign(p, t, out);
	*out = xcalloc(w->n, sizeof(**out));
	for (i = 0; i < w->n; i++) {
		struct occurrence_spec *o = &(*out)[i];

		snprintf(o->period, sizeof(o->period), "%s", w->periods[i].key);
		o->start = w->periods[i].start;
		o->due_original = w->periods[i].due;
		o->latest_original = t->latest.n == w->n ? t->latest.periods[i].due :
		    o->due_original;
		o->due = workcal_shift_due(cal, &w->periods[i], rule);
		if (o->due < o->start)	/* "trước ngày 2/1", moved back past the plan's start */
			o->start = o->due;
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
