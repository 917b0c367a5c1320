/* The page a done link opens: the item, where it stands, the form that reports it done. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "done.h"
#include "donepage.h"
#include "html.h"
#include "log.h"
#include "state.h"
#include "store.h"
#include "xalloc.h"

#define FOOTER "<p class=\"small\">Hệ thống nhắc việc Chương trình MTQG xây dựng nông thôn " \
	"mới.</p>\n"

enum col {
	C_STATUS, C_KIND, C_PERIOD, C_REF, C_SECTION, C_TITLE, C_PLAN_NUMBER, C_PLAN_TITLE,
	C_DIRECT, C_LEAD, C_SUPPORT, C_DONE_BY, C_NOTE, C_LINK, C_UNIT_CODE, C_UNIT_NAME,
	C_START, C_DUE, C_LATEST, C_DONE_AT, C_DAY, C_TENTATIVE, C_MEETING_CANCELLED, C_CAMPAIGN
};

static const char sql_item[] = "SELECT o.status, t.kind, o.period, t.ref, t.section, t.title, "
	"p.number, p.title, " STORE_ROLE_NAMES("direct") ", " STORE_ROLE_NAMES("lead") ", "
	STORE_ROLE_NAMES("support") ", coalesce((SELECT coalesce(u.name, a.actor) FROM audit a "
	"LEFT JOIN unit u ON u.id = a.unit_id WHERE a.occurrence_id = o.id AND "
	"a.action = 'done' ORDER BY a.id DESC LIMIT 1), o.done_by), o.note, o.done_link, "
	"(SELECT code FROM unit WHERE id = ?2), (SELECT name FROM unit WHERE id = ?2), "
	"o.start, o.due, o.latest, o.done_at, o.day, o.tentative, EXISTS (SELECT 1 FROM "
	"meeting m WHERE m.occurrence_id = o.id AND m.cancelled), o.rrule IS NOT NULL "
	"FROM occurrence o "
	"JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id WHERE o.id = ?1";

static char *
col(sqlite3_stmt *st, enum col c)
{
	const unsigned char *s = sqlite3_column_text(st, c);

	return xstrdup(s ? (const char *)s : "");
}

static void
fill(sqlite3_stmt *st, struct done_item *it)
{
	char *s;

	it->status = col(st, C_STATUS);
	it->kind = col(st, C_KIND);
	it->period = col(st, C_PERIOD);
	it->ref = col(st, C_REF);
	it->section = col(st, C_SECTION);
	it->title = col(st, C_TITLE);
	it->plan_number = col(st, C_PLAN_NUMBER);
	it->plan_title = col(st, C_PLAN_TITLE);
	it->direct = col(st, C_DIRECT);
	it->lead = col(st, C_LEAD);
	it->support = col(st, C_SUPPORT);
	it->done_by = col(st, C_DONE_BY);
	it->note = col(st, C_NOTE);
	it->link = col(st, C_LINK);
	it->unit_code = col(st, C_UNIT_CODE);
	it->unit_name = col(st, C_UNIT_NAME);
	date_parse_iso((const char *)sqlite3_column_text(st, C_START), &it->start);
	date_parse_iso((const char *)sqlite3_column_text(st, C_DUE), &it->due);
	s = (char *)sqlite3_column_text(st, C_LATEST);
	if (s == NULL || date_parse_iso(s, &it->latest) < 0)
		it->latest = it->due;
	it->done_at = (time_t)sqlite3_column_int64(st, C_DONE_AT);
	s = (char *)sqlite3_column_text(st, C_DAY);
	if (s == NULL || date_parse_iso(s, &it->day) < 0)
		it->day = it->due;
	it->tentative = sqlite3_column_int(st, C_TENTATIVE);
	it->meeting_cancelled = sqlite3_column_int(st, C_MEETING_CANCELLED);
	it->campaign = sqlite3_column_int(st, C_CAMPAIGN);
}

int
donepage_load(sqlite3 *db, sqlite3_int64 id, sqlite3_int64 unit, struct done_item *it)
{
	sqlite3_stmt *st = store_stmt(db, sql_item);
	int rc;

	memset(it, 0, sizeof(*it));
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, unit);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fill(st, it);
	else if (rc != SQLITE_DONE)
		log_warnx("database: the item of a done link: %s", store_error(db));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

void
donepage_free(struct done_item *it)
{
	char **s[] = { &it->status, &it->kind, &it->period, &it->ref, &it->section,
	    &it->title, &it->plan_number, &it->plan_title, &it->direct, &it->lead,
	    &it->support, &it->done_by, &it->note, &it->link, &it->unit_code, &it->unit_name };
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(*s); i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}

/* One period of donepage_period(); NULL if it is none of the forms. */
static char *
one_period(const char *p)
{
	static const char *quarters[] = { "I", "II", "III", "IV" };
	int y, m, d, n = 0;

	if (sscanf(p, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && p[n] == '\0' && n == 10)
		return xasprintf("ngày %02d/%02d/%d", d, m, y);
	if (sscanf(p, "%4d-Q%1d%n", &y, &m, &n) == 2 && p[n] == '\0' && m >= 1 && m <= 4)
		return xasprintf("quý %s/%d", quarters[m - 1], y);
	if (sscanf(p, "%4d-%2d%n", &y, &m, &n) == 2 && p[n] == '\0' && n == 7)
		return xasprintf("tháng %d/%d", m, y);
	if (sscanf(p, "%4d%n", &y, &n) == 1 && p[n] == '\0' && n == 4)
		return xasprintf("năm %d", y);
	return NULL;
}

char *
donepage_period(const char *period)
{
	const char *dots = strstr(period, "..");
	char *from, *to, *s;

	if (dots == NULL)
		return (s = one_period(period)) ? s : xstrdup(period);
	s = xasprintf("%.*s", (int)(dots - period), period);
	from = one_period(s);
	to = one_period(dots + 2);
	free(s);
	s = from && to ? xasprintf("%s – %s", from, to) : xstrdup(period);
	free(from);
	free(to);
	return s;
}

/* Where a meeting stands, in words. Allocated. */
static char *
meeting_state(const struct done_item *it, ntm_date today)
{
	if (it->meeting_cancelled)
		return xstrdup("Cuộc họp đã hủy");
	if (!strcmp(it->status, "cancelled"))
		return xstrdup("Đã hủy (không còn trong kế hoạch)");
	if (!strcmp(it->status, "done"))
		return xstrdup("Đã họp");
	if (it->tentative)
		return xstrdup("Chưa ấn định ngày họp");
	return xstrdup(it->day > today ? "Sắp họp" : it->day == today ? "Họp hôm nay" :
	    "Đã qua ngày họp");
}

/* Where the item stands, in words, and the class that colours it. Allocated. */
static char *
state_text(const struct done_item *it, ntm_date today, int soon_days, const char **class)
{
	char d[11];

	*class = "";
	if (!strcmp(it->kind, "meeting"))
		return meeting_state(it, today);
	if (it->campaign && !strcmp(it->status, "open"))	/* no deadline to be late for */
		return xstrdup(today <= it->due ? "Hoạt động hằng tuần" :
		    "Hoạt động hằng tuần, đã hết thời gian của kế hoạch");
	switch (item_state(it->status, it->due, it->latest, today, soon_days)) {
	case STATE_UPCOMING:
		return xstrdup("Chưa đến hạn");
	case STATE_DUE_SOON:
		return xasprintf("Sắp đến hạn (còn %d ngày)", (int)(it->due - today));
	case STATE_DUE_TODAY:
		return xstrdup("Đến hạn hôm nay");
	case STATE_LATE:
		*class = "late";
		date_vn(it->latest, d);
		return xasprintf("Quá hạn %d ngày (chậm nhất đến hết %s, %s)",
		    (int)(today - it->due), date_weekday_vn(it->latest), d);
	case STATE_OVERDUE:
		*class = "overdue";
		return xasprintf("Quá hạn %d ngày", (int)(today - it->due));
	case STATE_DONE:
		*class = "done";
		date_vn(date_of(it->done_at), d);
		return *it->done_by ? xasprintf("Đã hoàn thành ngày %s (%s báo)", d, it->done_by) :
		    xasprintf("Đã hoàn thành ngày %s", d);
	case STATE_WAIVED:
		return xstrdup("Đã miễn thực hiện");
	case STATE_CANCELLED:
		return xstrdup("Đã hủy (không còn trong kế hoạch)");
	}
	return xstrdup("");
}

/* A row of the item's description, left out when empty. */
static void
row(struct buf *b, const char *label, const char *value)
{
	if (*value)
		html_printf(b, "<dt>%s</dt><dd>%s</dd>\n", label, value);
}

static void
day_row(struct buf *b, const char *label, ntm_date day)
{
	char d[11], *s;

	date_vn(day, d);
	s = xasprintf("%s, %s", date_weekday_vn(day), d);
	row(b, label, s);
	free(s);
}

void
donepage_describe(struct buf *b, const struct done_item *it, const struct donepage_view *v)
{
	const char *class;
	char *state = state_text(it, date_of(v->now), v->soon_days, &class), *period;

	html_printf(b, "<h2>%s</h2>\n<p><span class=\"state%s%s\">%s</span></p>\n<dl>\n",
	    it->title, *class ? " " : "", class, state);
	html_printf(b, "<dt>Kế hoạch</dt><dd>Kế hoạch %s, mục %s<br>\n<span class=\"small\">%s"
	    "</span></dd>\n", *it->plan_number ? it->plan_number : it->plan_title, it->ref,
	    it->plan_title);
	row(b, "Nội dung", it->section);
	if (it->campaign) {		/* its days, no deadline */
		period = date_weekly_vn(it->start, it->due);
		row(b, "Thời gian", period);
	} else {
		period = donepage_period(it->period);
		row(b, "Kỳ", period);
		if (strcmp(it->kind, "meeting"))
			day_row(b, "Hạn", it->due);
		else if (!it->tentative)
			day_row(b, "Ngày họp", it->day);
	}
	if (it->latest > it->due)
		day_row(b, "Chậm nhất", it->latest);
	row(b, "Chỉ đạo", it->direct);
	row(b, "Chủ trì", it->lead);
	row(b, "Phối hợp", it->support);
	if (!strcmp(it->status, "done")) {
		row(b, "Ghi chú", it->note);
		if (*it->link)
			html_printf(b, "<dt>Sản phẩm</dt><dd><a href=\"%u\" rel=\"noreferrer\">%s"
			    "</a></dd>\n", it->link, it->link);
	}
	buf_puts(b, "</dl>\n");
	free(period);
	free(state);
}

static void
form(struct buf *b, const struct done_item *it, const struct donepage_view *v)
{
	html_printf(b, "<form method=\"post\">\n<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\">\n<p>Báo hoàn thành thay mặt <b>%s</b>.</p>\n"
	    "<label for=\"note\">Ghi chú</label>\n<textarea id=\"note\" name=\"note\" rows=\"3\" "
	    "maxlength=\"%d\">%s</textarea>\n"
	    "<label for=\"link\">Liên kết sản phẩm (văn bản, báo cáo, biên bản)</label>\n"
	    "<input type=\"url\" id=\"link\" name=\"link\" placeholder=\"https://\" "
	    "maxlength=\"%d\" value=\"%s\">\n"
	    "<button type=\"submit\">Xác nhận đã hoàn thành</button>\n</form>\n", v->csrf,
	    it->unit_name, DONE_NOTE_MAX, v->note, DONE_LINK_MAX, v->link);
}

char *
donepage_item(const struct done_item *it, const struct donepage_view *v)
{
	struct buf b = { 0 };
	char *title = xasprintf("Báo hoàn thành: %s", it->title);

	html_begin(&b, title, NULL);
	free(title);
	buf_puts(&b, "<h1>Báo hoàn thành công việc</h1>\n");
	if (v->heading)
		html_printf(&b, "<div class=\"notice%s\"><p><b>%s</b></p>\n<p>%s</p></div>\n",
		    v->alert ? " alert" : "", v->heading, v->text);
	donepage_describe(&b, it, v);
	if (v->csrf)
		form(&b, it, v);
	buf_puts(&b, FOOTER);
	return html_end(&b);
}

char *
donepage_message(const char *heading, const char *text)
{
	struct buf b = { 0 };

	html_begin(&b, heading, NULL);
	html_printf(&b, "<h1>%s</h1>\n<p>%s</p>\n", heading, text);
	buf_puts(&b, FOOTER);
	return html_end(&b);
}
