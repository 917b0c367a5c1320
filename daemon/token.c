/* Feed tokens: HMAC-SHA256 of the installation secret, a generation a unit, stored hashed. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "token.h"
#include "xalloc.h"

void
token_sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
	hex_encode(md, 32, out);
}

/* Whose feed a token opens: a unit's or a plan's, each in its own table. */
struct owner {
	const char	*prefix;	/* of the HMAC's message */
	const char	*sql_generation, *sql_record, *sql_lookup;
};

static const struct owner units = { "feed",
	"SELECT generation FROM feed_token WHERE unit_id = ?",
	"INSERT INTO feed_token(unit_id, generation, token_hash, created_at) "
	"VALUES(?1, ?2, ?3, ?4) ON CONFLICT(unit_id) DO UPDATE SET generation = ?2, "
	"token_hash = ?3, created_at = ?4",
	"SELECT unit_id FROM feed_token WHERE token_hash = ?",
};
static const struct owner plans = { "plan",
	"SELECT generation FROM plan_token WHERE plan_id = ?",
	"INSERT INTO plan_token(plan_id, generation, token_hash, created_at) "
	"VALUES(?1, ?2, ?3, ?4) ON CONFLICT(plan_id) DO UPDATE SET generation = ?2, "
	"token_hash = ?3, created_at = ?4",
	"SELECT plan_id FROM plan_token WHERE token_hash = ?",
};

static int
generation(sqlite3 *db, const struct owner *o, sqlite3_int64 id)
{
	sqlite3_stmt *st = store_stmt(db, o->sql_generation);
	int g;

	sqlite3_bind_int64(st, 1, id);
	g = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return g;
}

/* The token of a generation into token[33]: 128 bits of HMAC-SHA256 under the
 * installation secret. -1 if the secret cannot be read. */
static int
derive(sqlite3 *db, const struct owner *o, sqlite3_int64 id, int gen, char token[33])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char *secret = store_secret(db), *msg;

	if (secret == NULL)
		return -1;
	msg = xasprintf("%s:%lld:%d", o->prefix, (long long)id, gen);
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)msg, strlen(msg), mac,
	    &len);
	free(msg);
	free_secret(secret);
	hex_encode(mac, 16, token);
	return 0;
}

/* Record the token of generation gen, replacing any other: 0 or -1. */
static int
record(sqlite3 *db, const struct owner *o, sqlite3_int64 id, int gen, const char *token,
    time_t now)
{
	sqlite3_stmt *st = store_stmt(db, o->sql_record);
	char hash[65];

	token_sha256_hex(token, strlen(token), hash);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, gen);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	return store_step_done(db, st);
}

/* The current token, made (generation 1) on first use; with rotate, the next one. */
static char *
token_of(sqlite3 *db, const struct owner *o, sqlite3_int64 id, time_t now, int rotate)
{
	int gen = generation(db, o, id), make = rotate || gen == 0;
	char token[33];

	if (make)
		gen++;
	/* an existing token is only read: a mail composed inside a read transaction must
	 * not turn it into a write that another writer's lock refuses */
	if (derive(db, o, id, gen, token) < 0 || (make && record(db, o, id, gen, token,
	    now) < 0))
		return NULL;
	return xstrdup(token);
}

static sqlite3_int64
lookup(sqlite3 *db, const struct owner *o, const char *token)
{
	sqlite3_stmt *st;
	sqlite3_int64 id = -1;
	char hash[65];

	if (strlen(token) != 32)
		return -1;
	token_sha256_hex(token, 32, hash);
	st = store_stmt(db, o->sql_lookup);
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

char *
token_for_unit(sqlite3 *db, sqlite3_int64 unit_id, time_t now)
{
	return token_of(db, &units, unit_id, now, 0);
}

char *
token_rotate(sqlite3 *db, sqlite3_int64 unit_id, time_t now)
{
	return token_of(db, &units, unit_id, now, 1);
}

sqlite3_int64
token_lookup(sqlite3 *db, const char *token)
{
	return lookup(db, &units, token);
}

char *
token_for_plan(sqlite3 *db, sqlite3_int64 plan_id, time_t now)
{
	return token_of(db, &plans, plan_id, now, 0);
}

char *
token_rotate_plan(sqlite3 *db, sqlite3_int64 plan_id, time_t now)
{
	return token_of(db, &plans, plan_id, now, 1);
}

sqlite3_int64
token_lookup_plan(sqlite3 *db, const char *token)
{
	return lookup(db, &plans, token);
}
