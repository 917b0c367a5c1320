#ifndef NTM_TOKEN_H
#define NTM_TOKEN_H

#include <sqlite3.h>
#include <time.h>

/* The secret token of a unit's feed URL (32 hex digits), created on first use. It is
 * derived from the installation secret, so it can be shown again; the database keeps
 * only its SHA-256. Allocated; NULL on a database error. */
char *token_for_unit(sqlite3 *db, sqlite3_int64 unit_id, time_t now);
/* A new token for the unit's feed (its generation raised), which replaces the one
 * before at once: the old URL opens nothing. Allocated; NULL on a database error. */
char *token_rotate(sqlite3 *db, sqlite3_int64 unit_id, time_t now);
/* The unit whose feed token is `token`, or -1. */
sqlite3_int64 token_lookup(sqlite3 *db, const char *token);
/* The same for a plan's own feed, everything in the plan. */
char *token_for_plan(sqlite3 *db, sqlite3_int64 plan_id, time_t now);
char *token_rotate_plan(sqlite3 *db, sqlite3_int64 plan_id, time_t now);
sqlite3_int64 token_lookup_plan(sqlite3 *db, const char *token);
/* Lower-case hex SHA-256 of n bytes into out[65]. */
void token_sha256_hex(const void *data, size_t n, char out[65]);

#endif
