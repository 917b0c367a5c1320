/*
 * The text of a reminder mail: everything a unit is owed on a day, in one message. Its
 * own items first (overdue, late, due today, due soon), each with a link to report it
 * done; then, for a directing or coordination unit, the units late with theirs; then,
 * for a coordination unit, the reminders that could not be delivered.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "digest.h"
#include "feed.h"
#include "html.h"
#include "log.h"
#include "mail.h"
#include "store.h"
#include "token.h"
#include "xalloc.h"

enum rank { OVERDUE, LATE, DUE_TODAY, DUE_SOON };

static const char *const rank_label[] = {
	[OVERDUE] = "QUÁ HẠN", [LATE] = "TRỄ HẠN", [DUE_TODAY] = "HẠN HÔM NAY",
	[DUE_SOON] = "SẮP ĐẾN HẠN"
};
static const char *const rank_colour[] = {
	[OVERDUE] = "#b00020", [LATE] = "#c25e00", [DUE_TODAY] = "#1a5fb4",
	[DUE_SOON] = "#3d6b35"
};

/* An item of the unit's own, or one it is told about. Empty strings for what the plan
 * leaves out. */
struct item {
	long long	 id;
	char		*title, *when, *code, *co_leads, *leads, *direct, *support;
	char		*product, *report_to, *link;
	ntm_date	 due, latest, due_original;
	int		 stand_in;	/* no lead of it can be reached: the unit stands in */
	enum rank	 rank;
	/* escalations: the late unit; dead letters: the recipient and the answer */
	long long	 other;
	char		*other_name, *other_contact, *error;
};

struct list {
	struct item	*v;
	size_t		 n;
};

static char *
column(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return xstrdup(s ? (const char *)s : "");
}

static ntm_date
column_date(sqlite3_stmt *st, int i, ntm_date dflt)
{
	ntm_date d;

	if (sqlite3_column_type(st, i) == SQLITE_NULL ||
	    date_parse_iso((const char *)sqlite3_column_text(st, i), &d) < 0)
		return dflt;
	return d;
}

