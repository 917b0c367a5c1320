/* Feed tokens: HMAC-SHA256 of the installation secret, stored hashed. */
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

static int
generation(sqlite3 *db, sqlite3_int64 unit_id)
{
	sqlite3_stmt *st = store_stmt(db, "SELECT generation FROM feed_token WHERE unit_id = ?");
	int g;

	sqlite3_bind_int64(st, 1, unit_id);
	g = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return g;
}

char *
token_for_unit(sqlite3 *db, sqlite3_int64 unit_id, time_t now)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char *secret = store_secret(db), *msg, token[33], hash[65];
	int gen = generation(db, unit_id);
	sqlite3_stmt *st;

	if (secret == NULL)
		return NULL;
	msg = xasprintf("feed:%lld:%d", (long long)unit_id, gen ? gen : 1);
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)msg, strlen(msg), mac,
	    &len);
	free(msg);
	free(secret);
	hex_encode(mac, 16, token);
	if (gen == 0) {
		token_sha256_hex(token, strlen(token), hash);
		st = store_stmt(db, "INSERT INTO feed_token(unit_id, generation, token_hash, "
		    "created_at) VALUES(?, 1, ?, ?)");
		sqlite3_bind_int64(st, 1, unit_id);
		sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
		if (store_step_done(db, st) < 0)
			return NULL;
	}
	return xstrdup(token);
}

sqlite3_int64
token_lookup(sqlite3 *db, const char *token)
{
	sqlite3_stmt *st;
	sqlite3_int64 unit = -1;
	char hash[65];

	if (strlen(token) != 32)
		return -1;
	token_sha256_hex(token, 32, hash);
	st = store_stmt(db, "SELECT unit_id FROM feed_token WHERE token_hash = ?");
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		unit = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return unit;
}
