/*
 * Feeds over HTTP with libmicrohttpd, driven from ntmd's own poll loop (external epoll
 * mode), so that SQLite is only ever used from one thread.
 */
#include <curl/curl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "donelink.h"
#include "feed.h"
#include "http.h"
#include "log.h"
#include "store.h"
#include "token.h"
#include "xalloc.h"

/* A rendered feed: the 200 and 304 responses, kept until what the feed shows changes.
 * libmicrohttpd counts references to a response, so dropping one that a connection is
 * still sending is safe. */
struct feed_entry {
	char			 key[65];	/* SHA-256 of "<token>/<unit>.ics", checked
						 * when rendered: the token is never compared
						 * itself, so timing tells nothing of it */
	struct MHD_Response	*full, *not_modified;
	char			 etag[40];
	time_t			 last_modified;
	size_t			 size;
	struct feed_entry	*prev, *next;	/* most recently used first */
};

struct http {
	struct MHD_Daemon	*mhd;
	sqlite3			*db;
	struct addrinfo		*addr;
	const struct donekey	*key;		/* checks the done links */
	struct feed_entry	*mru, *lru;
	size_t			 cached, cache_max;	/* bytes */
};

static void
add_validators(struct MHD_Response *r, const char *etag, time_t last_modified)
{
	char date[64];
	struct tm tm;

	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	if (last_modified > 0) {
		gmtime_r(&last_modified, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, date);
	}
	/* a feed's address is a secret: no shared caches */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "private, max-age=300");
}

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned int status, const char *type, char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
text(struct MHD_Connection *conn, unsigned int status, const char *msg)
{
	return reply(conn, status, "text/plain; charset=utf-8", xstrdup(msg));
}

static void
unlink_entry(struct http *h, struct feed_entry *e)
{
	*(e->prev ? &e->prev->next : &h->mru) = e->next;
	*(e->next ? &e->next->prev : &h->lru) = e->prev;
}

static void
push_front(struct http *h, struct feed_entry *e)
{
	e->prev = NULL;
	e->next = h->mru;
	*(h->mru ? &h->mru->prev : &h->lru) = e;
	h->mru = e;
}

static void
drop_entry(struct http *h, struct feed_entry *e)
{
	unlink_entry(h, e);
	h->cached -= e->size;
	MHD_destroy_response(e->full);
	MHD_destroy_response(e->not_modified);
	free(e);
}

void
http_forget_feeds(struct http *h)
{
	while (h->mru)
		drop_entry(h, h->mru);
}

/* A feed already rendered for this path: no database access, not even to check the
 * token (the cache is dropped whenever the database changes). */
static struct feed_entry *
cached_feed(struct http *h, const char *key)
{
	struct feed_entry *e;

	for (e = h->mru; e && memcmp(e->key, key, sizeof(e->key)); e = e->next)
		;
	if (e && e != h->mru) {
		unlink_entry(h, e);
		push_front(h, e);
	}
	return e;
}

/* Render the unit's feed into the cache, evicting the least recently used beyond the
 * limit; NULL (logged) on a database error. */