static void
free_list(struct list *l)
{
	struct item *it;

	if (l->n == 0)
		return;
	for (it = l->v; it < l->v + l->n; it++) {
		free(it->title), free(it->when), free(it->code), free(it->co_leads);
		free(it->leads), free(it->direct), free(it->support), free(it->product);
		free(it->report_to), free(it->link), free(it->other_name);
		free(it->other_contact), free(it->error);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static struct item *
push(struct list *l)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	memset(&l->v[l->n], 0, sizeof(*l->v));
	return &l->v[l->n++];
}

static enum rank
rank_of(const struct item *it, ntm_date today)
{
	if (today > it->latest)
		return OVERDUE;
	if (today > it->due)
		return LATE;
	return today == it->due ? DUE_TODAY : DUE_SOON;
}

static int
by_rank(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->rank != y->rank)
		return (int)x->rank - (int)y->rank;
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* "Kế hoạch 15/KH-UBND, mục II.1", as the plan itself numbers it. */
#define ITEM_CODE "'Kế hoạch ' || coalesce(p.number, p.code) || ', mục ' || t.ref"

static const char own_sql[] = "SELECT o.id, t.title, t.when_text, " ITEM_CODE ", o.due, "
    "o.latest, o.due_original, "
    "(SELECT group_concat(u.name, '; ') FROM task_unit tu JOIN unit u ON u.id = tu.unit_id "
    "WHERE tu.task_id = t.id AND tu.role = 'lead' AND u.id != ?2), "
    STORE_ROLE_NAMES("lead") ", " STORE_ROLE_NAMES("direct") ", "
    STORE_ROLE_NAMES("support") ", t.product, t.report_to, "
    "NOT EXISTS (SELECT 1 FROM task_unit tu JOIN unit_email e ON e.unit_id = tu.unit_id "
    "WHERE tu.task_id = t.id AND tu.role = 'lead') "
    "FROM occurrence o JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id "
    "WHERE o.id IN (SELECT occurrence_id FROM reminder WHERE message_id = ?1 "
    "AND kind NOT LIKE 'escalate-%' AND kind NOT LIKE 'dead-%') AND o.status = 'open'";

static const char escalated_sql[] = "SELECT DISTINCT o.id, t.title, " ITEM_CODE ", o.due, "
    "o.latest, u.id, u.name, (SELECT group_concat(address, ', ') FROM unit_email "
    "WHERE unit_id = u.id), u.phone "
    "FROM reminder r JOIN occurrence o ON o.id = r.occurrence_id "
    "JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id "
    "JOIN task_unit l ON l.task_id = t.id AND l.role = 'lead' JOIN unit u ON u.id = l.unit_id "
    "WHERE r.message_id = ?1 AND r.kind LIKE 'escalate-%' AND o.status = 'open' "
    "ORDER BY u.name, u.id, o.latest, o.id";

static const char dead_sql[] = "SELECT o.id, t.title, " ITEM_CODE ", o.due, o.latest, "
    "u.id, u.name, (SELECT group_concat(address, ', ') FROM unit_email "
    "WHERE unit_id = u.id), d.last_error "
    "FROM reminder r JOIN reminder d ON d.id = r.about "
    "JOIN occurrence o ON o.id = d.occurrence_id JOIN task t ON t.id = o.task_id "
    "JOIN plan p ON p.id = t.plan_id JOIN unit u ON u.id = d.unit_id "
    "WHERE r.message_id = ?1 AND r.kind LIKE 'dead-%' AND (o.status = 'open' OR "
    "d.kind LIKE 'invite-%') "
    "ORDER BY u.name, u.id, o.due, o.id";

static int
load_own(sqlite3 *db, const char *msgid, sqlite3_int64 unit, ntm_date today,
    struct list *l)
{
	sqlite3_stmt *st = store_stmt(db, own_sql);
	struct item *it;
	int rc;

	sqlite3_bind_text(st, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, unit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		it = push(l);
		it->id = sqlite3_column_int64(st, 0);
		it->title = column(st, 1);
		it->when = column(st, 2);
		it->code = column(st, 3);
		it->due = column_date(st, 4, 0);
		it->latest = column_date(st, 5, it->due);
		if (it->latest < it->due)
			it->latest = it->due;
		it->due_original = column_date(st, 6, it->due);
		it->co_leads = column(st, 7);
		it->leads = column(st, 8);
		it->direct = column(st, 9);
		it->support = column(st, 10);
		it->product = column(st, 11);
		it->report_to = column(st, 12);
		it->stand_in = sqlite3_column_int(st, 13);
		it->rank = rank_of(it, today);
	}
	sqlite3_reset(st);
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), by_rank);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The late units' items (escalated) or the undelivered reminders (dead letters). */
static int
load_others(sqlite3 *db, const char *sql, const char *msgid, struct list *l)
{
	sqlite3_stmt *st = store_stmt(db, sql);
	struct item *it;
	int rc;

	sqlite3_bind_text(st, 1, msgid, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		it = push(l);
		it->id = sqlite3_column_int64(st, 0);
		it->title = column(st, 1);
		it->code = column(st, 2);
		it->due = column_date(st, 3, 0);
		it->latest = column_date(st, 4, it->due);
		if (it->latest < it->due)
			it->latest = it->due;
		it->other = sqlite3_column_int64(st, 5);
		it->other_name = column(st, 6);
		it->other_contact = column(st, 7);
		if (sql == escalated_sql) {
			it->error = xstrdup("");
			if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
				char *phone = column(st, 8), *c = it->other_contact;

				it->other_contact = xasprintf("%s%sĐT %s", c, *c ? "; " : "", phone);
				free(c);
				free(phone);
			}
		} else
			it->error = column(st, 8);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
digest_contact_load(sqlite3 *db, sqlite3_int64 unit, struct digest_contact *k)
{
	sqlite3_stmt *st = store_stmt(db, "SELECT c.id, c.name, c.phone, c.address, "
	    "(SELECT min(address) FROM unit_email WHERE unit_id = c.id) AS email "
	    "FROM unit me JOIN unit c INDEXED BY unit_coordinator ON c.org_id = me.org_id "
	    "AND c.coordinator WHERE me.id = ? ORDER BY email IS NULL, c.id LIMIT 1");
	int rc;

	memset(k, 0, sizeof(*k));
	sqlite3_bind_int64(st, 1, unit);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k->id = sqlite3_column_int64(st, 0);
		k->name = column(st, 1);
		k->phone = column(st, 2);
		k->address = column(st, 3);
		k->email = column(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

void
digest_contact_free(struct digest_contact *k)
{
	free(k->name), free(k->phone), free(k->address), free(k->email);
}

/* "còn 7 ngày", "hạn là hôm nay", "trễ hạn 3 ngày, hạn chót hết 15/03/2018",
 * "đã quá hạn chót 2 ngày". */
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
		return xasprintf("trễ hạn %d ngày, hạn chót hết %s", today - it->due, day);
	}
	if (it->latest > it->due)
		return xasprintf("đã quá hạn chót %d ngày", today - it->latest);
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
subject(const struct list *own, const struct list *late, const struct list *dead,
    ntm_date today)
{
	static const char *const rank_count[] = { [OVERDUE] = "quá hạn", [LATE] = "trễ hạn",
		[DUE_TODAY] = "hạn hôm nay" };
	struct buf b = { 0 };
	char *phrase, day[11];
	size_t count[DUE_SOON + 1] = { 0 }, items = 0, units = 0, i, j;
	int r, first = 1;

	if (own->n == 1 && late->n == 0 && dead->n == 0) {
		phrase = state_phrase(&own->v[0], today);
		date_vn(own->v[0].due, day);
		buf_printf(&b, "[NTM] Nhắc hạn %s (%s): %s", day, phrase, own->v[0].title);
		free(phrase);
		return buf_steal(&b);
	}
	date_vn(today, day);
	buf_printf(&b, "[NTM] Nhắc việc ngày %s:", day);
	for (i = 0; i < own->n; i++)
		count[own->v[i].rank]++;
	if (own->n && count[DUE_SOON] == own->n)
		buf_printf(&b, " %zu việc sắp đến hạn", own->n);
	else if (own->n) {	/* "3 việc (1 quá hạn, 2 hạn hôm nay)" */
		buf_printf(&b, " %zu việc (", own->n);
		for (r = OVERDUE; r <= DUE_TODAY; r++)
			if (count[r]) {
				buf_printf(&b, "%s%zu %s", first ? "" : ", ", count[r], rank_count[r]);
				first = 0;
			}
		buf_puts(&b, ")");
	}
	/* late lists an item once for each of its late lead units, grouped by unit */
	for (i = 0; i < late->n; i++) {
		units += i == 0 || late->v[i].other != late->v[i - 1].other;
		for (j = 0; j < i && late->v[j].id != late->v[i].id; j++)
			;
		items += j == i;
	}
	if (late->n)
		buf_printf(&b, "%s %zu việc quá hạn của %zu đơn vị", own->n ? ";" : "",
		    items, units);
	if (dead->n)
		buf_printf(&b, "%s %zu thư nhắc không gửi được", own->n || late->n ? ";" : "",
		    dead->n);
	return buf_steal(&b);
}

void
digest_field(struct buf *text, struct buf *html, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	buf_printf(text, "   %s: %s\n", label, value);
	buf_printf(html, "%s: ", label);
	html_printf(html, "%s", value);
	buf_puts(html, "<br>\n");
}

static void
render_own(struct buf *text, struct buf *html, const struct item *it, size_t k,
    ntm_date today)
{
	char day[11], latest[11], *phrase = state_phrase(it, today), *moved = moved_note(it);

	date_vn(it->due, day);
	date_vn(it->latest, latest);
	buf_printf(text, "%zu. [%s] %s\n   Hạn: %s, %s (%s)\n", k, rank_label[it->rank],
	    it->title, date_weekday_vn(it->due), day, phrase);
	buf_printf(html, "<li style=\"margin-bottom:1em;padding-left:.5em;border-left:4px solid "
	    "%s\"><p><b style=\"color:%s\">[%s]</b> <b>", rank_colour[it->rank],
	    rank_colour[it->rank], rank_label[it->rank]);
	html_printf(html, "%s", it->title);
	buf_printf(html, "</b><br>\nHạn: <b>%s, %s</b> (%s)<br>\n", date_weekday_vn(it->due),
	    day, phrase);
	if (*moved) {
		buf_printf(text, "   (%s)\n", moved);
		buf_printf(html, "(%s)<br>\n", moved);
	}
	if (it->latest > it->due) {
		buf_printf(text, "   Chậm nhất: %s, %s\n", date_weekday_vn(it->latest), latest);
		buf_printf(html, "Chậm nhất: <b>%s, %s</b><br>\n", date_weekday_vn(it->latest),
		    latest);
	}
	digest_field(text, html, "Thời gian theo kế hoạch", it->when);
	buf_printf(text, "   %s\n", it->code);
	html_printf(html, "%s", it->code);
	buf_puts(html, "<br>\n");
	if (it->stand_in) {
		char *why = *it->leads ? xasprintf("đơn vị chủ trì (%s) chưa có địa chỉ thư điện "
		    "tử", it->leads) : xstrdup("kế hoạch chưa giao đơn vị chủ trì");

		digest_field(text, html, "Chưa có người nhận", why);
		free(why);
	} else
		digest_field(text, html, "Cùng chủ trì", it->co_leads);
	digest_field(text, html, "Chỉ đạo", it->direct);
	digest_field(text, html, "Phối hợp", it->support);
	digest_field(text, html, "Sản phẩm", it->product);
	digest_field(text, html, "Gửi báo cáo cho", it->report_to);
	if (it->link) {
		buf_printf(text, "   Báo cáo hoàn thành: %s\n", it->link);
		html_printf(html, "<a href=\"%u\">Báo cáo hoàn thành việc này</a>", it->link);
	}
	buf_puts(text, "\n");
	buf_puts(html, "</p></li>\n");
	free(phrase);
	free(moved);
}

/* A late unit's or an undelivered reminder's line: the unit, then its items. */
static void
render_other(struct buf *text, struct buf *html, const struct item *it, int first_of_unit,
    ntm_date today, int dead)
{
	char latest[11];

	if (first_of_unit) {
		buf_printf(text, "* %s%s%s%s\n", it->other_name, *it->other_contact ? " (" : "",
		    it->other_contact, *it->other_contact ? ")" : "");
		buf_puts(html, "<li><p><b>");
		html_printf(html, "%s", it->other_name);
		buf_puts(html, "</b>");
		if (*it->other_contact) {
			buf_puts(html, " (");
			html_printf(html, "%s", it->other_contact);
			buf_puts(html, ")");
		}
		buf_puts(html, "</p>\n<ul>\n");
	}
	date_vn(it->latest, latest);
	buf_printf(text, "  - %s (%s)\n", it->title, it->code);
	buf_puts(html, "<li>");
	html_printf(html, "%s", it->title);
	buf_puts(html, " (");
	html_printf(html, "%s", it->code);
	buf_puts(html, ")<br>\n");
	if (dead) {
		buf_printf(text, "    Máy chủ thư trả lời: %s\n", it->error);
		buf_puts(html, "Máy chủ thư trả lời: <code>");
		html_printf(html, "%s", it->error);
		buf_puts(html, "</code></li>\n");
	} else {
		buf_printf(text, "    [QUÁ HẠN] hạn chót %s, đã quá %d ngày\n", latest,
		    today - it->latest);
		buf_printf(html, "<b style=\"color:%s\">[QUÁ HẠN]</b> hạn chót %s, đã quá %d "
		    "ngày</li>\n", rank_colour[OVERDUE], latest, today - it->latest);
	}
}

static void
render_others(struct buf *text, struct buf *html, const struct list *l, const char *heading,
    ntm_date today, int dead)
{
	size_t i;

	if (l->n == 0)
		return;
	buf_printf(text, "%s\n\n", heading);
	buf_printf(html, "<h3>%s</h3>\n<ul>\n", heading);
	for (i = 0; i < l->n; i++) {
		int first = i == 0 || l->v[i].other != l->v[i - 1].other;

		if (first && i > 0)
			buf_puts(html, "</ul></li>\n");
		render_other(text, html, &l->v[i], first, today, dead);
	}
	buf_puts(text, "\n");
	buf_puts(html, "</ul></li>\n</ul>\n");
}

void
digest_contact_render(struct buf *text, struct buf *html, const struct digest_contact *k)
{
	struct buf line = { 0 };

	buf_puts(&line, k->name);
	if (*k->phone)
		buf_printf(&line, "; điện thoại: %s", k->phone);
	if (*k->address)
		buf_printf(&line, "; địa chỉ: %s", k->address);
	if (*k->email)
		buf_printf(&line, "; thư điện tử: %s", k->email);
	buf_printf(text, "Cần trao đổi, xin liên hệ %s.%s\n\n", line.s, *k->email ?
	    " Trả lời thư này là gửi tới đơn vị đó." : "");
	buf_puts(html, "<p>Cần trao đổi, xin liên hệ ");
	html_printf(html, "%s", line.s);
	buf_printf(html, ".%s</p>\n", *k->email ?
	    " Trả lời thư này là gửi tới đơn vị đó." : "");
	buf_free(&line);
}

/* "7 giờ 30 ngày 26/03/2018", in the configured zone. */
static void
instant_vn(struct buf *b, time_t t)
{
	long minutes = (long)((t + zone_offset(t)) % 86400 + 86400) % 86400 / 60;
	char day[11];

	date_vn(date_of(t), day);
	buf_printf(b, "%ld giờ %02ld ngày %s", minutes / 60, minutes % 60, day);
}

/* For a coordination unit's mail: when no mail could go because the SMTP server refused
 * the configuration (remind.c's meta rows). Said in the mail that goes once it is mended
 * ("đến nay": composed while the outbox still records the outage) or, for a unit that
 * had none held, in its first daily mail since (its last went before the outage ended;
 * one recorded before schema 12 knows its day only, taken as that day's first instant).
 * Allocated, or NULL. */
static char *
outage_notice(sqlite3 *db, sqlite3_int64 unit)
{
	sqlite3_stmt *st = store_stmt(db, "SELECT s.value, u.value, (SELECT coalesce(sent_at, "
	    "strftime('%s', day, 'utc')) FROM mailed WHERE unit_id = ?1) FROM meta s LEFT JOIN meta u "
	    "ON u.key = 'mail_outage_until' "
	    "AND s.key = 'mail_outage_since' JOIN unit me ON me.id = ?1 AND me.coordinator "
	    "WHERE s.key = 'mail_blocked_since' OR (s.key = 'mail_outage_since' AND NOT EXISTS "
	    "(SELECT 1 FROM meta WHERE key = 'mail_blocked_since'))");
	struct buf b = { 0 };
	time_t until;

	sqlite3_bind_int64(st, 1, unit);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	until = (time_t)sqlite3_column_int64(st, 1);
	if (sqlite3_column_type(st, 1) == SQLITE_NULL || sqlite3_column_type(st, 2) ==
	    SQLITE_NULL || sqlite3_column_int64(st, 2) < (sqlite3_int64)until) {
		buf_puts(&b, "Lưu ý: từ ");
		instant_vn(&b, (time_t)sqlite3_column_int64(st, 0));
		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			buf_puts(&b, " đến nay");
		else {
			buf_puts(&b, " đến ");
			instant_vn(&b, until);
		}
		buf_puts(&b, ", hệ thống không gửi được thư nào vì máy chủ thư không chấp nhận "
		    "cấu hình gửi thư; người quản trị đã sửa. Các thư nhắc việc bị giữ lại được "
		    "gửi cùng lúc với thư này, thư của những ngày đã qua gộp vào thư mới nhất. "
		    "Việc nào cần gấp, xin liên hệ trực tiếp đơn vị.");
	}
	sqlite3_reset(st);
	return b.s ? buf_steal(&b) : NULL;
}

static void
render_bodies(struct buf *text, struct buf *html, const char *unit_name,
    const char *notice, const struct list *own, const struct list *late,
    const struct list *dead, const struct digest_contact *k, int self, ntm_date today,
    const char *feed_url)
{
	static const char intro[] = "Hệ thống nhắc việc Chương trình MTQG xây dựng nông thôn "
	    "mới xin gửi đơn vị những việc cần theo dõi hôm nay.";
	static const char own_heading[] = "Việc đơn vị chủ trì thực hiện:";
	static const char late_heading[] = "Đơn vị chậm thực hiện (việc đã quá hạn chót; đơn "
	    "vị chỉ đạo, điều phối đôn đốc):";
	static const char dead_heading[] = "Thư nhắc việc không gửi được (xin báo đơn vị "
	    "bằng cách khác và kiểm tra địa chỉ thư trong kế hoạch):";
	static const char how_done[] = "Khi hoàn thành một việc, bấm «Báo cáo hoàn thành» "
	    "dưới việc đó (có thể ghi chú và gửi kèm đường dẫn tới văn bản, báo cáo, biên "
	    "bản); hệ thống sẽ thôi nhắc việc đó.";
	size_t i;

	digest_open(text, html, unit_name, intro);
	if (notice != NULL) {
		buf_printf(text, "%s\n\n", notice);
		html_printf(html, "<p><b>%s</b></p>\n", notice);
	}
	if (own->n) {
		buf_printf(text, "%s\n\n", own_heading);
		buf_printf(html, "<h3>%s</h3>\n<ol>\n", own_heading);
		for (i = 0; i < own->n; i++)
			render_own(text, html, &own->v[i], i + 1, today);
		buf_puts(html, "</ol>\n");
		buf_printf(text, "%s\n\n", how_done);
		buf_printf(html, "<p>%s</p>\n", how_done);
	}
	render_others(text, html, late, late_heading, today, 0);
	render_others(text, html, dead, dead_heading, today, 1);
	digest_close(text, html, k, self, feed_url);
}

void
digest_open(struct buf *text, struct buf *html, const char *unit_name, const char *intro)
{
	buf_printf(text, "Kính gửi: %s\n\n%s\n\n", unit_name, intro);
	buf_puts(html, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\"></head><body>\n"
	    "<p>Kính gửi: <b>");
	html_printf(html, "%s", unit_name);
	buf_printf(html, "</b></p>\n<p>%s</p>\n", intro);
}

void
digest_close(struct buf *text, struct buf *html, const struct digest_contact *k, int self,
    const char *feed_url)
{
	if (!self && k->name)
		digest_contact_render(text, html, k);
	buf_printf(text, "Lịch công việc của đơn vị (đăng ký trong Outlook, Google Calendar "
	    "hoặc điện thoại):\n%s\n\n-- \nThư gửi tự động từ hệ thống nhắc việc nông thôn "
	    "mới.\n", feed_url);
	html_printf(html, "<p>Lịch công việc của đơn vị (đăng ký trong Outlook, Google Calendar "
	    "hoặc điện thoại):<br>\n<a href=\"%u\" style=\"word-break:break-all\">%s</a></p>\n"
	    "<p>-- <br>\nThư gửi tự động từ hệ thống nhắc việc nông thôn mới.</p>\n"
	    "</body></html>\n", feed_url, feed_url);
}

int
digest_recipient(sqlite3 *db, sqlite3_int64 unit, struct digest *dg, char **name)
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

static void
add_links(struct list *own, const struct config *c, const struct donekey *key,
    sqlite3_int64 unit)
{
	size_t i;
	char *path;

	for (i = 0; key && i < own->n; i++) {
		path = donelink_path(key, own->v[i].id, unit, donelink_expiry(own->v[i].latest));
		own->v[i].link = xasprintf("%s%s", c->base_url, path);
		free(path);
	}
}

struct digest *
digest_build(sqlite3 *db, const struct config *c, const struct donekey *key,
    sqlite3_int64 unit, const char *msgid, time_t now, int *nothing)
{
	char *from = config_from_address(c);
	struct digest *dg = xcalloc(1, sizeof(*dg));
	struct buf text = { 0 }, html = { 0 };
	struct list own = { 0 }, late = { 0 }, dead = { 0 };
	struct digest_contact k = { 0 };
	struct feed_query q = { .message_id = msgid, .now = now, .organizer = from };
	char *unit_name = NULL, *token = NULL, *feed_url, *subj, *ics = NULL, *notice;
	ntm_date today = date_of(now);
	const char *why = NULL;
	int self;
	time_t lm;

	if (digest_recipient(db, unit, dg, &unit_name) < 0)
		why = "no addresses";
	else if (digest_contact_load(db, unit, &k) < 0 || load_own(db, msgid, unit, today, &own) < 0 ||
	    load_others(db, escalated_sql, msgid, &late) < 0 ||
	    load_others(db, dead_sql, msgid, &dead) < 0)
		why = "cannot read its items";
	else if (own.n + late.n + dead.n == 0)
		why = "no item open", *nothing = 1;
	else if ((token = token_for_unit(db, unit, now)) == NULL)
		why = "no feed token";
	else if (own.n && (ics = feed_render(db, &q, &lm)) == NULL)
		why = "no calendar";	/* no mail without the calendar of its items */
	if (why) {
		if (!*nothing)
				log_warnx("mail <%s> to unit %lld: %s (database: %s)", msgid,
			    (long long)unit, why, store_error(db));
		digest_contact_free(&k);
		free_list(&own), free_list(&late), free_list(&dead);
		free(unit_name), free(token), free(from);
		digest_free(dg);
		return NULL;
	}
	self = k.id == unit;
	add_links(&own, c, key, unit);
	feed_url = xasprintf("%s/feeds/%s/%s.ics", c->base_url, token, dg->unit_code);
	notice = outage_notice(db, unit);
	render_bodies(&text, &html, unit_name, notice, &own, &late, &dead, &k, self, today,
	    feed_url);
	subj = subject(&own, &late, &dead, today);
	dg->message = mail_compose(&(struct mail){ .from = c->smtp_from, .to_name = unit_name,
	    .to = (const char **)dg->to, .nto = dg->nto, .subject = subj, .text = text.s,
	    .html = html.s, .ics = ics, .ics_name = "nhac-viec.ics", .message_id = msgid,
	    .date = now, .reply_to_name = self ? NULL : k.name,
	    .reply_to = self || k.email == NULL || *k.email == '\0' ? NULL : k.email });
	free_list(&own), free_list(&late), free_list(&dead);
	digest_contact_free(&k);
	free(unit_name), free(token), free(feed_url), free(subj), free(ics), free(from);
	free(notice);
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
