/*
 * Feeds and done links over HTTP with libmicrohttpd, driven from ntmd's own poll loop
 * (external epoll mode), so that SQLite is only ever used from one thread.
 */
#include <curl/curl.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <microhttpd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "account.h"
#include "date.h"
#include "desk.h"
#include "done.h"
#include "donelink.h"
#include "donepage.h"
#include "feed.h"
#include "http.h"
#include "log.h"
#include "request.h"
#include "store.h"
#include "text.h"
#include "token.h"
#include "xalloc.h"

/* bytes of a done form's body: both fields full of 4-byte characters, each byte
 * percent-encoded, and the token */
#define POST_MAX	(4 * 3 * (DONE_NOTE_MAX + DONE_LINK_MAX) + 1024)

/* A rendered feed: the 200 and 304 responses, kept until what the feed shows changes.
 * libmicrohttpd counts references to a response, so dropping one that a connection is
 * still sending is safe. */
struct feed_entry {
	char			 key[65];	/* SHA-256 of "<token>/<unit>.ics", checked
						 * when rendered: the token is never compared
						 * itself, so timing tells nothing of it */
	struct feed_variant {
		struct MHD_Response	*full, *not_modified;
		char			 etag[48];
	}			 plain, gzip;	/* each with its own ETag (RFC 9110
						 * §8.8.3: one a representation) */
	time_t			 last_modified;
	size_t			 size;		/* of both bodies */
	struct feed_entry	*prev, *next;	/* most recently used first */
};

/* A connection open, for http.total_timeout: libmicrohttpd only knows an idle timeout. */
struct conn {
	struct MHD_Connection	*mhd;
	long long		 deadline;	/* monotonic ms */
	int			 cut;		/* shut down, closing */
	struct conn		*prev, *next;
};

struct http {
	struct MHD_Daemon	*mhd;
	sqlite3			*db;
	struct addrinfo		*addr;
	const struct donekey	*key;		/* checks the done links */
	int			 soon_days;	/* a done page's "sắp đến hạn" */
	struct feed_entry	*mru, *lru;
	size_t			 cached, cache_max;	/* bytes */
	struct desk		*desk;
	struct workcal		*cal;		/* the daemon's, for the desk's meetings */
	/* What the loop polls: libmicrohttpd's epoll set and wake, which a password check
	 * signals when it resumes its connection (libmicrohttpd signals nothing itself when
	 * the loop is the application's) */
	int			 epoll, wake;
	pthread_mutex_t		 checks_lock;	/* sign-ins' password checks under way */
	pthread_cond_t		 checks_done;
	int			 checks;
	struct conn		*oldest, *newest;	/* connections by start */
	int			 nconn, max_conn;	/* open; http.max_connections */
	long long		 total_ms;	/* http.total_timeout */
	size_t			 max_header;	/* http.max_header_kb, in bytes */
};

/* libmicrohttpd's memory for a connection: its request line and headers up to
 * http.max_header_kb, which handle() enforces, and room for its response's headers.
 * Beyond the memory libmicrohttpd answers 414 or 431 itself. */
#define POOL_SIZE(kb)	(1024 * (size_t)(kb) + 8192)

/* Password checks at once (each ~20 MB and tens of milliseconds of a core); more
 * sign-ins meanwhile are told to try again. */
#define CHECKS_MAX	2

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
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
}

/* A response of body, which it takes over. */
static struct MHD_Response *
response(const char *type, char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return r;
}

