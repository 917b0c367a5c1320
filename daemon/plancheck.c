/*
 * The "6 rõ" check: every task should say who (a unit or person with an address), what,
 * when (a date), which one unit answers for it, what it produces, and under whose
 * authority (Kết luận 226-KL/TW, QĐ 2179/QĐ-TTg). Missing pieces are warnings: a
 * plan as signed is still a plan, but the coordinator should know where it is vague.
 */
#include <stdlib.h>

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
		if (t->when.kind != WHEN_DATED) {
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
