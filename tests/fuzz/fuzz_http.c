/*
 * libFuzzer: a request as http.c would hand it over, without libmicrohttpd:
 *
 *	METHOD PATH[?QUERY]\n
 *	Name: value\n		(headers, as many as wanted)
 *	\n
 *	body			(a POST's form)
 *
 * routed as handle() routes it: /feeds/ (the path, Accept-Encoding, If-None-Match,
 * If-Modified-Since), /done/ (the link, the form, the item's page) and the desk
 * (desk_serve() with the query, the form and the cookies). The database is the Văn Quan
 * plan synced into memory, with an account signed in; the plan's files are read from the
 * working directory (the tree's top, as make runs it). "@SESSION@", "@CSRF@", "@LINK@",
 * "@LINKCSRF@", "@FEED@" and "@MEETING@" anywhere in the input stand for that session's
 * cookie and token, a genuine done link of an open item and its form's token, a genuine
 * feed path and a meeting's id, so that the fuzzer gets past them. The database is put back as it was after any input that changed it.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "config.h"
#include "date.h"
#include "desk.h"
#include "diag.h"
#include "donelink.h"
#include "donepage.h"
#include "log.h"
#include "request.h"
#include "store.h"
#include "sync.h"
#include "token.h"
#include "xalloc.h"

#define NOW		1522024190	/* 26/03/2018 07:29:50 +07, as make demo */
#define PASSWORD	"mat-khau-thu-nghiem"
#define KEY_HEX		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"

/* An open item and the unit that leads it: a done link's. */
#define FIRST_ITEM	"(SELECT min(o.id) FROM occurrence o JOIN task_unit tu ON " \
			"tu.task_id = o.task_id AND tu.role = 'lead' WHERE o.status = 'open')"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static struct desk *desk;
static struct workcal *cal;
static struct donekey *key;
static unsigned char *image;		/* the database after set-up */
static sqlite3_int64 image_size;
static char session[65], csrf[65], link_csrf[33], *done_link, *feed, *meeting;

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz-http: %s: %s\n", what, why ? why : "failed");
	abort();
}

static char *
temp_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f;

	umask(077);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		die(path, "cannot write");
	return path;
}

static struct config *
load_config(const char *dir)
{
	struct diag d = { 0 };
	struct config *c;
	char *text = xasprintf("database = \"%s/ntmd.db\";\n"
	    "calendars = [ \"calendars/van-quan-2018.conf\" ];\n"
	    "catalogs = [ \"config/catalogs/*.conf\" ];\n"
	    "holidays = [ \"config/holidays/*.conf\" ];\n"
	    "timezone = \"Asia/Ho_Chi_Minh\";\n"
	    "http = { listen = \"127.0.0.1:8470\"; base_url = \"http://127.0.0.1:8470\"; };\n"
	    "smtp = { url = \"file:%s\"; from = \"NTM <ntm@vanquan.example>\"; };\n", dir, dir);
	char *path = temp_file(dir, "ntmd.conf", text);

	if ((c = config_load(path, &d)) == NULL) {
		diag_print(&d, stderr);
		die(path, "not a valid configuration");
	}
	unlink(path);
	free(path);
	free(text);
	return c;
}