static enum MHD_Result
queue(struct MHD_Connection *conn, unsigned int status, struct MHD_Response *r)
{
	enum MHD_Result rc = MHD_queue_response(conn, status, r);

	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
text(struct MHD_Connection *conn, unsigned int status, const char *msg)
{
	return queue(conn, status, response("text/plain; charset=utf-8", xstrdup(msg)));
}

/* RFC 9110 §15.5.6: a 405 says what is allowed. */
static enum MHD_Result
not_allowed(struct MHD_Connection *conn, const char *allow)
{
	struct MHD_Response *r = response("text/plain; charset=utf-8",
	    xstrdup("Method not allowed.\n"));

	MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	return queue(conn, MHD_HTTP_METHOD_NOT_ALLOWED, r);
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
	MHD_destroy_response(e->plain.full);
	MHD_destroy_response(e->plain.not_modified);
	MHD_destroy_response(e->gzip.full);
	MHD_destroy_response(e->gzip.not_modified);
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

/* body (size bytes) gzip-compressed: allocated, with *out_size. */
static char *
gzip(const char *body, size_t size, size_t *out_size)
{
	z_stream z = { .next_in = (Bytef *)body, .avail_in = (uInt)size };
	size_t cap = deflateBound(&z, (uLong)size) + 32;
	char *out = xmalloc(cap);

	/* windowBits 15 + 16: the gzip wrapper; memory level 8: zlib's default */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		fatalx("zlib: deflateInit2 failed");
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		fatalx("zlib: deflate did not finish within deflateBound");
	*out_size = z.total_out;
	deflateEnd(&z);
	return out;
}

/* One representation of a feed: body (taken over), its ETag from the feed's hash. */
static void
variant(struct feed_variant *v, char *body, size_t size, const char *hash,
    const char *encoding, time_t lm)
{
	snprintf(v->etag, sizeof(v->etag), "\"%.32s%s%s\"", hash, encoding ? "-" : "",
	    encoding ? encoding : "");
	v->full = MHD_create_response_from_buffer(size, body, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(v->full, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/calendar; charset=utf-8");
	if (encoding)
		MHD_add_response_header(v->full, MHD_HTTP_HEADER_CONTENT_ENCODING, encoding);
	add_validators(v->full, v->etag, lm);
	v->not_modified = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	add_validators(v->not_modified, v->etag, lm);
}

/* Render the unit's feed into the cache, plain and gzip-compressed, evicting the least
 * recently used beyond the limit; NULL (logged) on a database error. */
static struct feed_entry *
render_feed(struct http *h, const char *key, struct feed_query q)
{
	struct feed_entry *e;
	char hash[65], *body, *packed;
	size_t size, packed_size;
	time_t lm;

	if ((body = feed_render(h->db, &q, &lm)) == NULL)
		return NULL;
	e = xcalloc(1, sizeof(*e));
	memcpy(e->key, key, sizeof(e->key));
	size = strlen(body);
	e->last_modified = lm;
	token_sha256_hex(body, size, hash);
	packed = gzip(body, size, &packed_size);
	e->size = size + packed_size;
	variant(&e->plain, body, size, hash, NULL, lm);
	variant(&e->gzip, packed, packed_size, hash, "gzip", lm);
	push_front(h, e);
	h->cached += e->size;
	while (h->cached > h->cache_max && h->lru != e)
		drop_entry(h, h->lru);
	return e;
}

static const char *
header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* Whether the unit or plan with this id has this code: a token opens one feed only. */
static int
code_is(sqlite3 *db, const char *sql, sqlite3_int64 id, const char *code)
{
	sqlite3_stmt *st = store_stmt(db, sql);
	int yes;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

static const char sql_unit_is[] = "SELECT 1 FROM unit WHERE id = ? AND code = ?";
static const char sql_plan_is[] = "SELECT 1 FROM plan WHERE id = ? AND code = ?";

/* What "<token>/<code>.ics" opens: a unit's feed, or a plan's. 0, or -1 for nothing. */
static int
feed_of(sqlite3 *db, const char *path, struct feed_query *q)
{
	char token[64], code[128];

	if (request_feed_path(path, token, code) < 0)
		return -1;
	if ((q->unit_id = token_lookup(db, token)) > 0)
		return code_is(db, sql_unit_is, q->unit_id, code) ? 0 : -1;
	q->unit_id = 0;
	if ((q->plan_id = token_lookup_plan(db, token)) > 0)
		return code_is(db, sql_plan_is, q->plan_id, code) ? 0 : -1;
	return -1;
}

static enum MHD_Result
serve_feed(struct http *h, struct MHD_Connection *conn, const char *path)
{
	struct feed_query q = { .now = clock_now() };
	struct feed_variant *v;
	struct feed_entry *e;
	char key[65];

	token_sha256_hex(path, strlen(path), key);
	if ((e = cached_feed(h, key)) == NULL) {
		if (feed_of(h->db, path, &q) < 0)
			return text(conn, MHD_HTTP_NOT_FOUND, "Không tìm thấy lịch này.\n");
		if ((e = render_feed(h, key, q)) == NULL)
			return text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    "Lỗi máy chủ: chưa đọc được lịch, xin thử lại sau.\n");
	}
	v = request_wants_gzip(header(conn, MHD_HTTP_HEADER_ACCEPT_ENCODING)) ? &e->gzip :
	    &e->plain;
	if (request_not_modified(header(conn, MHD_HTTP_HEADER_IF_NONE_MATCH),
	    header(conn, MHD_HTTP_HEADER_IF_MODIFIED_SINCE), v->etag, e->last_modified))
		return MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, v->not_modified);
	return MHD_queue_response(conn, MHD_HTTP_OK, v->full);
}

/*
 * Done links. A link is a capability: its pages are never cached, never sent on as a
 * Referer, never framed. GET and HEAD change nothing (mail scanners open links); only
 * the POST of the page's form, with its token, reports the item done.
 */

/* A POST while its body comes in: a done link's form, or the desk's. */
struct post {
	struct buf			 body;
	struct form			 form;	/* from the body, once it is all in */
	size_t				 size, max;
	int				 too_large, bad;
	/* the desk's sign-in: the password is checked on a thread of its own while the
	 * connection is suspended */
	struct http			*h;
	struct MHD_Connection		*conn;
	char				*hash, *password;
	int				 verified;	/* -1: not checked */
};

/* What a request without a state of its own is given as one. */
static char request_seen;

/* What every page carries: never cached or framed, no Referer sent on, no script. */
static void
page_headers(struct MHD_Response *r)
{
	static const char *const headers[][2] = {
		{ MHD_HTTP_HEADER_CACHE_CONTROL, "no-store" },
		{ "Referrer-Policy", "no-referrer" },
		{ MHD_HTTP_HEADER_X_FRAME_OPTIONS, "DENY" },
		{ MHD_HTTP_HEADER_X_CONTENT_TYPE_OPTIONS, "nosniff" },
		{ MHD_HTTP_HEADER_CONTENT_SECURITY_POLICY,
		    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
		    "frame-ancestors 'none'" },
	};
	size_t i;

	for (i = 0; i < sizeof(headers) / sizeof(*headers); i++)
		MHD_add_response_header(r, headers[i][0], headers[i][1]);
}

static enum MHD_Result
page(struct MHD_Connection *conn, unsigned int status, char *html)
{
	struct MHD_Response *r = response("text/html; charset=utf-8", html);

	page_headers(r);
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "10");
	return queue(conn, status, r);
}

static enum MHD_Result
message(struct MHD_Connection *conn, unsigned int status, const char *heading,
    const char *text)
{
	return page(conn, status, donepage_message(heading, text));
}

static enum MHD_Result
busy(struct MHD_Connection *conn)
{
	return message(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "Hệ thống đang bận",
	    "Chưa thực hiện được yêu cầu, xin thử lại sau ít phút.");
}

static enum MHD_Result
no_item(struct MHD_Connection *conn)
{
	return message(conn, MHD_HTTP_NOT_FOUND, "Không tìm thấy công việc",
	    "Công việc của liên kết này không còn trong hệ thống. Xin liên hệ đơn vị điều "
	    "phối.");
}

/* The client's address, numeric, into out[NI_MAXHOST]. */
static void
remote_addr(struct MHD_Connection *conn, char *out)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	socklen_t len = sa && sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);

	if (sa == NULL || getnameinfo(sa, len, out, NI_MAXHOST, NULL, 0, NI_NUMERICHOST) != 0)
		strcpy(out, "unknown");
}

