/*
 * The "6 rõ" check: every task should say who (a unit or person with an address), what,
 * when (a date), which one unit answers for it, what it produces, and under whose
 * authority (Kết luận 226-KL/TW, QĐ 2179/QĐ-TTg). Missing pieces are warnings: a
 * plan as signed is still a plan, but the coordinator should know where it is vague.
 */
#include <stdlib.h>
#include <string.h>

#include "plancheck.h"
#include "xalloc.h"

/* A unit can be written to: its own address, or a named officer of it who has one. */
static int
reachable(const struct plan *p, size_t unit)
{
	size_t i;

	if (p->units[unit].nemails > 0)
		return 1;
	for (i = 0; i < p->npeople; i++)
		if (p->people[i].unit == unit && p->people[i].nemails > 0)
			return 1;
	return 0;
}

/* The units of t nobody can be written to, "; "-joined, or NULL. */
static char *
unreachable(const struct plan *p, const struct plan_task *t)
{
	size_t seen[3 * 64], nseen = 0, i, j;
	struct buf b = { 0 };
	int r;

	for (r = 0; r < NROLES; r++)
		for (i = 0; i < t->nunits[r]; i++) {
			size_t u = t->units[r][i];

			for (j = 0; j < nseen && seen[j] != u; j++)
				;
			if (j < nseen)
				continue;	/* a unit in two roles is named once */
			if (nseen < sizeof(seen) / sizeof(*seen))
				seen[nseen++] = u;
			if (!reachable(p, u))
				buf_printf(&b, "%s%s", b.len ? "; " : "", p->units[u].name);
		}
	return b.len ? buf_steal(&b) : NULL;
}

/* The codes of p's coordination units that have an address, ", "-joined, or NULL;
 * *any set if p has a coordination unit at all. */
static char *
coordinators(const struct plan *p, int *any)
{
	struct buf b = { 0 };
	size_t i;

	*any = 0;
	for (i = 0; i < p->nunits; i++) {
		if (!p->units[i].coordinator)
			continue;
		*any = 1;
		if (p->units[i].nemails > 0)
			buf_printf(&b, "%s%s", b.len ? ", " : "", p->units[i].code);
	}
	return b.len ? buf_steal(&b) : NULL;
}

/* As remind.c sends them: reminders go to the lead units' own addresses, not their
 * officers', else to the coordination units; meetings have none (they are in the feeds
 * of the units they name). Only the plan's own coordination units are seen here; remind.c
 * would also find one that only another plan of the same organisation names. */
char *
plancheck_unreached(const struct plan *p, const struct plan_task *t)
{
	const char *why = t->nunits[ROLE_LEAD] ? "no lead unit has an address" :
	    "no lead unit";
	char *to, *s;
	size_t i;
	int any;

	if (t->kind == TASK_MEETING || plan_task_is_campaign(t) || t->when.n == 0)
		return NULL;
	for (i = 0; i < t->nunits[ROLE_LEAD]; i++)
		if (p->units[t->units[ROLE_LEAD][i]].nemails > 0)
			return NULL;
	if ((to = coordinators(p, &any)) != NULL)
		s = xasprintf("%s; its reminders go to the coordination unit%s %s", why,
		    strchr(to, ',') ? "s" : "", to);
	else
		s = xasprintf("%s; %s: nobody is reminded", why, any ? "the coordination "
		    "unit has no address either" : "no coordination unit either");
	free(to);
	return s;
}

void
plancheck_six_clear(const struct plan *p, struct six_clear *s, struct diag *d)
{
	size_t i, before;
	char *who;

	for (i = 0; i < p->ntasks; i++) {
		const struct plan_task *t = &p->tasks[i];

		s->tasks++;
		before = d->nwarn;
		if (t->nunits[ROLE_LEAD] == 0) {
			diag_warning(d, p->file, t->line, "task %s: no lead unit (rõ trách nhiệm)",
			    t->id);
			s->no_lead++;
		} else if (t->nunits[ROLE_LEAD] > 1) {
			diag_warning(d, p->file, t->line, "task %s: %zu lead units; one unit should "
			    "answer for it (rõ trách nhiệm)", t->id, t->nunits[ROLE_LEAD]);
			s->many_leads++;
		}
		if ((who = unreachable(p, t)) != NULL) {
			diag_warning(d, p->file, t->line, "task %s: no address for %s (rõ người)",
			    t->id, who);
			s->no_address++;
			free(who);
		}
		if ((who = plancheck_unreached(p, t)) != NULL) {
			diag_warning(d, p->file, t->line, "task %s: %s (rõ người)", t->id, who);
			s->unreached++;
			free(who);
		}
		/* a day of every week is as clear as a date; "hàng tuần" alone is not */
		if (t->when.kind != WHEN_DATED && !(t->when.kind == WHEN_WEEKLY &&
		    t->when.weekday)) {
			diag_warning(d, p->file, t->line, "task %s: no dated time: \"%s\" "
			    "(rõ thời gian)", t->id, *t->when_text ? t->when_text : "(none)");
			s->no_date++;
		}
		if (t->product == NULL) {
			diag_warning(d, p->file, t->line, "task %s: no expected product "
			    "(rõ sản phẩm)", t->id);
			s->no_product++;
		}
		if (t->nunits[ROLE_DIRECT] == 0) {
			diag_warning(d, p->file, t->line, "task %s: no directing authority "
			    "(rõ thẩm quyền)", t->id);
			s->no_authority++;
		}
		s->complete += d->nwarn == before;
	}
}
