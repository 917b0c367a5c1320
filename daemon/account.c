/* The desk's accounts, sessions and failed sign-ins; passwords hashed with Argon2id. */
#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "token.h"
#include "xalloc.h"

/* OWASP's password storage cheat sheet, Argon2id: 19 MiB, 2 passes, 1 lane */
#define HASH_PASSES	2
#define HASH_KIB	19456
#define HASH_LANES	1
#define HASH_SALT	16	/* bytes */
#define HASH_LEN	32	/* bytes */

#define SIGNIN_FREE	5		/* failures in a row that cost no wait */
#define SIGNIN_FREE_ADDR 20		/* from one address: an office behind one proxy
					 * shares it */
#define SIGNIN_WAIT_MAX	900		/* seconds */
#define SIGNIN_FORGET	(24 * 3600)	/* a failure counts this long after the last one */

#define LOGIN_START	"abcdefghijklmnopqrstuvwxyz0123456789"

#define STR(x)		STR_(x)
#define STR_(x)		#x

/* An account's columns, as account_read() takes them, then one more. */
#define ACCOUNT_COLUMNS "a.id, a.unit_id, u.org_id, a.login, u.code, u.name, o.code, o.name"
#define ACCOUNT_UNIT "JOIN unit u ON u.id = a.unit_id JOIN org o ON o.id = u.org_id"

static const char sql_add[] = "INSERT INTO account(login, unit_id, hash, created_at) "
	"VALUES(?, ?, ?, ?)";
static const char sql_find[] = "SELECT " ACCOUNT_COLUMNS ", a.hash FROM account a "
	ACCOUNT_UNIT " WHERE a.login = ?";
static const char sql_end_all[] = "DELETE FROM session "
	"WHERE account_id = (SELECT id FROM account WHERE login = ?)";
static const char sql_del[] = "DELETE FROM account WHERE login = ?";
static const char sql_expired[] = "DELETE FROM session WHERE expires_at <= ?";
static const char sql_start[] = "INSERT INTO session(token_hash, account_id, csrf, "
	"created_at, expires_at) VALUES(?, ?, ?, ?, ?)";
static const char sql_session[] = "SELECT " ACCOUNT_COLUMNS ", s.csrf FROM session s "
	"JOIN account a ON a.id = s.account_id " ACCOUNT_UNIT
	" WHERE s.token_hash = ? AND s.expires_at > ?";
static const char sql_end[] = "DELETE FROM session WHERE token_hash = ?";
static const char sql_failures[] = "SELECT failures, last_at FROM signin_failure "
	"WHERE key = ?";
static const char sql_forget[] = "DELETE FROM signin_failure WHERE last_at <= ?";
static const char sql_failed[] = "INSERT INTO signin_failure(key, failures, last_at) "
	"VALUES(?1, 1, ?2) ON CONFLICT(key) DO UPDATE SET failures = failures + 1, last_at = ?2";
static const char sql_clear[] = "DELETE FROM signin_failure WHERE key = ?";

void
account_free(struct account *a)
{
	free(a->login);
	free(a->unit_code);
	free(a->unit_name);
	free(a->org_code);
	free(a->org_name);
	*a = (struct account){ 0 };
}

int
account_login_ok(const char *login)
{
	size_t n = strlen(login);

	return n > 0 && n <= ACCOUNT_LOGIN_MAX && strchr(LOGIN_START, login[0]) &&
	    strspn(login, LOGIN_START "._-") == n;
}

/* Whether s holds a control character: C0, DEL, or C1 (U+0080–U+009F, which UTF-8
 * writes C2 80 to C2 9F). */
static int
has_control(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < ' ' || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 1;
	return 0;
}

/* The password as it is hashed: RFC 8265 §4.2 compares passwords in NFC, and
 * Vietnamese comes typed both precomposed and with combining marks. Bytes that are not
 * UTF-8 as they are. Allocated; free with free_secret(). */
static char *
password_nfc(const char *password)
{
	char *s = text_nfc(password);

	return s ? s : xstrdup(password);
}

const char *
account_password_problem(const char *password)
{
	char *nfc;
	size_t n;

	if (!text_valid_utf8(password))
		return "a password must be UTF-8 text";
	if (strlen(password) > ACCOUNT_PASSWORD_MAX)
		return "a password may be at most " STR(ACCOUNT_PASSWORD_MAX) " bytes long";
	if (has_control(password))
		return "a password may not hold control characters";
	nfc = password_nfc(password);
	n = text_chars(nfc);
	free_secret(nfc);
	if (n < ACCOUNT_PASSWORD_MIN)
		return "a password needs at least " STR(ACCOUNT_PASSWORD_MIN) " characters";
	return NULL;
}

