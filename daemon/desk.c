/*
 * The coordinator's desk: sign-in, sessions and anti-forgery tokens, the pages' frame,
 * and the routes. What each page shows is deskpage.c's.
 */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "desk.h"
#include "deskpage.h"
#include "html.h"
#include "log.h"
#include "xalloc.h"

struct desk {
	sqlite3	*db;
	char	*prefix;	/* the base URL's path: "" or "/ntm" */
	int	 secure;	/* https: cookies only over TLS */
	int	 soon_days;
};

struct desk *
desk_new(const struct config *c, sqlite3 *db)
{
	struct desk *d = xcalloc(1, sizeof(*d));
	const char *url = c->base_url, *host = strstr(url, "://"), *path;

	host = host ? host + 3 : url;
	path = host + strcspn(host, "/");
	d->db = db;
	d->prefix = xstrdup(path);
	d->secure = !strncmp(url, "https://", 8);
	d->soon_days = c->nlead ? c->lead_days[0] : 0;
	/* made now, at start: later calls only read it, in the loop and from threads */
	account_dummy_hash();
	return d;
}

void
desk_free(struct desk *d)
{
	if (d == NULL)
		return;
	free(d->prefix);
	free(d);
}

void
desk_response_free(struct desk_response *rs)
{
	free(rs->body);
	free(rs->location);
	free(rs->cookies[0]);
	free(rs->cookies[1]);
	free(rs->filename);
	free(rs->verify_hash);
	free_secret(rs->verify_password);
	*rs = (struct desk_response){ 0 };
}

const char *
desk_arg(const struct desk_page *pg, const char *name)
{
	const struct desk_request *rq = pg->rq;
	const char *v = rq->arg ? rq->arg(rq->ctx, name) : NULL;

	return v && *v ? v : NULL;
}

const char *
desk_field(const struct desk_page *pg, const char *name)
{
	const struct desk_request *rq = pg->rq;

	return rq->field ? rq->field(rq->ctx, name) : NULL;
}

char *
desk_link(const struct desk_page *pg, const char *path)
{
	return xasprintf("%s%s", pg->prefix, path);
}

void
desk_html(struct desk_page *pg, unsigned int status, char *html)
{
	pg->rs->status = status;
	pg->rs->type = "text/html; charset=utf-8";
	pg->rs->body = html;
	pg->rs->len = strlen(html);
}

void
desk_redirect(struct desk_page *pg, const char *path)
{
	pg->rs->status = 303;
	pg->rs->location = desk_link(pg, path);
}

/* A page saying only text under heading, framed as the desk's when signed in. */
void
desk_message(struct desk_page *pg, unsigned int status, const char *heading,
    const char *text)
{
	struct buf b = { 0 };

	desk_begin(pg, &b, heading, NULL);
	html_printf(&b, "<h1>%s</h1>\n<p>%s</p>\n", heading, text);
	desk_html(pg, status, html_end(&b));
}

char *
desk_query_escape(const char *s)
{
	struct buf b = { 0 };

	for (; *s; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/",
		    *s))
			buf_append(&b, s, 1);
		else
			buf_printf(&b, "%%%02X", (unsigned char)*s);
	return buf_steal(&b);
}

static const struct {
	const char	*path, *label;
} menu[] = {
	{ "/", "Tổng hợp" },
	{ "/overdue", "Quá hạn" },
	{ "/progress", "Tiến độ xã" },
	{ "/assignments", "Phân công tiêu chí" },
	{ "/calendar", "Lịch" },
};

void
desk_begin(struct desk_page *pg, struct buf *b, const char *title, const char *here)
{
	char *href;
	size_t i;

	html_begin(b, title, "wide");
	if (pg->who.login == NULL)
		return;
	buf_puts(b, "<nav>");
	for (i = 0; i < sizeof(menu) / sizeof(*menu); i++) {
		href = desk_link(pg, menu[i].path);
		if (here && !strcmp(here, menu[i].path))
			html_printf(b, "<a href=\"%p\" class=\"here\" aria-current=\"page\">%s</a>",
			    href, menu[i].label);
		else
			html_printf(b, "<a href=\"%p\">%s</a>", href, menu[i].label);
		free(href);
	}
	href = desk_link(pg, "/signout");
	html_printf(b, "<span class=\"who\">%s — %s <form method=\"post\" action=\"%p\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\">"
	    "Đăng xuất</button></form></span></nav>\n", pg->who.login, pg->who.unit_name,
	    href, pg->csrf);
	free(href);
}