/* The first call of a POST: its state; a body announced larger than max is refused at
 * once (libmicrohttpd then closes the connection unread). */
static enum MHD_Result
post_start(struct MHD_Connection *conn, void **state, size_t max)
{
	struct post *p = xcalloc(1, sizeof(*p));
	const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);

	*state = p;
	p->max = max;
	p->verified = -1;
	/* the forms send nothing else */
	if (type == NULL || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0)
		p->bad = 1;
	if (len && strtoull(len, NULL, 10) > max)
		return message(conn, MHD_HTTP_CONTENT_TOO_LARGE, "Nội dung gửi quá lớn",
		    "Nội dung gửi kèm quá dài. Xin rút gọn rồi gửi lại.");
	return MHD_YES;
}

static void
post_body(struct post *p, const char *data, size_t size)
{
	if ((p->size += size) > p->max)
		p->too_large = 1;
	else if (!p->bad)
		buf_append(&p->body, data, size);
}

/* The body is all in: its form. Once, though a sign-in is served twice. */
static void
post_end(struct post *p)
{
	if (p->body.s == NULL)
		return;
	form_parse(&p->form, p->body.s, p->body.len);
	OPENSSL_cleanse(p->body.s, p->body.len);
	buf_free(&p->body);
}

static void
post_free(struct post *p)
{
	if (p->body.s)
		OPENSSL_cleanse(p->body.s, p->body.len);
	buf_free(&p->body);
	form_free(&p->form);
	free(p->hash);
	free_secret(p->password);
	free(p);
}

