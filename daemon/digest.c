/* The text of a reminder mail: every item a unit must mind, in one message. */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "digest.h"
#include "feed.h"
#include "log.h"
#include "mail.h"
#include "store.h"
#include "token.h"
#include "xalloc.h"

struct item {
	long long	 id;
	char		*title, *when, *plan_number, *ref, *direct, *support;
	ntm_date	 due, latest;
	ntm_date	 due_original;	/* the plan's day where the deadline rule moved it */
};

static void
html_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_append(b, s, 1);
		}
	}
}

static char *
column(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return xstrdup(s ? (const char *)s : "");
}

static void
free_items(struct item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(items[i].title), free(items[i].when), free(items[i].plan_number);
		free(items[i].ref), free(items[i].direct), free(items[i].support);
	}
	free(items);
}

static size_t
load_items(sqlite3 *db, const char *msgid, struct item **out)
{
	sqlite3_stmt *st = store_stmt(db, "SELECT o.id, t.title, t.when_text, p.number, "
	    "t.ref, o.due, " STORE_ROLE_NAMES("direct") ", " STORE_ROLE_NAMES("support") ", "
	    "o.latest, o.due_original "
	    "FROM occurrence o JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id "
	    "WHERE o.id IN (SELECT occurrence_id FROM reminder WHERE message_id = ?) "
	    "AND o.status = 'open' ORDER BY o.due, o.id");
	size_t n = 0;
	int rc;

	*out = NULL;
	sqlite3_bind_text(st, 1, msgid, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct item *it;

		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		it = &(*out)[n++];
		it->id = sqlite3_column_int64(st, 0);
		it->title = column(st, 1);
		it->when = column(st, 2);
		it->plan_number = column(st, 3);
		it->ref = column(st, 4);
		if (date_parse_iso((const char *)sqlite3_column_text(st, 5), &it->due) < 0)
			it->due = 0;
		it->direct = column(st, 6);
		it->support = column(st, 7);
		if (date_parse_iso((const char *)sqlite3_column_text(st, 8), &it->latest) < 0 ||
		    it->latest < it->due)
			it->latest = it->due;
		if (sqlite3_column_type(st, 9) == SQLITE_NULL ||
		    date_parse_iso((const char *)sqlite3_column_text(st, 9), &it->due_original) < 0)
			it->due_original = it->due;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("database: the items of <%s>: %s", msgid, sqlite3_errmsg(db));
		free_items(*out, n);
		*out = NULL;
		return 0;
	}
	return n;
}

/* "còn 7 ngày", "hạn là hôm nay", "đã quá hạn 3 ngày, chậm nhất hết 15/03/2018",
 * "đã quá hạn chậm nhất 2 ngày". */
static char *
state_phrase(const struct item *it, ntm_date today)
{
	char day[11];

	if (it->due > today)
		return xasprintf("còn %d ngày", it->due - today);
	if (it->due == today)
		return xstrdup("hạn là hôm nay");
	if (today <= it->latest) {
		date_vn(it->latest, day);
		return xasprintf("đã quá hạn %d ngày, chậm nhất hết %s", today - it->due, day);
	}
	if (it->latest > it->due)
		return xasprintf("đã quá hạn chậm nhất %d ngày", today - it->latest);
	return xasprintf("đã quá hạn %d ngày", today - it->due);
}

/* Why the deadline is not the day the plan wrote, or "". */
static char *
moved_note(const struct item *it)
{
	char day[11];

	if (it->due_original == it->due)
		return xstrdup("");
	date_vn(it->due_original, day);
	return xasprintf("kế hoạch ghi %s, là ngày nghỉ; hạn chuyển %s theo khoản 5 Điều 148 "
	    "Bộ luật Dân sự 2015", day, it->due_original < it->due ?
	    "sang ngày làm việc tiếp theo" : "về ngày làm việc liền trước");
}