static int
is_hex64(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* Whether a and b, secrets of 64 hex digits, are equal, in constant time. */
static int
same_secret(const char *a, const char *b)
{
	return is_hex64(a) && is_hex64(b) && CRYPTO_memcmp(a, b, 64) == 0;
}

static char *
cookie(const struct desk *d, const char *name, const char *value, long max_age)
{
	return xasprintf("%s=%s; Path=%s; Max-Age=%ld; HttpOnly; SameSite=Strict%s", name,
	    value, *d->prefix ? d->prefix : "/", max_age, d->secure ? "; Secure" : "");
}

/* Where to go after signing in: a path of the desk, else its summary. */
static const char *
next_path(const char *next)
{
	const char *s;

	if (next == NULL || next[0] != '/' || next[1] == '/')
		return "/";
	/* browsers drop tabs and line ends from a URL and read '\\' as '/': "/\t/x" and
	 * "/\\x" would leave the site */
	for (s = next; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '\\')
			return "/";
	return next;
}

static void
signin_page(struct desk_page *pg, unsigned int status, const char *error)
{
	const char *next = next_path(desk_arg(pg, "next") ? desk_arg(pg, "next") :
	    desk_field(pg, "next"));
	char token[65], raw[32], *action = desk_link(pg, "/signin");
	struct buf b = { 0 };

	if (is_hex64(pg->rq->form_cookie))
		memcpy(token, pg->rq->form_cookie, sizeof(token));
	else {
		if (RAND_bytes((unsigned char *)raw, sizeof(raw)) != 1)
			fatalx("RAND_bytes failed");
		hex_encode((unsigned char *)raw, sizeof(raw), token);
		pg->rs->cookies[0] = cookie(pg->desk, DESK_FORM_COOKIE, token, 3600);
	}
	desk_begin(pg, &b, "Đăng nhập", NULL);
	buf_puts(&b, "<h1>Theo dõi, đôn đốc thực hiện kế hoạch nông thôn mới</h1>\n");
	if (error)
		html_printf(&b, "<div class=\"notice alert\" role=\"alert\"><p>%s</p></div>\n",
		    error);
	html_printf(&b, "<form method=\"post\" action=\"%p\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
	    "<input type=\"hidden\" name=\"next\" value=\"%s\">\n"
	    "<label for=\"login\">Tên đăng nhập</label>\n<input id=\"login\" name=\"login\" "
	    "autocomplete=\"username\" autocapitalize=\"none\" required maxlength=\"%d\">\n"
	    "<label for=\"password\">Mật khẩu</label>\n<input id=\"password\" name=\"password\" "
	    "type=\"password\" autocomplete=\"current-password\" required>\n"
	    "<button type=\"submit\">Đăng nhập</button>\n</form>\n<p class=\"small\">Tài khoản "
	    "do đơn vị điều phối cấp (ntmctl user add).</p>\n", action, token, next,
	    ACCOUNT_LOGIN_MAX);
	free(action);
	desk_html(pg, status, html_end(&b));
}

/* The second pass of a sign-in, the password checked: a session, or the form again. */
static void
signin_end(struct desk_page *pg, const char *login, int found)
{
	const struct desk_request *rq = pg->rq;
	char session[65], csrf[65];

	if (!found || rq->verified != 1) {
		account_free(&pg->who);	/* the refusal is the same for any login */
		/* an unknown "login" may be a password typed in the wrong field: not logged */
		log_info("desk: sign-in refused for %s%s%s from %s", found ? "\"" : "an unknown login",
		    found ? login : "", found ? "\"" : "", rq->remote);
		if (signin_failed(pg->db, login, rq->remote, rq->now) < 0)
			return desk_message(pg, 503, "Hệ thống đang bận", "Xin thử lại sau.");
		return signin_page(pg, 403, "Tên đăng nhập hoặc mật khẩu không đúng.");
	}
	if (signin_succeeded(pg->db, login) < 0 ||
	    session_start(pg->db, pg->who.id, rq->now, session, csrf) < 0)
		return desk_message(pg, 503, "Hệ thống đang bận", "Xin thử lại sau.");
	log_info("desk: \"%s\" signed in from %s", login, rq->remote);
	pg->rs->cookies[0] = cookie(pg->desk, DESK_SESSION_COOKIE, session, SESSION_SECONDS);
	pg->rs->cookies[1] = cookie(pg->desk, DESK_FORM_COOKIE, "", 0);
	desk_redirect(pg, next_path(desk_field(pg, "next")));
	OPENSSL_cleanse(session, sizeof(session));
}

static enum desk_step
signin(struct desk_page *pg)
{
	const char *login = desk_field(pg, "login"), *password = desk_field(pg, "password");
	char *hash = NULL, *why;
	long wait;
	int found;

	if (!same_secret(desk_field(pg, "csrf"), pg->rq->form_cookie)) {
		signin_page(pg, 403, "Trang đăng nhập đã cũ. Xin đăng nhập lại.");
		return DESK_ANSWER;
	}
	if (login == NULL || password == NULL || !account_login_ok(login) ||
	    strlen(password) > ACCOUNT_PASSWORD_MAX) {
		signin_page(pg, 403, "Tên đăng nhập hoặc mật khẩu không đúng.");
		return DESK_ANSWER;
	}
	if ((wait = signin_wait(pg->db, login, pg->rq->remote, pg->rq->now)) != 0) {
		why = wait < 0 ? xstrdup("Hệ thống đang bận, xin thử lại sau.") :
		    xasprintf("Đăng nhập sai nhiều lần. Xin thử lại sau %ld giây.", wait);
		signin_page(pg, wait < 0 ? 503 : 429, why);
		free(why);
		return DESK_ANSWER;
	}
	if ((found = account_find(pg->db, login, &pg->who, &hash)) < 0) {
		desk_message(pg, 503, "Hệ thống đang bận", "Xin thử lại sau.");
		return DESK_ANSWER;
	}
	if (pg->rq->verified < 0) {
		/* an unknown login costs the same time as a known one */
		pg->rs->verify_hash = found ? hash : xstrdup(account_dummy_hash());
		pg->rs->verify_password = xstrdup(password);
		return DESK_VERIFY;
	}
	free(hash);
	signin_end(pg, login, found);
	return DESK_ANSWER;
}

static void
signout(struct desk_page *pg)
{
	if (session_end(pg->db, pg->rq->session) < 0)
		return desk_message(pg, 503, "Hệ thống đang bận", "Xin thử lại sau.");
	pg->rs->cookies[0] = cookie(pg->desk, DESK_SESSION_COOKIE, "", 0);
	desk_redirect(pg, "/signin");
}

static const struct route {
	const char	*path;
	int		 post;		/* answers POST (with the session's token) */
	void		(*serve)(struct desk_page *);
} routes[] = {
	{ "/", 0, deskpage_summary },
	{ "/unit", 0, deskpage_unit },
	{ "/overdue", 0, deskpage_overdue },
	{ "/item", 1, deskpage_item },
	{ "/progress", 0, deskpage_progress },
	{ "/assignments", 0, deskpage_assignments },
	{ "/calendar", 0, deskpage_calendar },
	{ "/signout", 1, signout },
};

int
desk_serves(const char *path)
{
	size_t i;

	if (!strcmp(path, "/signin"))
		return 1;
	for (i = 0; i < sizeof(routes) / sizeof(*routes); i++)
		if (!strcmp(path, routes[i].path))
			return 1;
	return 0;
}

/* Signed in: the page asked for. */
static void
serve_signed_in(struct desk_page *pg, const struct route *r)
{
	int post = !strcmp(pg->rq->method, "POST");

	if (post && !r->post) {
		pg->rs->status = 405;
		return;
	}
	if (!post && r->serve == signout) {
		desk_redirect(pg, "/");
		return;
	}
	if (post && !same_secret(desk_field(pg, "csrf"), pg->csrf)) {
		log_info("desk: POST %s by \"%s\" without its token refused", pg->rq->path,
		    pg->who.login);
		return desk_message(pg, 403, "Không thực hiện được",
		    "Biểu mẫu đã cũ hoặc không phải của trang này. Xin tải lại trang rồi làm lại.");
	}
	r->serve(pg);
}

/* Not signed in: the sign-in page, whatever was asked for. */
static void
to_signin(struct desk_page *pg)
{
	char *next, *path;

	if (strcmp(pg->rq->method, "POST") == 0)
		return desk_message(pg, 403, "Phiên làm việc đã hết",
		    "Xin đăng nhập lại rồi làm lại.");
	path = pg->rq->query && *pg->rq->query ? xasprintf("%s?%s", pg->rq->path,
	    pg->rq->query) : xstrdup(pg->rq->path);
	next = desk_query_escape(path);
	free(path);
	path = xasprintf("/signin?next=%s", next);
	desk_redirect(pg, path);
	free(path);
	free(next);
}

enum desk_step
desk_serve(struct desk *d, const struct desk_request *rq, struct desk_response *rs)
{
	struct desk_page pg = { .desk = d, .db = d->db, .rq = rq, .rs = rs,
		.prefix = d->prefix, .soon_days = d->soon_days };
	enum desk_step step = DESK_ANSWER;
	size_t i;
	int found;

	*rs = (struct desk_response){ 0 };
	for (i = 0; i < sizeof(routes) / sizeof(*routes); i++)
		if (!strcmp(routes[i].path, rq->path))
			break;
	found = is_hex64(rq->session) ? session_find(d->db, rq->session, rq->now, &pg.who,
	    pg.csrf) : 0;
	if (!strcmp(rq->path, "/signin")) {
		account_free(&pg.who);	/* signing in again: a new session */
		if (strcmp(rq->method, "POST"))
			signin_page(&pg, 200, NULL);
		else
			step = signin(&pg);
	} else if (i == sizeof(routes) / sizeof(*routes))
		desk_message(&pg, 404, "Không tìm thấy", "Không có trang này.");
	else if (found < 0)
		desk_message(&pg, 503, "Hệ thống đang bận", "Xin thử lại sau ít phút.");
	else if (found == 0)
		to_signin(&pg);
	else {
		pg.scope = (struct report_scope){ .org_id = pg.who.org_id, .now = rq->now };
		serve_signed_in(&pg, &routes[i]);
	}
	account_free(&pg.who);
	return step;
}