static void
request_ended(void *cls, struct MHD_Connection *conn, void **state,
    enum MHD_RequestTerminationCode why)
{
	(void)cls, (void)conn, (void)why;
	if (*state != NULL && *state != &request_seen)
		post_free(*state);
	*state = NULL;
}

/* The page of the item, with a notice. */
static enum MHD_Result
item_page(struct http *h, struct MHD_Connection *conn, unsigned int status,
    const struct done_item *it, struct donepage_view *v)
{
	v->now = clock_now();
	v->soon_days = h->soon_days;
	return page(conn, status, donepage_item(it, v));
}

/* Done, waived or cancelled: the page says so (410 for the latter two). */
static enum MHD_Result
closed_page(struct http *h, struct MHD_Connection *conn, const struct done_item *it)
{
	struct donepage_view v = { .alert = 0 };
	char day[11], *heading;
	enum MHD_Result rc;

	if (!strcmp(it->status, "waived") || !strcmp(it->status, "cancelled")) {
		v.heading = !strcmp(it->status, "waived") ? "Việc này đã được miễn thực hiện" :
		    "Việc này đã bị hủy";
		v.text = "Không cần báo hoàn thành. Nếu có thắc mắc, xin liên hệ đơn vị điều "
		    "phối.";
		return item_page(h, conn, MHD_HTTP_GONE, it, &v);
	}
	date_vn(date_of(it->done_at), day);
	v.heading = heading = xasprintf("Việc này đã được báo hoàn thành ngày %s", day);
	v.text = "Không cần báo lại.";
	rc = item_page(h, conn, MHD_HTTP_OK, it, &v);
	free(heading);
	return rc;
}

/* The form's fields, checked: 0, or -1 with the page that refuses them queued in *rc. */
static int
check_form(struct http *h, struct MHD_Connection *conn, const struct done_item *it,
    struct donepage_view *v, enum MHD_Result *rc)
{
	v->alert = 1;
	if (v->note && (text_chars(v->note) > DONE_NOTE_MAX || !text_valid_utf8(v->note))) {
		v->heading = "Ghi chú chưa đúng";
		v->text = "Ghi chú quá dài hoặc có ký tự lạ. Xin sửa lại rồi gửi lại.";
	} else if (v->link && (!done_link_ok(v->link) || !text_valid_utf8(v->link))) {
		v->heading = "Liên kết sản phẩm chưa đúng";
		v->text = "Liên kết sản phẩm phải là một địa chỉ web bắt đầu bằng http:// hoặc "
		    "https:// (ví dụ https://example.gov.vn/bao-cao.pdf). Xin sửa lại hoặc để "
		    "trống rồi gửi lại.";
	} else
		return 0;
	*rc = item_page(h, conn, MHD_HTTP_BAD_REQUEST, it, v);
	return -1;
}

/* The page after the item was marked done: it (NULL if it could not be read again)
 * as it now stands. */
static enum MHD_Result
confirmed(struct http *h, struct MHD_Connection *conn, const struct done_item *it,
    time_t now)
{
	struct donepage_view v = { .heading = "Đã ghi nhận hoàn thành" };
	char day[11], *text;
	enum MHD_Result rc;

	date_vn(date_of(now), day);
	v.text = text = xasprintf("Cảm ơn. Việc đã được ghi nhận hoàn thành ngày %s; việc này "
	    "sẽ không được nhắc nữa, và lịch của các đơn vị cập nhật ngay.", day);
	rc = it ? item_page(h, conn, MHD_HTTP_OK, it, &v) :
	    message(conn, MHD_HTTP_OK, v.heading, v.text);
	free(text);
	return rc;
}