static char *
subject(const struct item *items, size_t n, ntm_date today)
{
	char *phrase, *s, day[11];
	size_t late = 0, i;

	if (n == 1) {
		phrase = state_phrase(&items[0], today);
		date_vn(items[0].due, day);
		s = xasprintf("[NTM] Nhắc hạn %s (%s): %s", day, phrase, items[0].title);
		free(phrase);
		return s;
	}
	for (i = 0; i < n; i++)
		late += items[i].due < today;
	date_vn(today, day);
	if (late)
		return xasprintf("[NTM] Nhắc việc ngày %s: %zu việc, trong đó %zu việc quá hạn",
		    day, n, late);
	return xasprintf("[NTM] Nhắc việc ngày %s: %zu việc sắp đến hạn", day, n);
}

static void
render_item(struct buf *text, struct buf *html, const struct item *it, size_t k,
    ntm_date today)
{
	char day[11], latest[11], *phrase = state_phrase(it, today), *moved = moved_note(it);

	date_vn(it->due, day);
	date_vn(it->latest, latest);
	buf_printf(text, "%zu. %s\n   Hạn: %s, %s (%s)\n", k, it->title,
	    date_weekday_vn(it->due), day, phrase);
	if (*moved)
		buf_printf(text, "   (%s)\n", moved);
	if (it->latest > it->due)
		buf_printf(text, "   Chậm nhất: %s, %s\n", date_weekday_vn(it->latest), latest);
	buf_printf(text, "   Thời gian theo kế hoạch: %s\n   Kế hoạch số %s, mục %s\n"
	    "   Chỉ đạo: %s\n", it->when, it->plan_number, it->ref, it->direct);
	if (*it->support)
		buf_printf(text, "   Phối hợp: %s\n", it->support);
	buf_printf(text, "   Mã công việc: %lld\n\n", it->id);
	buf_puts(html, "<li><p><b>");
	html_escape(html, it->title);
	buf_printf(html, "</b><br>\nHạn: <b>%s, %s</b> (%s)<br>\n",
	    date_weekday_vn(it->due), day, phrase);
	if (*moved)
		buf_printf(html, "(%s)<br>\n", moved);
	if (it->latest > it->due)
		buf_printf(html, "Chậm nhất: <b>%s, %s</b><br>\n", date_weekday_vn(it->latest),
		    latest);
	buf_puts(html, "Thời gian theo kế hoạch: ");
	html_escape(html, it->when);
	buf_puts(html, "<br>\nKế hoạch số ");
	html_escape(html, it->plan_number);
	buf_printf(html, ", mục %s<br>\nChỉ đạo: ", it->ref);
	html_escape(html, it->direct);
	if (*it->support) {
		buf_puts(html, "<br>\nPhối hợp: ");
		html_escape(html, it->support);
	}
	buf_printf(html, "<br>\nMã công việc: %lld</p></li>\n", it->id);
	free(phrase);
	free(moved);
}

static void
render_bodies(struct buf *text, struct buf *html, const char *unit_name,
    const struct item *items, size_t n, ntm_date today, const char *feed_url)
{
	size_t i;

	buf_printf(text, "Kính gửi: %s\n\nHệ thống nhắc việc Chương trình MTQG xây dựng nông "
	    "thôn mới xin nhắc đơn vị các công việc do đơn vị chủ trì thực hiện:\n\n", unit_name);
	buf_puts(html, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "</head><body>\n<p>Kính gửi: <b>");
	html_escape(html, unit_name);
	buf_puts(html, "</b></p>\n<p>Hệ thống nhắc việc Chương trình MTQG xây dựng nông thôn "
	    "mới xin nhắc đơn vị các công việc do đơn vị chủ trì thực hiện:</p>\n<ol>\n");
	for (i = 0; i < n; i++)
		render_item(text, html, &items[i], i + 1, today);
	buf_printf(text, "Khi hoàn thành, xin báo Văn phòng Điều phối kèm mã công việc để "
	    "đánh dấu đã xong; hệ thống sẽ thôi nhắc việc đó.\n\nLịch công việc của đơn vị "
	    "(đăng ký trong Outlook, Google Calendar hoặc điện thoại):\n%s\n\n-- \n"
	    "Thư gửi tự động, xin không trả lời thư này.\n", feed_url);
	buf_printf(html, "</ol>\n<p>Khi hoàn thành, xin báo Văn phòng Điều phối kèm mã công "
	    "việc để đánh dấu đã xong; hệ thống sẽ thôi nhắc việc đó.</p>\n<p>Lịch công việc "
	    "của đơn vị (đăng ký trong Outlook, Google Calendar hoặc điện thoại):<br>\n"
	    "<a href=\"%s\">%s</a></p>\n<p>-- <br>\nThư gửi tự động, xin không trả lời "
	    "thư này.</p>\n</body></html>\n", feed_url, feed_url);
}

