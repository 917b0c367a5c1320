#ifndef NTM_ACCOUNT_H
#define NTM_ACCOUNT_H

#include <sqlite3.h>
#include <time.h>

/*
 * The desk's accounts: one a person, each of a unit, which decides the organisation
 * whose plans it sees. Passwords are kept as Argon2id hashes (libargon2's encoded
 * form, salt and parameters inside); sessions by the SHA-256 of their cookie, never the
 * cookie itself; failed sign-ins are counted per account and per address.
 */

#define ACCOUNT_LOGIN_MAX	64	/* bytes of a login: [a-z0-9._-], starting a-z0-9 */
#define ACCOUNT_PASSWORD_MIN	10	/* characters */
#define ACCOUNT_PASSWORD_MAX	256	/* bytes */
#define SESSION_SECONDS		(12 * 3600)	/* a session ends 12 hours after sign-in */

struct account {
	sqlite3_int64	 id, unit_id, org_id;
	char		*login, *unit_code, *unit_name, *org_code, *org_name;
};

void account_free(struct account *a);

/* Whether login is a well-formed login (see ACCOUNT_LOGIN_MAX). */
int account_login_ok(const char *login);
/* NULL if password is acceptable, else why not (English, for ntmctl). */
const char *account_password_problem(const char *password);

/* The Argon2id hash of password, encoded; allocated, NULL (logged) on failure. Slow
 * on purpose (tens of milliseconds): never call it from ntmd's loop. */
char *account_hash(const char *password);
/* Whether password matches the encoded hash: 1, 0, or -1 for a malformed hash. Slow. */
int account_verify(const char *encoded, const char *password);
/* A hash of no password, to verify against when the login is unknown, so that the
 * answer takes as long as for a known one. Computed once; lives as long as the program. */
const char *account_dummy_hash(void);

/* Add an account: 0; 1 if the login is taken; -1 (logged) on a database error. */
int account_add(sqlite3 *db, const char *login, sqlite3_int64 unit, const char *hash,
    time_t now);
/* Delete an account and end its sessions: 0; 1 if there is none; -1 on an error. */
int account_del(sqlite3 *db, const char *login);
/* The account of login: 1 with *a and, if hash is not NULL, *hash (allocated); 0 if
 * there is none; -1 (logged) on an error. */
int account_find(sqlite3 *db, const char *login, struct account *a, char **hash);

/* A new session for the account: 0 with the cookie's value and the session's
 * anti-forgery token (64 hex digits each); -1 (logged) on an error. Also deletes the
 * sessions that have expired. */
int session_start(sqlite3 *db, sqlite3_int64 account, time_t now, char cookie[65],
    char csrf[65]);
/* The session of a cookie, if it has not expired: 1 with *a and csrf; 0 if none; -1
 * (logged) on an error. Reads only. */
int session_find(sqlite3 *db, const char *cookie, time_t now, struct account *a,
    char csrf[65]);
/* End the session of a cookie (signing out): 0, or -1 (logged). */
int session_end(sqlite3 *db, const char *cookie);

/* Seconds before another sign-in may be tried for this login or from this address:
 * the first 5 failures in a row for a login (20 from an address, which an office
 * behind one proxy shares) cost nothing, then each doubles the wait, from 2 s up to 15
 * minutes; 0 when one may try now. -1 (logged) on an error. */
long signin_wait(sqlite3 *db, const char *login, const char *remote, time_t now);
/* Record a failed sign-in for both the login and the address: 0 or -1. */
int signin_failed(sqlite3 *db, const char *login, const char *remote, time_t now);
/* A successful sign-in clears the login's count (not the address's): 0 or -1. */
int signin_succeeded(sqlite3 *db, const char *login);

#endif
