/* Signed links to report an item done, and the key that signs them. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "donelink.h"
#include "xalloc.h"

#define KEY_BYTES	32
#define MAC_HEX		32	/* 128 bits of the HMAC */
#define VALID_DAYS	30

struct donekey {
	unsigned char	raw[KEY_BYTES];
};

char *
donelink_key_path(const struct config *c)
{
	const char *slash;

	if (c->link_key_file)
		return xstrdup(c->link_key_file);
	if ((slash = strrchr(c->database, '/')) == NULL)
		return xstrdup("link.key");
	return xasprintf("%.*s/link.key", (int)(slash - c->database), c->database);
}

static int
unhex(const char *s, unsigned char *raw, size_t n)
{
	size_t i;
	unsigned int v;

	for (i = 0; i < n; i++) {
		if (!strchr("0123456789abcdefABCDEF", s[2 * i]) || s[2 * i] == '\0' ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]) || s[2 * i + 1] == '\0' ||
		    sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		raw[i] = (unsigned char)v;
	}
	return 0;
}

/* A new key file, written whole before it gets its name. */
static int
create_key(const char *path, char **err)
{
	unsigned char raw[KEY_BYTES];
	char text[2 * KEY_BYTES + 2], *tmp = xasprintf("%s.new", path);
	int fd, ok;

	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		*err = xasprintf("%s: no randomness for a new key", path);
		free(tmp);
		return -1;
	}
	hex_encode(raw, sizeof(raw), text);
	strcat(text, "\n");
	OPENSSL_cleanse(raw, sizeof(raw));
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		*err = xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text) && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	OPENSSL_cleanse(text, sizeof(text));
	if (!ok)
		*err = xasprintf("%s: %s", tmp, strerror(errno));
	else if (link(tmp, path) < 0 && errno != EEXIST)	/* EEXIST: made meanwhile */
		*err = xasprintf("%s: %s", path, strerror(errno));
	unlink(tmp);
	free(tmp);
	return *err ? -1 : 0;
}

struct donekey *
donelink_key_load(const char *path, int create, char **err)
{
	struct donekey *k;
	char text[2 * KEY_BYTES + 3];
	struct stat sb;
	ssize_t n;
	int fd;

	*err = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 && errno == ENOENT && create) {
		if (create_key(path, err) < 0)
			return NULL;
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) < 0 || (sb.st_mode & 077)) {
		*err = xasprintf("%s: others may read the key (chmod 600 %s)", path, path);
		close(fd);
		return NULL;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	k = xcalloc(1, sizeof(*k));
	if (n >= 2 * KEY_BYTES)
		text[n] = '\0';
	if (n < 2 * KEY_BYTES || n > 2 * KEY_BYTES + 1 ||
	    (n == 2 * KEY_BYTES + 1 && text[2 * KEY_BYTES] != '\n') ||
	    unhex(text, k->raw, KEY_BYTES) < 0) {
		*err = xasprintf("%s: not a key (64 hex digits; e.g. openssl rand -hex 32)", path);
		donelink_key_free(k);
		k = NULL;
	}
	OPENSSL_cleanse(text, sizeof(text));
	return k;
}

void
donelink_key_free(struct donekey *k)
{
	if (k == NULL)
		return;
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
}

time_t
donelink_expiry(ntm_date latest)
{
	return date_at(latest + VALID_DAYS + 1, 0) - 1;
}

static void
mac_hex(const struct donekey *k, const char *msg, char out[MAC_HEX + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	HMAC(EVP_sha256(), k->raw, KEY_BYTES, (const unsigned char *)msg, strlen(msg), md, &len);
	hex_encode(md, MAC_HEX / 2, out);
}

static void
link_mac(const struct donekey *k, sqlite3_int64 item, sqlite3_int64 unit, time_t expiry,
    char out[MAC_HEX + 1])
{
	char msg[96];

	snprintf(msg, sizeof(msg), "done:%lld:%lld:%lld", (long long)item, (long long)unit,
	    (long long)expiry);
	mac_hex(k, msg, out);
}

char *
donelink_path(const struct donekey *k, sqlite3_int64 item, sqlite3_int64 unit,
    time_t expiry)
{
	char mac[MAC_HEX + 1];

	link_mac(k, item, unit, expiry, mac);
	return xasprintf("/done/%lld.%lld.%lld.%s", (long long)item, (long long)unit,
	    (long long)expiry, mac);
}

/* A decimal number without sign or leading zero, then sep; the rest after it. */
static const char *
number(const char *s, char sep, long long *v)
{
	long long n = 0;
	const char *p = s;

	if (*p < '1' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (LLONG_MAX - (*p - '0')) / 10)
			return NULL;
		n = n * 10 + (*p - '0');
	}
	if (*p != sep)
		return NULL;
	*v = n;
	return p + 1;
}

enum donelink_check
donelink_verify(const struct donekey *k, const char *s, time_t now, struct donelink *out)
{
	char mac[MAC_HEX + 1];
	long long item, unit, expiry;
	const char *p;
	size_t i;

	if ((p = number(s, '.', &item)) == NULL || (p = number(p, '.', &unit)) == NULL ||
	    (p = number(p, '.', &expiry)) == NULL || strlen(p) != MAC_HEX)
		return LINK_FORGED;
	for (i = 0; i < MAC_HEX; i++)
		if (!strchr("0123456789abcdef", p[i]))
			return LINK_FORGED;
	link_mac(k, item, unit, (time_t)expiry, mac);
	if (CRYPTO_memcmp(mac, p, MAC_HEX) != 0)
		return LINK_FORGED;
	*out = (struct donelink){ item, unit, (time_t)expiry };
	return now > (time_t)expiry ? LINK_EXPIRED : LINK_VALID;
}

void
donelink_csrf(const struct donekey *k, const char *s, char out[33])
{
	char *msg = xasprintf("csrf:%s", s);

	mac_hex(k, msg, out);
	free(msg);
}

int
donelink_csrf_ok(const struct donekey *k, const char *s, const char *token)
{
	char want[33];

	donelink_csrf(k, s, want);
	return token != NULL && strlen(token) == 32 && CRYPTO_memcmp(want, token, 32) == 0;
}