static struct feed_entry *
render_feed(struct http *h, const char *key, sqlite3_int64 unit_id)
{
	struct feed_query q = { .unit_id = unit_id, .now = clock_now() };
	struct feed_entry *e;
	char hash[65], *body;
	time_t lm;

	if ((body = feed_render(h->db, &q, &lm)) == NULL)
		return NULL;
	e = xcalloc(1, sizeof(*e));
	memcpy(e->key, key, sizeof(e->key));
	e->size = strlen(body);
	e->last_modified = lm;
	token_sha256_hex(body, e->size, hash);
	snprintf(e->etag, sizeof(e->etag), "\"%.32s\"", hash);
	e->full = MHD_create_response_from_buffer(e->size, body, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(e->full, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/calendar; charset=utf-8");
	add_validators(e->full, e->etag, lm);
	e->not_modified = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	add_validators(e->not_modified, e->etag, lm);
	push_front(h, e);
	h->cached += e->size;
	while (h->cached > h->cache_max && h->lru != e)
		drop_entry(h, h->lru);
	return e;
}

/* RFC 7232 §6: If-None-Match wins over If-Modified-Since. */
static int
not_modified(struct MHD_Connection *conn, const char *etag, time_t last_modified)
{
	const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	time_t since;

	if (inm)
		return strstr(inm, etag) != NULL || !strcmp(inm, "*");
	if (ims && last_modified > 0 && (since = curl_getdate(ims, NULL)) != -1)
		return last_modified <= since;
	return 0;
}

/* Whether the unit with this id has this code: a token opens one unit's feed only. */
static int
unit_is(sqlite3 *db, sqlite3_int64 id, const char *code)
{
	sqlite3_stmt *st = store_stmt(db, "SELECT 1 FROM unit WHERE id = ? AND code = ?");
	int yes;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

static enum MHD_Result
serve_feed(struct http *h, struct MHD_Connection *conn, const char *path)
{
	char token[64], unit_code[128], key[65];
	struct feed_entry *e;
	sqlite3_int64 unit_id;
	int n = 0;

	token_sha256_hex(path, strlen(path), key);
	if ((e = cached_feed(h, key)) == NULL) {
		if (sscanf(path, "%63[0-9a-f]/%127[a-z0-9-].ics%n", token, unit_code, &n) != 2 ||
		    path[n] != '\0' || (unit_id = token_lookup(h->db, token)) < 0 ||
		    !unit_is(h->db, unit_id, unit_code))
			return text(conn, MHD_HTTP_NOT_FOUND, "Không tìm thấy lịch này.\n");
		if ((e = render_feed(h, key, unit_id)) == NULL)
			return text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    "Lỗi máy chủ: chưa đọc được lịch, xin thử lại sau.\n");
	}
	if (not_modified(conn, e->etag, e->last_modified))
		return MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, e->not_modified);
	return MHD_queue_response(conn, MHD_HTTP_OK, e->full);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **state)
{
	static int request_seen;
	struct http *h = cls;

	(void)version, (void)upload;
	/* The first call only announces the request: answering before its body (if any) has
	 * been read makes libmicrohttpd close the connection, losing keep-alive. */
	if (*state == NULL) {
		*state = &request_seen;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		*upload_size = 0;	/* a body on a GET: read and ignored */
		return MHD_YES;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed.\n");
	if (!strcmp(url, "/healthz"))
		return text(conn, MHD_HTTP_OK, "ok\n");
	if (!strncmp(url, "/feeds/", 7))
		return serve_feed(h, conn, url + 7);
	return text(conn, MHD_HTTP_NOT_FOUND, "Không tìm thấy.\n");
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_warnx("http: %s", msg);
}

struct http *
http_start(const struct config *c, sqlite3 *db, const struct donekey *key, char **err)
{
	struct http *h = xcalloc(1, sizeof(*h));
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	char port[8], *host = xstrdup(c->http_host);
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	int rc;

	if (host[0] == '[') {	/* "[::1]:8470" */
		memmove(host, host + 1, strlen(host));
		host[strcspn(host, "]")] = '\0';
	}
	snprintf(port, sizeof(port), "%d", c->http_port);
	rc = getaddrinfo(host, port, &hints, &h->addr);
	free(host);
	if (rc != 0) {
		*err = xasprintf("http.listen %s: %s", c->http_host, gai_strerror(rc));
		free(h);
		return NULL;
	}
	if (h->addr->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->db = db;
	h->key = key;
	h->cache_max = (size_t)c->feed_cache_mb << 20;
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handle, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,	/* first, or MHD logs on its own */
	    MHD_OPTION_SOCK_ADDR, h->addr->ai_addr,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
	    MHD_OPTION_END);
	if (h->mhd == NULL) {
		*err = xasprintf("cannot listen on %s:%d (in use, or not an address of this "
		    "machine?)", c->http_host, c->http_port);
		freeaddrinfo(h->addr);
		free(h);
		return NULL;
	}
	return h;
}

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->mhd);
	http_forget_feeds(h);
	freeaddrinfo(h->addr);
	free(h);
}

int
http_fd(const struct http *h)
{
	return MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD)->epoll_fd;
}

int
http_timeout_ms(struct http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(h->mhd, &ms) != MHD_YES)
		return -1;
	return ms > 60000 ? 60000 : (int)ms;
}

void
http_run(struct http *h)
{
	MHD_run(h->mhd);
}

void
http_set_cache_mb(struct http *h, int mb)
{
	h->cache_max = (size_t)mb << 20;
	while (h->cached > h->cache_max && h->lru)
		drop_entry(h, h->lru);
}
