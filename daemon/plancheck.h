#ifndef NTM_PLANCHECK_H
#define NTM_PLANCHECK_H

#include "diag.h"
#include "plan.h"

/* What the "6 rõ" principle (rõ người, rõ việc, rõ thời gian, rõ trách nhiệm, rõ sản
 * phẩm, rõ thẩm quyền) finds missing in a plan's tasks: counts of tasks lacking each. */
struct six_clear {
	size_t	tasks, complete;
	size_t	no_lead, many_leads, no_address, no_date, no_product, no_authority;
	size_t	unreached;	/* tasks plancheck_unreached() describes */
};

/* For a task ntmd reminds of (a dated deadline or report) none of whose lead units has
 * an address of its own: what becomes of its reminders ("no lead unit has an address;
 * its reminders go to the coordination unit vpdp"), allocated. NULL when a lead unit
 * has an address or there is nothing to remind of. */
char *plancheck_unreached(const struct plan *p, const struct plan_task *t);

/* Warn ("file:line: warning: …") for each task of p that lacks something, and count. */
void plancheck_six_clear(const struct plan *p, struct six_clear *s, struct diag *d);

#endif
