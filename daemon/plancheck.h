#ifndef NTM_PLANCHECK_H
#define NTM_PLANCHECK_H

#include "diag.h"
#include "plan.h"

/* What the "6 rõ" principle (rõ người, rõ việc, rõ thời gian, rõ trách nhiệm, rõ sản
 * phẩm, rõ thẩm quyền) finds missing in a plan's tasks: counts of tasks lacking each. */
struct six_clear {
	size_t	tasks, complete;
	size_t	no_lead, many_leads, no_address, no_date, no_product, no_authority;
};

/* Warn ("file:line: warning: …") for each task of p that lacks something, and count. */
void plancheck_six_clear(const struct plan *p, struct six_clear *s, struct diag *d);

#endif
