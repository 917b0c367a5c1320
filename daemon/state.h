#ifndef NTM_STATE_H
#define NTM_STATE_H

#include <sqlite3.h>
#include <time.h>

#include "date.h"

/*
 * Where an item stands at an instant. A deadline is the end of its day in the configured
 * zone: on its due day an item is due today, from the next midnight late, and once its
 * latest day (or, without one, its due day) has passed, overdue.
 */
enum item_state {
	STATE_UPCOMING, STATE_DUE_SOON, STATE_DUE_TODAY, STATE_LATE, STATE_OVERDUE,
	STATE_DONE, STATE_WAIVED, STATE_CANCELLED
};

/* status: open, done, waived or cancelled; due soon = within soon_days of due. */
enum item_state item_state(const char *status, ntm_date due, ntm_date latest, ntm_date today,
    int soon_days);
/* "upcoming", "due_soon", "due_today", "late", "overdue", "done", "waived", "cancelled". */
const char *item_state_name(enum item_state s);

/* SQL item_state(status, due, latest, today, soon_days) → the state's name, for every
 * connection store_open() makes. */
int state_register(sqlite3 *db);
/* Bring the published state of every open deadline (open, late, overdue) up to instant
 * now, raising SEQUENCE where it changes so calendar clients show it. */
int state_refresh(sqlite3 *db, time_t now);
/* The same for the items noted for planning again (table replan) since the last
 * plan of reminders (remind_plan_changed() or a slice): what another writer changed. */
int state_refresh_changed(sqlite3 *db, time_t now);
/* The same for the items the unit directs, leads or supports: what its feed shows. */
int state_refresh_unit(sqlite3 *db, time_t now, sqlite3_int64 unit_id);

#endif