/* The signed-in account, a done link and a feed path the inputs may name. */
static void
set_up(const struct config *c, const char *dir)
{
	struct sync_stats st;
	struct diag d = { 0 };
	char *hash, *err = NULL, *path, *token;
	sqlite3_int64 unit;

	if ((db = store_open(":memory:", &err)) == NULL)
		die("database", err);
	if (zone_set(c->timezone) < 0 || sync_calendars(db, c, NOW, &st, &cal, &d) < 0) {
		diag_print(&d, stderr);
		die("sync", NULL);
	}
	unit = store_int(db, "SELECT id FROM unit WHERE code = 'vpdp'");
	if ((hash = account_hash(PASSWORD)) == NULL || account_add(db, "dieuphoi", unit, hash,
	    NOW) != 0 || session_start(db, store_int(db, "SELECT id FROM account"), NOW,
	    session, csrf) < 0)
		die("account", sqlite3_errmsg(db));
	free(hash);
	path = temp_file(dir, "link.key", KEY_HEX);
	if ((key = donelink_key_load(path, 0, &err)) == NULL)
		die(path, err);
	unlink(path);
	free(path);
	done_link = donelink_path(key, store_int(db, "SELECT " FIRST_ITEM), store_int(db,
	    "SELECT min(unit_id) FROM task_unit WHERE role = 'lead' AND task_id = "
	    "(SELECT task_id FROM occurrence WHERE id = " FIRST_ITEM ")"), NOW + 86400);
	donelink_csrf(key, done_link + 6, link_csrf);
	if ((token = token_for_unit(db, unit, NOW)) == NULL)
		die("token", NULL);
	feed = xasprintf("/feeds/%s/vpdp.ics", token);
	meeting = xasprintf("%lld", (long long)store_int(db, "SELECT min(o.id) FROM occurrence o "
	    "JOIN task t ON t.id = o.task_id WHERE t.kind = 'meeting'"));
	free(token);
	if ((image = sqlite3_serialize(db, "main", &image_size, 0)) == NULL)
		die("serialize", sqlite3_errmsg(db));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/fuzz-http.XXXXXX";
	struct config *c;

	(void)argc, (void)argv;
	log_init("fuzz-http", 0);
	if (mkdtemp(dir) == NULL)
		die(dir, "mkdtemp");
	c = load_config(dir);
	set_up(c, dir);
	desk = desk_new(c, db);
	config_free(c);
	rmdir(dir);
	return 0;
}

/* The database as set up again. */
static void
restore(void)
{
	unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)image_size);

	memcpy(copy, image, (size_t)image_size);
	if (sqlite3_deserialize(db, "main", copy, image_size, image_size,
	    SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK)
		die("deserialize", sqlite3_errmsg(db));
}

/* text with the placeholders replaced (allocated). */
static char *
expand(const char *text)
{
	const char *names[] = { "@SESSION@", "@CSRF@", "@LINK@", "@LINKCSRF@", "@FEED@",
	    "@MEETING@" };
	const char *values[] = { session, csrf, done_link, link_csrf, feed, meeting };
	struct buf b = { 0 };
	size_t i;

	buf_append(&b, "", 0);
	while (*text) {
		for (i = 0; i < 6 && strncmp(text, names[i], strlen(names[i])); i++)
			;
		if (i < 6) {
			buf_puts(&b, values[i]);
			text += strlen(names[i]);
		} else
			buf_append(&b, text++, 1);
	}
	return buf_steal(&b);
}

/* A request, split in place. */
struct req {
	char		*method, *path, *query, *body;
	char		*name[16], *value[16];
	size_t		 nheader;
	struct form	 args, form;
	const char	*cookie[2];	/* the session's and the sign-in form's */
};

static const char *
header(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheader; i++)
		if (!strcasecmp(r->name[i], name))
			return r->value[i];
	return NULL;
}

/* "a=1; b=2" as libmicrohttpd reads a Cookie header: the two the desk is given. */
static void
cookies(struct req *r, char *s)
{
	char *name, *value;

	while (s && *s) {
		s += strspn(s, " ;");
		name = s;
		s += strcspn(s, ";");
		if (*s)
			*s++ = '\0';
		if ((value = strchr(name, '=')) == NULL)
			continue;
		*value++ = '\0';
		if (!strcmp(name, DESK_SESSION_COOKIE))
			r->cookie[0] = value;
		else if (!strcmp(name, DESK_FORM_COOKIE))
			r->cookie[1] = value;
	}
}

static void
split(struct req *r, char *text)
{
	char *line, *next, *colon;

	r->method = text;
	next = text + strcspn(text, "\n");
	r->body = *next ? next + 1 : next;
	*next = '\0';
	r->path = text + strcspn(text, " ");
	if (*r->path)
		*r->path++ = '\0';
	if ((r->query = strchr(r->path, '?')) != NULL)
		*r->query++ = '\0';
	for (line = r->body; *line && *line != '\n'; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if ((colon = strchr(line, ':')) == NULL || r->nheader == 16)
			continue;
		*colon++ = '\0';
		r->name[r->nheader] = line;
		r->value[r->nheader++] = colon + strspn(colon, " \t");
	}
	r->body = *line ? line + 1 : line;
	if (r->query)
		form_parse(&r->args, r->query, strlen(r->query));
	form_parse(&r->form, r->body, strlen(r->body));
	cookies(r, (char *)header(r, "Cookie"));
}

