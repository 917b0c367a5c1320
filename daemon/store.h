#ifndef NTM_STORE_H
#define NTM_STORE_H

#include <sqlite3.h>

/* SQL for the names of task t's units in a role ('direct', 'lead', 'support'), "; "-joined. */
/* The tasks unit u (an SQL expression) directs, leads or supports, itself or through
 * a group it belongs to, and, for a coordination unit, those of its organisation's
 * plans no lead of which has an address: what the unit's feed shows. */
#define STORE_UNIT_TASKS(u) "SELECT task_id FROM task_unit WHERE unit_id = " u " UNION " \
	"SELECT tu.task_id FROM unit_group g JOIN task_unit tu ON tu.unit_id = g.group_id " \
	"WHERE g.member_id = " u " UNION " \
	"SELECT t.id FROM unit c JOIN plan p ON p.org_id = c.org_id " \
	"JOIN task t ON t.plan_id = p.id WHERE c.id = " u " AND c.coordinator AND NOT EXISTS " \
	"(SELECT 1 FROM task_unit l JOIN unit_email e ON e.unit_id = l.unit_id " \
	"WHERE l.task_id = t.id AND l.role = 'lead')"

/* Occurrence o of task t has a deadline: not a meeting, not a weekly campaign. */
#define STORE_HAS_DEADLINE "t.kind != 'meeting' AND o.rrule IS NULL"

#define STORE_ROLE_NAMES(role) "(SELECT group_concat(u.name, '; ') FROM task_unit tu " \
	"JOIN unit u ON u.id = tu.unit_id WHERE tu.task_id = t.id AND tu.role = '" role "')"

/* Open (creating if needed) the SQLite database at path, in WAL mode with
 * synchronous=FULL, and apply every pending migration. NULL with *err (allocated). */
sqlite3 *store_open(const char *path, char **err);
void store_close(sqlite3 *db);
/* The last error of db for a log or a person: SQLite's own words, but a lock that
 * outlasted the busy timeout is told as the wait it is. */
const char *store_error(sqlite3 *db);
/* Run SQL (no results); -1 with the error logged. */
int store_exec(sqlite3 *db, const char *sql);
/* Prepare SQL; finalize the result. NULL (logged) on failure: SQLite's functions take a
 * NULL statement, and sqlite3_step() then returns SQLITE_MISUSE, an error like any other. */
sqlite3_stmt *store_prepare(sqlite3 *db, const char *sql);
/* The statement for sql (a string that lives as long as the program: it is found by its
 * address), prepared once per connection and kept until store_close(); reset, bindings
 * cleared. NULL (logged) if it cannot be prepared. Do not finalize it. */
sqlite3_stmt *store_stmt(sqlite3 *db, const char *sql);
/* Step a statement that returns no rows and reset it: 0, or -1 with its error left in
 * db, not logged (the caller says what failed, and rolls back). */
int store_step(sqlite3_stmt *st);
/* After a failure: end the transaction if SQLite has not ended it itself (logged if
 * even that fails). */
void store_rollback(sqlite3 *db);
/* Step a statement that returns no rows wanted and reset it: 0, or -1 logged. */
int store_step_done(sqlite3 *db, sqlite3_stmt *st);
/* Whether another connection changed the database since the last call (PRAGMA data_version). */
int store_changed_elsewhere(sqlite3 *db);
/* The installation's secret (32 random bytes, hex), created on first use. Allocated;
 * NULL (logged) when it can be neither read nor made. */
char *store_secret(sqlite3 *db);
/* Record who changed what in the audit table; -1 (logged) on failure, which should undo
 * the change it records. */
int store_audit(sqlite3 *db, long long at, const char *actor, const char *action,
    const char *detail);
/* The first column of sql's first row (a string that lives as long as the program, as
 * for store_stmt()); 0 if there is no row, -1 on an error. */
sqlite3_int64 store_int(sqlite3 *db, const char *sql);
/* The audit id of the latest load of the calendars (0 if none, -1 on an error): it
 * changes with every sync, whoever ran it. */
sqlite3_int64 store_last_sync(sqlite3 *db);
/* The schema version the database is at. */
int store_version(sqlite3 *db);

#endif