char *
account_hash(const char *password)
{
	size_t len = argon2_encodedlen(HASH_PASSES, HASH_KIB, HASH_LANES, HASH_SALT, HASH_LEN,
	    Argon2_id);
	unsigned char salt[HASH_SALT];
	char *pw, *encoded;
	int rc;

	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		log_warnx("password hash: no randomness for the salt");
		return NULL;
	}
	pw = password_nfc(password);
	encoded = xmalloc(len);
	rc = argon2id_hash_encoded(HASH_PASSES, HASH_KIB, HASH_LANES, pw, strlen(pw), salt,
	    sizeof(salt), HASH_LEN, encoded, len);
	free_secret(pw);
	if (rc != ARGON2_OK) {
		log_warnx("password hash: %s", argon2_error_message(rc));
		free(encoded);
		return NULL;
	}
	return encoded;
}

int
account_verify(const char *encoded, const char *password)
{
	char *pw = password_nfc(password);
	int rc = argon2id_verify(encoded, pw, strlen(pw));

	free_secret(pw);
	return rc == ARGON2_OK ? 1 : rc == ARGON2_VERIFY_MISMATCH ? 0 : -1;
}

const char *
account_dummy_hash(void)
{
	static char *dummy;

	if (dummy == NULL && (dummy = account_hash("ntmd: no such account")) == NULL)
		fatalx("cannot make the hash that unknown logins are checked against");
	return dummy;
}

/* A text column that the schema makes NOT NULL, copied ("" if SQLite ran out of memory). */
static char *
column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return xstrdup(s ? (const char *)s : "");
}

/* Step st, which selects ACCOUNT_COLUMNS and one more: 1 with *a and, if more is not
 * NULL, that column (allocated); 0 if there is no row; -1 (logged). Resets st. */
static int
account_read(sqlite3 *db, sqlite3_stmt *st, struct account *a, char **more)
{
	int rc;

	*a = (struct account){ 0 };
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a->id = sqlite3_column_int64(st, 0);
		a->unit_id = sqlite3_column_int64(st, 1);
		a->org_id = sqlite3_column_int64(st, 2);
		a->login = column_dup(st, 3);
		a->unit_code = column_dup(st, 4);
		a->unit_name = column_dup(st, 5);
		a->org_code = column_dup(st, 6);
		a->org_name = column_dup(st, 7);
		if (more != NULL)
			*more = column_dup(st, 8);
	} else if (rc != SQLITE_DONE)
		log_warnx("database: accounts: %s", store_error(db));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Log what failed and why, and end the transaction if SQLite has not: -1. */
static int
failed(sqlite3 *db, const char *what)
{
	log_warnx("%s: %s", what, store_error(db));
	store_rollback(db);
	return -1;
}

static int
begin(sqlite3 *db)
{
	return sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int
commit(sqlite3 *db)
{
	return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int
account_add(sqlite3 *db, const char *login, sqlite3_int64 unit, const char *hash,
    time_t now)
{
	sqlite3_stmt *st = store_stmt(db, sql_add);

	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, unit);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	if (store_step(st) == 0)
		return 0;
	if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
		return 1;
	return failed(db, "account not added");
}

int
account_del(sqlite3 *db, const char *login)
{
	sqlite3_stmt *st;
	int gone;

	if (begin(db) < 0)
		return failed(db, "account not deleted");
	st = store_stmt(db, sql_end_all);
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	if (store_step(st) < 0)
		return failed(db, "account not deleted");
	st = store_stmt(db, sql_del);
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	if (store_step(st) < 0)
		return failed(db, "account not deleted");
	gone = sqlite3_changes(db);
	if (commit(db) < 0)
		return failed(db, "account not deleted");
	return gone ? 0 : 1;
}

int
account_find(sqlite3 *db, const char *login, struct account *a, char **hash)
{
	sqlite3_stmt *st = store_stmt(db, sql_find);

	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	return account_read(db, st, a, hash);
}

/* Insert the session, having deleted the expired ones, in the transaction. */
static int
session_insert(sqlite3 *db, const char *hash, sqlite3_int64 account, time_t now,
    const char *csrf)
{
	sqlite3_stmt *st = store_stmt(db, sql_expired);

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	if (store_step(st) < 0)
		return -1;
	st = store_stmt(db, sql_start);
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, account);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now + SESSION_SECONDS);
	return store_step(st);
}

