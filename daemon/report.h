#ifndef NTM_REPORT_H
#define NTM_REPORT_H

#include <sqlite3.h>
#include <time.h>

#include "date.h"
#include "table.h"

/*
 * The statistics of task tracking (QĐ 42/2014/QĐ-TTg): each lead unit's items in four
 * buckets. An item counts when it is dated, not a meeting, due (after the deadline
 * rule) on or before the period's last day, and was not done before its first day;
 * it is judged at the end of the last day, or now if that is earlier. Waived and
 * cancelled items do not count. An item with several lead units counts for each.
 */
enum bucket {
	BUCKET_DONE_ON_TIME,	/* done by the end of its due day */
	BUCKET_DONE_LATE,	/* done after it */
	BUCKET_OPEN_IN_TIME,	/* not done, the end of its due day still ahead */
	BUCKET_OPEN_OVERDUE,	/* not done, its due day passed (a report before its
				 * latest day too) */
	BUCKET_NONE		/* not counted: waived, cancelled */
};
#define NBUCKETS	4

/* How an item stands at instant at: status (open, done, waived, cancelled), the end of
 * its due day (the next midnight), when it was done (if status is done). */
enum bucket report_bucket(const char *status, time_t due_end, time_t done_at, time_t at);
/* "done_on_time", "done_late", "open_in_time", "open_overdue". */
const char *report_bucket_name(enum bucket b);
/* SQL report_bucket(status, due 'YYYY-MM-DD', done_at, at) → the bucket's name, NULL
 * when not counted; for every connection store_open() makes. */
int report_register(sqlite3 *db);

/* What a report covers: every plan, or one; every organisation, or one; every lead
 * unit, or one (0: all). */
struct report_scope {
	sqlite3_int64	 org_id, plan_id, unit_id;
	ntm_date	 from, to;
	time_t		 now;
};

/* The first and last day of the month, quarter, half year ("half") or year ("year")
 * holding today: 0, or -1 for another name. */
int report_period(const char *name, ntm_date today, ntm_date *from, ntm_date *to);

/* One row a lead unit — unit, name, the four buckets, total, on_time_pct (done on time
 * over done on time, done late and open overdue, one decimal; none when that is 0) —
 * and a last row of totals with no unit. 0, or -1 (logged). */
int report_units(sqlite3 *db, const struct report_scope *s, struct table *t);
/* The items counted for one unit (s->unit_id), with the bucket of each. 0 or -1. */
int report_items(sqlite3 *db, const struct report_scope *s, struct table *t);
/* Every open item past its due day (late, or overdue) in the scope's organisation and
 * plan (from and to unused), oldest first, with days past due, leads and supports and
 * the leads' contact. 0 or -1. */
int report_overdue(sqlite3 *db, const struct report_scope *s, struct table *t);
/* Each commune's criteria and indicators reached, of the plans in scope. 0 or -1. */
int report_progress(sqlite3 *db, const struct report_scope *s, struct table *t);
/* Each commune's targets: criteria to reach, by when, state. 0 or -1. */
int report_targets(sqlite3 *db, const struct report_scope *s, struct table *t);
/* Which unit answers for which criterion, lead or support. 0 or -1. */
int report_assignments(sqlite3 *db, const struct report_scope *s, struct table *t);

/* The meetings and deadlines of the next 30 days (from today). 0 or -1. */
int report_calendar(sqlite3 *db, const struct report_scope *s, struct table *t);
/* The assignments of one plan (s->plan_id) as a matrix: a row a criterion, a column a
 * unit, each cell the unit's role. 0 or -1. */
int report_matrix(sqlite3 *db, const struct report_scope *s, struct table *t);

#endif