/* The unit's code, name and addresses; -1 if it has none or the database fails. */
static int
load_unit(sqlite3 *db, sqlite3_int64 unit, struct digest *dg, char **name)
{
	sqlite3_stmt *st = store_stmt(db, "SELECT code, name FROM unit WHERE id = ?");
	struct buf list = { 0 };
	int rc;

	sqlite3_bind_int64(st, 1, unit);
	rc = sqlite3_step(st);
	dg->unit_code = column(st, 0);
	*name = column(st, 1);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	st = store_stmt(db, "SELECT address FROM unit_email WHERE unit_id = ? ORDER BY address");
	sqlite3_bind_int64(st, 1, unit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dg->to = xrealloc(dg->to, (dg->nto + 1) * sizeof(char *));
		dg->to[dg->nto] = column(st, 0);
		buf_printf(&list, "%s%s", dg->nto ? "," : "", dg->to[dg->nto]);
		dg->nto++;
	}
	sqlite3_reset(st);
	dg->to_list = buf_steal(&list);
	return rc == SQLITE_DONE && dg->nto > 0 ? 0 : -1;
}

struct digest *
digest_build(sqlite3 *db, const struct config *c, sqlite3_int64 unit, const char *msgid,
    time_t now)
{
	struct digest *dg = xcalloc(1, sizeof(*dg));
	struct buf text = { 0 }, html = { 0 };
	struct item *items;
	struct feed_query q = { .message_id = msgid, .now = now };
	char *unit_name, *token, *feed_url, *subj, *ics, *from = config_from_address(c);
	ntm_date today = date_of(now);
	size_t n;
	time_t lm;

	if (load_unit(db, unit, dg, &unit_name) < 0 || (n = load_items(db, msgid, &items)) == 0) {
		log_warnx("mail <%s> to unit %lld: no addresses or items (database: %s)", msgid,
		    (long long)unit, sqlite3_errmsg(db));
		free(unit_name);
		free(from);
		digest_free(dg);
		return NULL;
	}
	q.organizer = from;
	token = token_for_unit(db, unit, now);
	ics = token ? feed_render(db, &q, &lm) : NULL;
	if (ics == NULL) {	/* no mail without its feed link and its calendar */
		log_warnx("mail <%s> to unit %lld: no feed token or calendar (database: %s)",
		    msgid, (long long)unit, sqlite3_errmsg(db));
		free_items(items, n);
		free(unit_name), free(token), free(from);
		digest_free(dg);
		return NULL;
	}
	feed_url = xasprintf("%s/feeds/%s/%s.ics", c->base_url, token, dg->unit_code);
	render_bodies(&text, &html, unit_name, items, n, today, feed_url);
	subj = subject(items, n, today);
	dg->message = mail_compose(&(struct mail){ .from = c->smtp_from, .to_name = unit_name,
	    .to = (const char **)dg->to, .nto = dg->nto, .subject = subj, .text = text.s,
	    .html = html.s, .ics = ics, .ics_name = "nhac-viec.ics", .message_id = msgid,
	    .date = now });
	free_items(items, n);
	free(unit_name), free(token), free(feed_url), free(subj), free(ics);
	free(from);
	buf_free(&text);
	buf_free(&html);
	return dg;
}

void
digest_free(struct digest *dg)
{
	size_t i;

	for (i = 0; i < dg->nto; i++)
		free(dg->to[i]);
	free(dg->to), free(dg->to_list), free(dg->unit_code), free(dg->message);
	free(dg);
}