/* The form's POST on an open item of a genuine link. */
static enum MHD_Result
report_done(struct http *h, struct MHD_Connection *conn, const char *link,
    const struct donelink *dl, struct done_item *it, struct post *p)
{
	char addr[NI_MAXHOST], csrf[33];
	struct donepage_view v = { .note = form_value(&p->form, "note"),
	    .link = form_value(&p->form, "link") };
	struct done_report r = { .item = dl->item, .unit = dl->unit, .actor = it->unit_code,
	    .remote = addr, .note = v.note, .link = v.link, .now = clock_now() };
	enum done_result res;
	enum MHD_Result rc;
	int found;

	donelink_csrf(h->key, link, csrf);
	v.csrf = csrf;
	if (check_form(h, conn, it, &v, &rc) < 0)
		return rc;
	remote_addr(conn, addr);
	if ((res = done_mark(h->db, &r)) == DONE_FAILED)
		return busy(conn);
	if (res == DONE_NO_ITEM)
		return no_item(conn);
	if (res == DONE_MARKED) {
		log_info("done item=%lld unit=%s remote=%s", (long long)r.item, r.actor, addr);
		http_forget_feeds(h);
	}
	donepage_free(it);
	found = donepage_load(h->db, dl->item, dl->unit, it);
	if (res == DONE_MARKED)
		return confirmed(h, conn, found > 0 ? it : NULL, r.now);
	return found > 0 ? closed_page(h, conn, it) : busy(conn);
}

/* A genuine link whose item exists: what the method asks, if the unit still may. */
static enum MHD_Result
answer_done(struct http *h, struct MHD_Connection *conn, const char *link,
    const struct donelink *dl, struct done_item *it, struct post *p)
{
	struct donepage_view v = { .alert = 0 };
	char csrf[33], *text;
	enum MHD_Result rc;
	int may;

	if ((may = done_unit_may(h->db, dl->item, dl->unit)) < 0)
		return busy(conn);
	if (!may) {
		text = xasprintf("Liên kết này dành cho %s, nhưng theo kế hoạch hiện hành đơn vị "
		    "này không còn chỉ đạo, chủ trì hay phối hợp thực hiện việc này. Xin liên hệ "
		    "đơn vị điều phối.", *it->unit_name ? it->unit_name : "một đơn vị đã bị xóa");
		rc = message(conn, MHD_HTTP_FORBIDDEN, "Đơn vị không còn được giao việc này",
		    text);
		free(text);
		return rc;
	}
	if (strcmp(it->status, "open"))
		return closed_page(h, conn, it);
	if (p)
		return report_done(h, conn, link, dl, it, p);
	donelink_csrf(h->key, link, csrf);
	v.csrf = csrf;
	return item_page(h, conn, MHD_HTTP_OK, it, &v);
}

/* link: what follows "/done/"; p: the POST's form, NULL for GET and HEAD. */
static enum MHD_Result
serve_done(struct http *h, struct MHD_Connection *conn, const char *link,
    struct post *p)
{
	struct donelink dl;
	struct done_item it;
	char addr[NI_MAXHOST], day[11], *text;
	enum MHD_Result rc;
	int found;

	if (p && p->too_large)
		return message(conn, MHD_HTTP_CONTENT_TOO_LARGE, "Nội dung gửi quá lớn",
		    "Ghi chú và liên kết gửi kèm quá dài. Xin rút gọn rồi gửi lại.");
	if (p && p->bad)
		return message(conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "Yêu cầu không hợp lệ",
		    "Xin gửi bằng biểu mẫu trên trang của liên kết.");
	switch (donelink_verify(h->key, link, clock_now(), &dl)) {
	case LINK_FORGED:
		remote_addr(conn, addr);
		log_info("done link refused: not genuine, remote=%s", addr);
		return message(conn, MHD_HTTP_FORBIDDEN, "Liên kết không hợp lệ",
		    "Liên kết này không đúng hoặc đã bị thay đổi. Xin mở lại đúng liên kết trong "
		    "thư nhắc việc; nếu vẫn không được, xin liên hệ đơn vị điều phối.");
	case LINK_EXPIRED:
		remote_addr(conn, addr);
		log_info("done link refused: expired, item=%lld unit=%lld remote=%s",
		    (long long)dl.item, (long long)dl.unit, addr);
		date_vn(date_of(dl.expiry), day);
		text = xasprintf("Liên kết đã hết hạn (dùng được đến hết ngày %s), xin liên hệ "
		    "đơn vị điều phối để báo hoàn thành.", day);
		rc = message(conn, MHD_HTTP_GONE, "Liên kết đã hết hạn", text);
		free(text);
		return rc;
	case LINK_VALID:
		break;
	}
	if (p && !donelink_csrf_ok(h->key, link, form_raw(&p->form, "csrf")))
		return message(conn, MHD_HTTP_FORBIDDEN, "Biểu mẫu không hợp lệ",
		    "Biểu mẫu gửi lên thiếu mã xác nhận hoặc mã không đúng. Xin mở lại liên kết "
		    "trong thư rồi bấm “Xác nhận đã hoàn thành”.");
	if ((found = donepage_load(h->db, dl.item, dl.unit, &it)) < 0)
		return busy(conn);
	if (found == 0)
		return no_item(conn);
	rc = answer_done(h, conn, link, &dl, &it, p);
	donepage_free(&it);
	return rc;
}

