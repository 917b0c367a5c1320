#ifndef NTM_MEETING_H
#define NTM_MEETING_H

#include <sqlite3.h>
#include <time.h>

#include "date.h"
#include "diag.h"
#include "plan.h"
#include "workday.h"

/* A meeting's day, hours and place, as a coordinator sets them (ntmctl schedule, the
 * desk), or its cancelling. */
struct meeting_set {
	ntm_date	 day;
	int		 start, end;	/* minutes after midnight; end < 0: start + 2 hours */
	const char	*place, *note;	/* NULL: none */
	int		 cancel;	/* cancel the meeting (day, hours, place unused) */
	int		 force;		/* on a day off or outside the item's period anyway */
	const char	*actor;		/* the account's login or the operator's user name */
	const char	*remote;	/* the client's address; NULL when not over HTTP */
	time_t		 now;
};

enum meeting_result {
	MEETING_SET,		/* set or moved: SEQUENCE raised, invitations queued */
	MEETING_CANCELLED,	/* cancelled: the same */
	MEETING_NO_ITEM,	/* no such item */
	MEETING_NOT_MEETING,	/* the item is a deadline or a report, not a meeting */
	MEETING_CLOSED,		/* done, waived, left the plan, or cancelled already */
	MEETING_BAD_HOURS,	/* the end is not after the start, or past midnight */
	MEETING_DAY_OFF,	/* a day off, not forced: out->day_off says which */
	MEETING_OUTSIDE,	/* outside the item's period, not forced: out->from..to */
	MEETING_FAILED		/* the database failed (logged): nothing changed */
};

struct meeting_outcome {
	char		 day_off[128];	/* MEETING_DAY_OFF: why the day is off */
	ntm_date	 from, to;	/* MEETING_OUTSIDE: the item's period */
	int		 sequence;	/* the item's SEQUENCE now */
	int		 invited;	/* units an invitation is queued for */
	char		 status[16];	/* MEETING_CLOSED: the item's status */
};

/* Set, move or cancel meeting item's schedule in one transaction of its own: the
 * schedule kept apart from the plan, the item's day (tentative no more) or status, its
 * SEQUENCE raised, an invitation ("invite-SEQUENCE") queued in the outbox for every
 * unit with an address that directs, leads or supports it (members of a group for the
 * group), and an audit row. cal (NULL: no day is off) checks the day. */
enum meeting_result meeting_set(sqlite3 *db, struct workcal *cal, sqlite3_int64 item,
    const struct meeting_set *m, struct meeting_outcome *out);

/* A meeting item's schedule as kept. */
struct meeting_row {
	ntm_date	 day;
	int		 start, end;	/* minutes after midnight; -1 when never set */
	int		 cancelled;
	char		*place, *note;	/* "" when none */
};

/* 1 with *r (free with meeting_row_free()), 0 if the item has no schedule, -1 on an
 * error. */
int meeting_load(sqlite3 *db, sqlite3_int64 item, struct meeting_row *r);
void meeting_row_free(struct meeting_row *r);

/* The longest place and note, in characters (a form's maxlength). */
#define MEETING_PLACE_MAX	200
#define MEETING_NOTE_MAX	2000

/* Whether s may stand as a place or note: UTF-8, at most max characters, no control
 * characters but line ends in a note (multiline). */
int meeting_text_ok(const char *s, size_t max, int multiline);
/* "08:00" or "8:00" into minutes after midnight; -1 if it is not a time of day. */
int meeting_parse_time(const char *s);
/* "08:00". */
void meeting_hhmm(int minutes, char out[8]);
/* "8 giờ 00" (out: at least 16 bytes). */
void meeting_hour_vn(int minutes, char *out);
/* "8 giờ 00, thứ Năm, 15/03/2018" (allocated). */
char *meeting_when_vn(ntm_date day, int minutes);

/* For a sync: the schedule of an item the plan changed (not dropped) applied again to
 * its row, which the plan's values just replaced. 0 or -1. */
int meeting_reapply(sqlite3 *db, sqlite3_int64 item);
/* For a sync that rewrote scheduled item with the plan's values: the schedule applied
 * again while its day is within the item's start..due (or it was forced, or is a
 * cancel); else dropped as below. 0 or -1. */
int meeting_resync(sqlite3 *db, sqlite3_int64 item, ntm_date start, ntm_date due,
    time_t now);
/* For a sync, after the items of plan that left it were cancelled: the schedules set on
 * them dropped, each logged as a warning and audited, its units told that the meeting
 * is off unless it is over (done, or its day passed). How many, or -1. */
int meeting_drop_left(sqlite3 *db, sqlite3_int64 plan, time_t now);
/* For ntmctl check: a warning at the task's line for each schedule in db of plan p
 * (by code) that loading p would drop (the plan no longer has the meeting's period),
 * and for each dropped in the last 30 days. */
void meeting_check_plan(sqlite3 *db, const struct plan *p, time_t now, struct diag *d);

#endif