int
session_start(sqlite3 *db, sqlite3_int64 account, time_t now, char cookie[65],
    char csrf[65])
{
	unsigned char raw[64];
	char hash[65];

	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		log_warnx("session not started: no randomness");
		return -1;
	}
	hex_encode(raw, 32, cookie);
	hex_encode(raw + 32, 32, csrf);
	OPENSSL_cleanse(raw, sizeof(raw));
	token_sha256_hex(cookie, 64, hash);
	if (begin(db) < 0 || session_insert(db, hash, account, now, csrf) < 0 ||
	    commit(db) < 0)
		return failed(db, "session not started");
	return 0;
}

int
session_find(sqlite3 *db, const char *cookie, time_t now, struct account *a,
    char csrf[65])
{
	sqlite3_stmt *st;
	char hash[65], *token = NULL;
	int found;

	*a = (struct account){ 0 };
	if (strlen(cookie) != 64)
		return 0;
	token_sha256_hex(cookie, 64, hash);
	st = store_stmt(db, sql_session);
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if ((found = account_read(db, st, a, &token)) == 1)
		snprintf(csrf, 65, "%s", token);
	free(token);
	return found;
}

int
session_end(sqlite3 *db, const char *cookie)
{
	sqlite3_stmt *st = store_stmt(db, sql_end);
	char hash[65];

	token_sha256_hex(cookie, strlen(cookie), hash);
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	return store_step(st) == 0 ? 0 : failed(db, "session not ended");
}

/* The wait after failures in a row, the last one elapsed seconds ago. */
static long
failure_wait(sqlite3_int64 failures, sqlite3_int64 elapsed, int free_failures)
{
	long wait = 2;

	if (failures <= free_failures)
		return 0;
	while (wait < SIGNIN_WAIT_MAX && --failures > free_failures)
		wait *= 2;
	if (wait > SIGNIN_WAIT_MAX)
		wait = SIGNIN_WAIT_MAX;
	if (elapsed < 0)	/* the clock went back */
		elapsed = 0;
	return wait > elapsed ? wait - (long)elapsed : 0;
}

/* The wait that key's failures impose at now, or -1 (logged). A row that has outlived
 * SIGNIN_FORGET but not yet been deleted imposes none: no wait is that long. */
static long
key_wait(sqlite3 *db, const char *key, time_t now, int free_failures)
{
	sqlite3_stmt *st = store_stmt(db, sql_failures);
	long wait = 0;
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		wait = failure_wait(sqlite3_column_int64(st, 0),
		    (sqlite3_int64)now - sqlite3_column_int64(st, 1), free_failures);
	else if (rc != SQLITE_DONE)
		log_warnx("database: failed sign-ins: %s", store_error(db));
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? wait : -1;
}

long
signin_wait(sqlite3 *db, const char *login, const char *remote, time_t now)
{
	char *by_login = xasprintf("login:%s", login), *by_addr = xasprintf("addr:%s", remote);
	long w1 = key_wait(db, by_login, now, SIGNIN_FREE);
	long w2 = w1 < 0 ? -1 : key_wait(db, by_addr, now, SIGNIN_FREE_ADDR);

	free(by_login);
	free(by_addr);
	return w1 < 0 || w2 < 0 ? -1 : w1 > w2 ? w1 : w2;
}

/* One more failure for key, in the transaction. */
static int
key_failed(sqlite3 *db, const char *key, time_t now)
{
	sqlite3_stmt *st = store_stmt(db, sql_failed);

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	return store_step(st);
}

/* Failures forgotten first: a row starts again from one a day after its last failure,
 * and guesses at logins that do not exist leave no row for longer than that. */
int
signin_failed(sqlite3 *db, const char *login, const char *remote, time_t now)
{
	char *by_login = xasprintf("login:%s", login), *by_addr = xasprintf("addr:%s", remote);
	sqlite3_stmt *st;
	int rc = -1;

	if (begin(db) == 0) {
		st = store_stmt(db, sql_forget);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)now - SIGNIN_FORGET);
		if (store_step(st) == 0 && key_failed(db, by_login, now) == 0 &&
		    key_failed(db, by_addr, now) == 0)
			rc = commit(db);
	}
	free(by_login);
	free(by_addr);
	return rc == 0 ? 0 : failed(db, "failed sign-in not counted");
}

int
signin_succeeded(sqlite3 *db, const char *login)
{
	sqlite3_stmt *st = store_stmt(db, sql_clear);
	char *key = xasprintf("login:%s", login);
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = store_step(st);
	free(key);
	return rc == 0 ? 0 : failed(db, "failed sign-ins not cleared");
}