/*
 * The desk (desk.c): a request handed over with its query, form and cookies; a
 * sign-in's password checked on a thread while the connection waits suspended, so that
 * the loop never spends the check's time.
 */
struct desk_ctx {
	struct MHD_Connection	*conn;
	struct post		*post;
};

static const char *
desk_query(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(((struct desk_ctx *)ctx)->conn,
	    MHD_GET_ARGUMENT_KIND, name);
}

static const char *
desk_form(void *ctx, const char *name)
{
	struct post *p = ((struct desk_ctx *)ctx)->post;

	if (p == NULL)
		return NULL;
	return strcmp(name, "password") ? form_value(&p->form, name) :
	    form_raw(&p->form, name);
}

/* Append a query argument to the buffer, percent-encoded (libmicrohttpd decoded it). */
static enum MHD_Result
query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct buf *b = cls;
	char *k = curl_easy_escape(NULL, key, 0), *v = curl_easy_escape(NULL, value ? value :
	    "", 0);

	(void)kind;
	if (k && v)
		buf_printf(b, "%s%s=%s", b->len ? "&" : "", k, v);
	curl_free(k);
	curl_free(v);
	return MHD_YES;
}

static void *
check_password(void *arg)
{
	struct post *p = arg;
	struct http *h = p->h;

	p->verified = account_verify(p->hash, p->password) == 1;
	OPENSSL_cleanse(p->password, strlen(p->password));
	MHD_resume_connection(p->conn);	/* p may be gone from here on */
	if (write(h->wake, &(uint64_t){ 1 }, sizeof(uint64_t)) < 0)
		log_warn("desk: cannot wake the loop");
	pthread_mutex_lock(&h->checks_lock);
	h->checks--;
	pthread_cond_signal(&h->checks_done);
	pthread_mutex_unlock(&h->checks_lock);
	return NULL;
}

/* Check the password of rs away from the loop, then serve the request again. */
static enum MHD_Result
start_check(struct http *h, struct MHD_Connection *conn, struct post *p,
    struct desk_response *rs)
{
	pthread_attr_t attr;
	pthread_t thread;
	int full, rc;

	pthread_mutex_lock(&h->checks_lock);
	if (!(full = p == NULL || h->checks >= CHECKS_MAX))
		h->checks++;
	pthread_mutex_unlock(&h->checks_lock);
	if (full)
		return busy(conn);
	p->h = h;
	p->conn = conn;
	p->hash = rs->verify_hash;
	p->password = rs->verify_password;
	rs->verify_hash = rs->verify_password = NULL;
	MHD_suspend_connection(conn);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&thread, &attr, check_password, p);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		log_warnx("desk: no thread for a password check (%s); checked in the loop",
		    strerror(rc));
		check_password(p);
	}
	return MHD_YES;
}

static enum MHD_Result
desk_answer(struct MHD_Connection *conn, struct desk_response *rs)
{
	struct MHD_Response *r;
	char *disposition;
	size_t i;

	if (rs->status == MHD_HTTP_METHOD_NOT_ALLOWED)
		return not_allowed(conn, "GET, HEAD, POST");
	r = rs->body ? MHD_create_response_from_buffer(rs->len, rs->body,
	    MHD_RESPMEM_MUST_FREE) : MHD_create_response_from_buffer(0, "",
	    MHD_RESPMEM_PERSISTENT);
	rs->body = NULL;
	page_headers(r);
	if (rs->type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs->type);
	if (rs->location)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, rs->location);
	for (i = 0; i < 2; i++)
		if (rs->cookies[i])
			MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, rs->cookies[i]);
	if (rs->filename) {
		disposition = xasprintf("attachment; filename=\"%s\"", rs->filename);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
		free(disposition);
	}
	return queue(conn, rs->status, r);
}

