#ifndef NTM_SYNC_H
#define NTM_SYNC_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>

#include "catalog.h"
#include "config.h"
#include "diag.h"
#include "plan.h"
#include "workday.h"

struct sync_stats {
	size_t	plans, units, tasks;
	size_t	occ_total, occ_new, occ_changed, occ_cancelled;
};

/* Read every catalog and calendar the config names; all problems go to *d. Returns the
 * number of plans in *plans (allocated; free with sync_free_plans), or -1 if any file is
 * bad. The catalogs go to *cats unless it is NULL (free with catalogs_free). */
int sync_load_plans(const struct config *c, struct plan ***plans, struct catalogs *cats,
    struct diag *d);
void sync_free_plans(struct plan **plans, size_t n);
/* The working-day calendar with the config's holiday files (the installed ones when c is
 * NULL); NULL with the problems in *d. */
struct workcal *sync_load_workcal(const struct config *c, struct diag *d);
/* Load the config's calendars into db in one transaction at instant now. On any error
 * returns -1 with problems in *d, and the database is exactly as it was. On success the
 * working-day calendar the plans were scheduled with goes to *cal unless cal is NULL
 * (free with workcal_free). */
int sync_calendars(sqlite3 *db, const struct config *c, time_t now, struct sync_stats *st,
    struct workcal **cal, struct diag *d);

#endif