/* A value as form_value() keeps it: no controls but line ends and tabs, trimmed. */
static const char *
kept(const char *v)
{
	const char *c;

	if (v == NULL)
		return NULL;
	for (c = v; *c; c++)
		if ((unsigned char)*c < ' ' && *c != '\n' && *c != '\t')
			abort();
	if (!*v || strchr(" \t\n", *v) || strchr(" \t\n", c[-1]))
		abort();
	return v;
}

static void
serve_feed(struct req *r)
{
	char token[64], code[128];

	if (request_feed_path(r->path + 7, token, code) == 0)
		(void)token_lookup(db, token);
	(void)request_wants_gzip(header(r, "Accept-Encoding"));
	(void)request_not_modified(header(r, "If-None-Match"), header(r, "If-Modified-Since"),
	    "\"0123456789abcdef0123456789abcdef-gzip\"", NOW);
}

/* serve_done()'s reading of a link and a form, and the page it draws. */
static void
serve_done(struct req *r, int post)
{
	struct donepage_view v = { .now = NOW, .soon_days = 7, .alert = post };
	struct donelink dl;
	struct done_item it;
	char token[33];

	if (donelink_verify(key, r->path + 6, NOW, &dl) != LINK_VALID)
		return;
	donelink_csrf(key, r->path + 6, token);
	v.csrf = token;
	if (post) {
		(void)donelink_csrf_ok(key, r->path + 6, form_raw(&r->form, "csrf"));
		v.note = kept(form_value(&r->form, "note"));
		v.link = kept(form_value(&r->form, "link"));
	}
	if (donepage_load(db, dl.item, dl.unit, &it) <= 0)
		return;
	free(donepage_item(&it, &v));
	donepage_free(&it);
}

static const char *
arg(void *ctx, const char *name)
{
	return kept(form_value(&((struct req *)ctx)->args, name));
}

static const char *
field(void *ctx, const char *name)
{
	struct form *f = &((struct req *)ctx)->form;

	return strcmp(name, "password") ? kept(form_value(f, name)) : form_raw(f, name);
}

/* serve_desk(): the password check, done on a thread there, is a comparison here. */
static void
serve_desk(struct req *r)
{
	struct desk_request rq = { .method = r->method, .path = r->path, .query = r->query,
		.arg = arg, .field = field, .ctx = r, .session = r->cookie[0],
		.form_cookie = r->cookie[1], .remote = "192.0.2.1", .now = NOW, .cal = cal,
		.verified = -1 };
	struct desk_response rs;

	if (desk_serve(desk, &rq, &rs) == DESK_VERIFY) {
		rq.verified = !strcmp(rs.verify_password, PASSWORD) &&
		    strcmp(rs.verify_hash, account_dummy_hash());
		desk_response_free(&rs);
		if (desk_serve(desk, &rq, &rs) == DESK_VERIFY)
			abort();	/* asked twice */
	}
	if (rs.status < 200 || rs.status > 599 || (rs.body && strlen(rs.body) > rs.len))
		abort();
	desk_response_free(&rs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = xmalloc(size + 1), *text;
	struct req r = { 0 };
	int changes = sqlite3_total_changes(db), get, post;

	memcpy(raw, data, size);
	raw[size] = '\0';
	text = expand(raw);
	split(&r, text);
	get = !strcmp(r.method, "GET") || !strcmp(r.method, "HEAD");
	post = !strcmp(r.method, "POST");
	if (!strncmp(r.path, "/done/", 6) && (get || post))
		serve_done(&r, post);
	else if (desk_serves(r.path) && (get || post))
		serve_desk(&r);
	else if (!strncmp(r.path, "/feeds/", 7) && get)
		serve_feed(&r);
	form_free(&r.args);
	form_free(&r.form);
	free(text);
	free(raw);
	if (sqlite3_total_changes(db) != changes)
		restore();
	return 0;
}