static enum MHD_Result
serve_desk(struct http *h, struct MHD_Connection *conn, const char *url,
    const char *method, struct post *p)
{
	struct desk_ctx x = { conn, p };
	char addr[NI_MAXHOST];
	struct desk_request rq = { .method = method, .path = url, .arg = desk_query,
		.field = desk_form, .ctx = &x, .remote = addr, .now = clock_now(), .cal = h->cal,
		.verified = p ? p->verified : -1 };
	struct desk_response rs;
	struct buf query = { 0 };
	enum MHD_Result rc;

	if (p && p->too_large)
		return message(conn, MHD_HTTP_CONTENT_TOO_LARGE, "Nội dung gửi quá lớn",
		    "Nội dung gửi kèm quá dài. Xin rút gọn rồi gửi lại.");
	if (p && p->bad)
		return message(conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "Yêu cầu không hợp lệ",
		    "Xin gửi bằng biểu mẫu trên trang.");
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_arg, &query);
	rq.query = query.s;
	remote_addr(conn, addr);
	rq.session = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, DESK_SESSION_COOKIE);
	rq.form_cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, DESK_FORM_COOKIE);
	if (desk_serve(h->desk, &rq, &rs) == DESK_VERIFY)
		rc = start_check(h, conn, p, &rs);
	else {
		if (rs.changed)
			http_forget_feeds(h);
		rc = desk_answer(conn, &rs);
	}
	desk_response_free(&rs);
	buf_free(&query);
	return rc;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct http *h = cls;
	int done = !strncmp(url, "/done/", 6), desk = !done && desk_serves(url);
	int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");

	(void)version;
	/* The first call only announces the request: answering before its body (if any) has
	 * been read makes libmicrohttpd close the connection, losing keep-alive. */
	if (*state == NULL) {
		if (MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE)->
		    header_size > h->max_header)
			return text(conn, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
			    "Phần đầu của yêu cầu quá lớn.\n");
		if ((done || desk) && !strcmp(method, "POST"))
			return post_start(conn, state, done ? POST_MAX : DESK_POST_MAX);
		*state = &request_seen;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (*state != &request_seen)
			post_body(*state, upload, *upload_size);
		*upload_size = 0;	/* a body on a GET: read and ignored */
		return MHD_YES;
	}
	if (!get && *state != &request_seen)
		post_end(*state);
	if (done && (get || *state != &request_seen))
		return serve_done(h, conn, url + 6, get ? NULL : *state);
	if (desk && (get || *state != &request_seen))
		return serve_desk(h, conn, url, method, get ? NULL : *state);
	if (!get)
		return not_allowed(conn, done || desk ? "GET, HEAD, POST" : "GET, HEAD");
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

/* Each connection in h's list from its start, with its deadline (total_timeout). */
static void
conn_notify(void *cls, struct MHD_Connection *mhd, void **socket_context,
    enum MHD_ConnectionNotificationCode what)
{
	struct http *h = cls;
	struct conn *c = *socket_context;

	if (what == MHD_CONNECTION_NOTIFY_STARTED) {
		c = xcalloc(1, sizeof(*c));
		c->mhd = mhd;
		c->deadline = clock_monotonic_ms() + h->total_ms;
		c->prev = h->newest;
		*(h->newest ? &h->newest->next : &h->oldest) = c;
		h->newest = *socket_context = c;
		h->nconn++;
	} else if (c != NULL) {
		h->nconn--;
		*(c->prev ? &c->prev->next : &h->oldest) = c->next;
		*(c->next ? &c->next->prev : &h->newest) = c->prev;
		free(c);
		*socket_context = NULL;
	}
}

/* Shut down the sockets of connections past their deadline: libmicrohttpd sees the end
 * of the stream at once and closes them itself. The oldest come first. */
static void
cut_old(struct http *h)
{
	const union MHD_ConnectionInfo *ci;
	long long now = clock_monotonic_ms();
	struct conn *c;

	for (c = h->oldest; c && c->deadline <= now; c = c->next) {
		if (c->cut)
			continue;
		c->cut = 1;
		ci = MHD_get_connection_info(c->mhd, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci && shutdown(ci->connect_fd, SHUT_RDWR) < 0)
			log_warn("http: shutdown");
	}
}

