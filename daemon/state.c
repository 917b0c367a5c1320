/* The states of an item at an instant, in C and in SQL. */
#include <string.h>

#include "state.h"
#include "store.h"

static const char *names[] = { "upcoming", "due_soon", "due_today", "late", "overdue",
	"done", "waived", "cancelled" };

enum item_state
item_state(const char *status, ntm_date due, ntm_date latest, ntm_date today, int soon_days)
{
	if (!strcmp(status, "done"))
		return STATE_DONE;
	if (!strcmp(status, "waived"))
		return STATE_WAIVED;
	if (!strcmp(status, "cancelled"))
		return STATE_CANCELLED;
	if (today > latest && today > due)
		return STATE_OVERDUE;
	if (today > due)
		return STATE_LATE;
	if (today == due)
		return STATE_DUE_TODAY;
	return today >= due - soon_days ? STATE_DUE_SOON : STATE_UPCOMING;
}

const char *
item_state_name(enum item_state s)
{
	return names[s];
}

static int
arg_date(sqlite3_value *v, ntm_date *day)
{
	const unsigned char *s = sqlite3_value_text(v);

	return s == NULL ? -1 : date_parse_iso((const char *)s, day);
}

static void
sql_item_state(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *status = sqlite3_value_text(argv[0]);
	ntm_date due, latest, today;

	(void)argc;
	if (status == NULL || arg_date(argv[1], &due) < 0 || arg_date(argv[3], &today) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_date(argv[2], &latest) < 0)
		latest = due;
	sqlite3_result_text(ctx, names[item_state((const char *)status, due, latest, today,
	    sqlite3_value_int(argv[4]))], -1, SQLITE_STATIC);
}

int
state_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "item_state", 5, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	    NULL, sql_item_state, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

#define REFRESH "UPDATE occurrence SET shown_state = s.state, sequence = sequence + 1, " \
	"changed_at = ?2 FROM (SELECT o.id, CASE item_state(o.status, o.due, o.latest, ?1, 0) " \
	"WHEN 'late' THEN 'late' WHEN 'overdue' THEN 'overdue' ELSE 'open' END AS state " \
	"FROM occurrence o JOIN task t ON t.id = o.task_id " \
	"WHERE o.status = 'open' AND " STORE_HAS_DEADLINE

static int
refresh(sqlite3 *db, const char *sql, time_t now, sqlite3_int64 unit_id)
{
	sqlite3_stmt *st = store_stmt(db, sql);
	char today[11];

	date_iso(date_of(now), today);
	sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if (unit_id > 0)
		sqlite3_bind_int64(st, 3, unit_id);
	return store_step_done(db, st);
}

int
state_refresh(sqlite3 *db, time_t now)
{
	return refresh(db, REFRESH ") AS s WHERE occurrence.id = s.id AND "
	    "occurrence.shown_state != s.state", now, 0);
}

int
state_refresh_changed(sqlite3 *db, time_t now)
{
	return refresh(db, REFRESH " AND o.id IN (SELECT occurrence_id FROM replan)) AS s "
	    "WHERE occurrence.id = s.id AND occurrence.shown_state != s.state", now, 0);
}

int
state_refresh_unit(sqlite3 *db, time_t now, sqlite3_int64 unit_id)
{
	return refresh(db, REFRESH " AND o.task_id IN (" STORE_UNIT_TASKS("?3") ")) AS s "
	    "WHERE occurrence.id = s.id AND occurrence.shown_state != s.state", now, unit_id);
}