/* Milliseconds until the next connection must be cut; -1 for none. */
static long long
next_cut(const struct http *h)
{
	const struct conn *c;

	for (c = h->oldest; c && c->cut; c = c->next)
		;
	if (c == NULL)
		return -1;
	return c->deadline > clock_monotonic_ms() ? c->deadline - clock_monotonic_ms() : 0;
}

/* h->epoll: libmicrohttpd's epoll set and h->wake. 0, or -1 with errno. */
static int
poll_set(struct http *h)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int mhd = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD)->epoll_fd;

	if ((h->epoll = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (h->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		return -1;
	ev.data.fd = mhd;
	if (epoll_ctl(h->epoll, EPOLL_CTL_ADD, mhd, &ev) < 0)
		return -1;
	ev.data.fd = h->wake;
	return epoll_ctl(h->epoll, EPOLL_CTL_ADD, h->wake, &ev);
}

struct http *
http_start(const struct config *c, sqlite3 *db, const struct donekey *key, char **err)
{
	struct http *h = xcalloc(1, sizeof(*h));
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	char port[8], *host = xstrdup(c->http_host);
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
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
	h->soon_days = c->nlead ? c->lead_days[0] : 0;
	h->cache_max = (size_t)c->feed_cache_mb << 20;
	h->desk = desk_new(c, db);
	h->epoll = h->wake = -1;
	h->total_ms = 1000LL * c->http_total_timeout;
	h->max_header = 1024 * (size_t)c->http_max_header_kb;
	h->max_conn = c->http_max_connections;
	pthread_mutex_init(&h->checks_lock, NULL);
	pthread_cond_init(&h->checks_done, NULL);
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handle, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,	/* first, or MHD logs on its own */
	    MHD_OPTION_NOTIFY_COMPLETED, request_ended, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_notify, h,
	    MHD_OPTION_SOCK_ADDR, h->addr->ai_addr,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)c->http_idle_timeout,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)c->http_max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)c->http_max_per_ip,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_SIZE(c->http_max_header_kb),
	    MHD_OPTION_END);
	if (h->mhd == NULL) {
		*err = xasprintf("cannot listen on %s:%d (in use, or not an address of this "
		    "machine?)", c->http_host, c->http_port);
		freeaddrinfo(h->addr);
		desk_free(h->desk);
		free(h);
		return NULL;
	}
	if (poll_set(h) < 0) {
		*err = xasprintf("cannot set up the HTTP server's epoll: %s", strerror(errno));
		http_stop(h);
		return NULL;
	}
	return h;
}

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	/* a check under way will resume its connection: libmicrohttpd must still be there */
	pthread_mutex_lock(&h->checks_lock);
	while (h->checks > 0)
		pthread_cond_wait(&h->checks_done, &h->checks_lock);
	pthread_mutex_unlock(&h->checks_lock);
	MHD_stop_daemon(h->mhd);
	desk_free(h->desk);
	if (h->epoll >= 0)
		close(h->epoll);
	if (h->wake >= 0)
		close(h->wake);
	pthread_mutex_destroy(&h->checks_lock);
	pthread_cond_destroy(&h->checks_done);
	http_forget_feeds(h);
	freeaddrinfo(h->addr);
	free(h);
}

int
http_fd(const struct http *h)
{
	return h->epoll;
}

int
http_timeout_ms(struct http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;
	long long t = MHD_get_timeout(h->mhd, &ms) == MHD_YES ? (long long)ms : -1,
	    cut = next_cut(h);

	if (t < 0 || (cut >= 0 && cut < t))
		t = cut;
	return t > 60000 ? 60000 : (int)t;
}

void
http_run(struct http *h)
{
	uint64_t n;
	int full;

	if (read(h->wake, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("http: wake");
	cut_old(h);
	/* At max_connections libmicrohttpd stops listening, and listens again only in the
	 * run after one closes, which must come now rather than at the next event. */
	do {
		full = h->nconn >= h->max_conn;
		MHD_run(h->mhd);
	} while (full && h->nconn < h->max_conn);
}

void
http_set_cache_mb(struct http *h, int mb)
{
	h->cache_max = (size_t)mb << 20;
	while (h->cached > h->cache_max && h->lru)
		drop_entry(h, h->lru);
}

void
http_set_workcal(struct http *h, struct workcal *cal)
{
	h->cal = cal;
}
