/* The desk's pages: each a table from report.c, as HTML, CSV or XLSX. */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "done.h"
#include "donepage.h"
#include "deskpage.h"
#include "html.h"
#include "log.h"
#include "store.h"
#include "text.h"

static void
busy(struct desk_page *pg)
{
	desk_message(pg, 503, "Hệ thống đang bận", "Chưa đọc được dữ liệu, xin thử lại sau.");
}

/* The id of a plan or unit named by code in the account's organisation: 1 with *id;
 * 0 after answering 403 (another organisation's) or 404; -1 after answering 503. */
static int
own(struct desk_page *pg, const char *sql, const char *code, sqlite3_int64 *id)
{
	sqlite3_stmt *st = store_stmt(pg->db, sql);
	int rc, found = 0, mine = 0;

	if (st == NULL)
		return busy(pg), -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		found = 1;
		if (sqlite3_column_int64(st, 1) == pg->who.org_id) {
			mine = 1;
			*id = sqlite3_column_int64(st, 0);
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return busy(pg), -1;
	if (!mine)
		desk_message(pg, found ? 403 : 404, found ? "Không có quyền xem" :
		    "Không tìm thấy", found ? "Trang này thuộc một tổ chức khác với đơn vị của "
		    "tài khoản." : "Không có kế hoạch hay đơn vị này.");
	return mine;
}

static const char sql_plan_org[] = "SELECT id, org_id FROM plan WHERE code = ?";
static const char sql_unit_org[] = "SELECT id, org_id FROM unit WHERE code = ?";

/* The plan of ?plan=, if given, narrows the scope: 1, or 0/-1 answered. */
static int
plan_filter(struct desk_page *pg)
{
	const char *code = desk_arg(pg, "plan");

	return code ? own(pg, sql_plan_org, code, &pg->scope.plan_id) : 1;
}

/* The unit of ?arg=, if given (or if required), narrows the scope. */
static int
unit_filter(struct desk_page *pg, const char *arg, int required)
{
	const char *code = desk_arg(pg, arg);

	if (code == NULL && required)
		return desk_message(pg, 400, "Thiếu đơn vị", "Chưa chọn đơn vị."), 0;
	return code ? own(pg, sql_unit_org, code, &pg->scope.unit_id) : 1;
}

/* The period asked for (?from=&to=, or ?period=month|quarter|half|year), this quarter
 * by default: 1, or 0 answered (400). */
static int
period_filter(struct desk_page *pg)
{
	const char *from = desk_arg(pg, "from"), *to = desk_arg(pg, "to");
	const char *period = desk_arg(pg, "period");
	struct report_scope *s = &pg->scope;
	ntm_date today = date_of(pg->rq->now);

	if (from || to) {
		if (from && to && date_parse_iso(from, &s->from) == 0 &&
		    date_parse_iso(to, &s->to) == 0 && s->from <= s->to)
			return 1;
		desk_message(pg, 400, "Kỳ báo cáo không hợp lệ",
		    "Cần ngày bắt đầu và ngày kết thúc, ngày bắt đầu không sau ngày kết thúc.");
		return 0;
	}
	if (report_period(period ? period : "quarter", today, &s->from, &s->to) == 0)
		return 1;
	desk_message(pg, 400, "Kỳ báo cáo không hợp lệ", "Không có kỳ báo cáo này.");
	return 0;
}

/* The query of the page's filters, for its links: "from=…&to=…&plan=…&" (allocated;
 * each part only when set). */
static char *
filters_query(const struct desk_page *pg, int dates)
{
	const char *keep[] = { "plan", "unit" };
	struct buf b = { 0 };
	char from[11], to[11], *v;
	size_t i;

	if (dates) {
		date_iso(pg->scope.from, from);
		date_iso(pg->scope.to, to);
		buf_printf(&b, "from=%s&to=%s&", from, to);
	}
	for (i = 0; i < sizeof(keep) / sizeof(*keep); i++)
		if (desk_arg(pg, keep[i])) {
			v = desk_query_escape(desk_arg(pg, keep[i]));
			buf_printf(&b, "%s=%s&", keep[i], v);
			free(v);
		}
	return buf_steal(&b);
}

/* What the page covers: the plan chosen, or the organisation (allocated). */
static char *
scope_name(struct desk_page *pg)
{
	sqlite3_stmt *st = store_stmt(pg->db, "SELECT coalesce('Kế hoạch ' || number || ' — ', "
	    "'') || title FROM plan WHERE id = ?");
	char *name = NULL;

	if (pg->scope.plan_id && st) {
		sqlite3_bind_int64(st, 1, pg->scope.plan_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			name = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	return name ? name : xasprintf("%s — tất cả kế hoạch", pg->who.org_name);
}

static char *
period_text(const struct report_scope *s)
{
	char from[11], to[11];

	date_vn(s->from, from);
	date_vn(s->to, to);
	return xasprintf("Từ ngày %s đến ngày %s", from, to);
}

/* ?format=csv or xlsx: the table as a download named name; 1 when answered. */
static int
download(struct desk_page *pg, struct table *t, const char *name, const char *sheet)
{
	const char *format = desk_arg(pg, "format");
	struct desk_response *rs = pg->rs;
	struct buf b = { 0 };

	if (format == NULL)
		return 0;
	if (!strcmp(format, "csv")) {
		table_csv(t, &b);
		rs->len = b.len;
		rs->body = buf_steal(&b);
		rs->type = "text/csv; charset=utf-8";
	} else if (!strcmp(format, "xlsx")) {
		if ((rs->body = table_xlsx(t, sheet, &rs->len)) == NULL)
			return busy(pg), 1;
		rs->type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	} else
		return desk_message(pg, 400, "Không có định dạng này", "Chỉ có CSV và XLSX."), 1;
	rs->status = 200;
	rs->filename = xasprintf("%s.%s", name, format);
	return 1;
}

/* Links to the page's table as CSV and XLSX; query: the page's, ending in '&' or "". */
static void
downloads(struct desk_page *pg, struct buf *b, const char *path, const char *query)
{
	char *csv = xasprintf("%s%s?%sformat=csv", pg->prefix, path, query);
	char *xlsx = xasprintf("%s%s?%sformat=xlsx", pg->prefix, path, query);

	html_printf(b, "<p class=\"downloads\">Tải về: <a href=\"%p\" download>CSV (Excel)</a>"
	    "<a href=\"%p\" download>XLSX</a></p>\n", csv, xlsx);
	free(csv);
	free(xlsx);
}

/* A <select> of the organisation's rows of sql (id, code, label; ?1 the organisation),
 * the one of id selected; with any, first an option for all. */
static void
org_select(struct desk_page *pg, struct buf *b, const char *label, const char *name,
    const char *any, const char *sql, sqlite3_int64 id)
{
	sqlite3_stmt *st = store_stmt(pg->db, sql);

	html_printf(b, "<label>%s<select name=\"%s\">", label, name);
	if (any)
		html_printf(b, "<option value=\"\">%s</option>", any);
	if (st) {
		sqlite3_bind_int64(st, 1, pg->who.org_id);
		while (sqlite3_step(st) == SQLITE_ROW)
			html_printf(b, "<option value=\"%s\"%s>%s</option>",
			    (const char *)sqlite3_column_text(st, 1),
			    sqlite3_column_int64(st, 0) == id ? " selected" : "",
			    (const char *)sqlite3_column_text(st, 2));
		sqlite3_reset(st);
	}
	buf_puts(b, "</select></label>\n");
}

static const char sql_org_plans[] = "SELECT id, code, coalesce(number || ' — ', '') || title "
	"FROM plan WHERE org_id = ? ORDER BY year DESC, id";
static const char sql_org_leads[] = "SELECT id, code, name FROM unit u WHERE org_id = ? AND "
	"EXISTS (SELECT 1 FROM task_unit WHERE unit_id = u.id AND role = 'lead') ORDER BY id";

static void
plan_select(struct desk_page *pg, struct buf *b, int any)
{
	org_select(pg, b, "Kế hoạch", "plan", any ? "Tất cả kế hoạch" : NULL, sql_org_plans,
	    pg->scope.plan_id);
}

static void
unit_select(struct desk_page *pg, struct buf *b)
{
	org_select(pg, b, "Đơn vị chủ trì", "unit", "Tất cả đơn vị", sql_org_leads,
	    pg->scope.unit_id);
}

/* Sort t as ?sort=&dir= ask; the column sorted, or -1. */
static int
sort_table(struct desk_page *pg, struct table *t, int *descending)
{
	const char *key = desk_arg(pg, "sort"), *dir = desk_arg(pg, "dir");
	int col = key ? table_column(t, key) : -1;

	*descending = dir && !strcmp(dir, "desc");
	if (col >= 0)
		table_sort(t, (size_t)col, *descending);
	return col;
}

/* Links to the month, quarter, half year and year of today, and the last quarter. */
static void
quick_periods(struct desk_page *pg, struct buf *b, const char *path)
{
	static const struct {
		const char	*name, *label;
	} periods[] = {
		{ "month", "Tháng này" }, { "quarter", "Quý này" }, { "half", "6 tháng" },
		{ "year", "Năm nay" },
	};
	ntm_date today = date_of(pg->rq->now), from, to;
	char *plan = desk_arg(pg, "plan") ? desk_query_escape(desk_arg(pg, "plan")) : NULL;
	char *href, f[11], t[11];
	size_t i;

	buf_puts(b, "<p class=\"quick\">");
	for (i = 0; i < sizeof(periods) / sizeof(*periods); i++) {
		href = xasprintf("%s%s?period=%s%s%s", pg->prefix, path, periods[i].name,
		    plan ? "&plan=" : "", plan ? plan : "");
		html_printf(b, "<a href=\"%p\">%s</a>", href, periods[i].label);
		free(href);
	}
	report_period("quarter", today, &from, &to);
	report_period("quarter", from - 1, &from, &to);
	date_iso(from, f);
	date_iso(to, t);
	href = xasprintf("%s%s?from=%s&to=%s%s%s", pg->prefix, path, f, t, plan ? "&plan=" : "",
	    plan ? plan : "");
	html_printf(b, "<a href=\"%p\">Quý trước</a></p>\n", href);
	free(href);
	free(plan);
}

/* The summary's filters: plan, first and last day. */
static void
period_form(struct desk_page *pg, struct buf *b, const char *path)
{
	char *action = desk_link(pg, path), from[11], to[11];

	date_iso(pg->scope.from, from);
	date_iso(pg->scope.to, to);
	html_printf(b, "<form class=\"filters\" method=\"get\" action=\"%p\">\n", action);
	plan_select(pg, b, 1);
	html_printf(b, "<label>Từ ngày<input type=\"date\" name=\"from\" value=\"%s\" required>"
	    "</label>\n<label>Đến ngày<input type=\"date\" name=\"to\" value=\"%s\" required>"
	    "</label>\n<button type=\"submit\">Xem</button>\n</form>\n", from, to);
	free(action);
}

void
deskpage_summary(struct desk_page *pg)
{
	char *query, *base, *href, *name, *period, *file, from[11], to[11];
	struct buf b = { 0 };
	struct table t = { 0 };
	int col, desc;
	size_t r;

	if (plan_filter(pg) != 1 || period_filter(pg) != 1)
		return;
	if (report_units(pg->db, &pg->scope, &t) < 0) {
		table_free(&t);
		return busy(pg);
	}
	query = filters_query(pg, 1);
	for (r = 0; r + t.nfoot < t.nrows; r++) {
		href = xasprintf("%s/unit?%scode=%s", pg->prefix, query, t.cells[r * t.ncols].text);
		table_link(&t, r, 1, href);
		free(href);
	}
	col = sort_table(pg, &t, &desc);
	name = scope_name(pg);
	period = period_text(&pg->scope);
	t.title = xasprintf("Tổng hợp kết quả thực hiện nhiệm vụ\n%s\n%s", name, period);
	date_iso(pg->scope.from, from);
	date_iso(pg->scope.to, to);
	file = xasprintf("tong-hop-%s-%s", from, to);
	if (!download(pg, &t, file, "Tổng hợp")) {
		desk_begin(pg, &b, "Tổng hợp", "/");
		html_printf(&b, "<h1>Tổng hợp kết quả thực hiện nhiệm vụ</h1>\n<p><b>%s</b><br>%s"
		    "</p>\n", name, period);
		period_form(pg, &b, "/");
		quick_periods(pg, &b, "/");
		base = xasprintf("%s/?%s", pg->prefix, query);
		table_html(&t, &b, base, col, desc);
		free(base);
		downloads(pg, &b, "/", query);
		buf_puts(&b, "<p class=\"small\">Hoàn thành đúng hạn: trước khi hết ngày của thời "
		    "hạn (theo quy định về ngày nghỉ). Tỷ lệ đúng hạn = hoàn thành đúng hạn / "
		    "(hoàn thành đúng hạn + hoàn thành quá hạn + chưa hoàn thành, quá hạn). "
		    "Nhiệm vụ do nhiều đơn vị chủ trì được tính cho mỗi đơn vị.</p>\n");
		desk_html(pg, 200, html_end(&b));
	}
	free(file);
	free(name);
	free(period);
	free(query);
	table_free(&t);
}

static char *
unit_name(struct desk_page *pg)
{
	sqlite3_stmt *st = store_stmt(pg->db, "SELECT name FROM unit WHERE id = ?");
	char *name = NULL;

	if (st) {
		sqlite3_bind_int64(st, 1, pg->scope.unit_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			name = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	return name ? name : xstrdup("");
}

void
deskpage_unit(struct desk_page *pg)
{
	char *query, *unit, *period, *file, *back;
	struct buf b = { 0 };
	struct table t = { 0 };

	if (plan_filter(pg) != 1 || unit_filter(pg, "code", 1) != 1 || period_filter(pg) != 1)
		return;
	if (report_items(pg->db, &pg->scope, &t) < 0) {
		table_free(&t);
		return busy(pg);
	}
	unit = unit_name(pg);
	period = period_text(&pg->scope);
	t.title = xasprintf("Nhiệm vụ do %s chủ trì\n%s", unit, period);
	file = xasprintf("nhiem-vu-%s", desk_arg(pg, "code"));
	if (!download(pg, &t, file, "Nhiệm vụ")) {
		query = filters_query(pg, 1);
		back = xasprintf("%s/?%s", pg->prefix, query);
		desk_begin(pg, &b, unit, "/");
		html_printf(&b, "<h1>Nhiệm vụ do %s chủ trì</h1>\n<p>%s · <a href=\"%p\">Về bảng "
		    "tổng hợp</a></p>\n", unit, period, back);
		table_html(&t, &b, NULL, -1, 0);
		free(back);
		back = xasprintf("code=%s&%s", desk_arg(pg, "code"), query);
		downloads(pg, &b, "/unit", back);
		desk_html(pg, 200, html_end(&b));
		free(back);
		free(query);
	}
	free(file);
	free(unit);
	free(period);
	table_free(&t);
}

/* The notice of an item just marked done or waived (?done=ID, ?waived=ID). */
static void
item_notice(struct desk_page *pg, struct buf *b)
{
	const char *done = desk_arg(pg, "done"), *waived = desk_arg(pg, "waived");
	const char *id = done ? done : waived;

	if (id && strspn(id, "0123456789") == strlen(id))
		html_printf(b, "<div class=\"notice\" role=\"status\"><p>Đã ghi nhận mục #%s %s."
		    "</p></div>\n", id, done ? "hoàn thành" : "được miễn thực hiện");
}

void
deskpage_overdue(struct desk_page *pg)
{
	char *query, *action, *href, *id;
	struct buf b = { 0 };
	struct table t = { 0 };
	int col, desc;
	size_t r;

	if (plan_filter(pg) != 1 || unit_filter(pg, "unit", 0) != 1)
		return;
	if (report_overdue(pg->db, &pg->scope, &t) < 0) {
		table_free(&t);
		return busy(pg);
	}
	id = scope_name(pg);
	t.title = xasprintf("Nhiệm vụ chậm, quá hạn\n%s", id);
	free(id);
	if (download(pg, &t, "qua-han", "Quá hạn")) {
		table_free(&t);
		return;
	}
	for (r = 0; r < t.nrows; r++) {
		href = xasprintf("%s/item?id=%s", pg->prefix, t.cells[r * t.ncols].text);
		table_link(&t, r, 0, href);
		table_link(&t, r, 3, href);
		free(href);
	}
	col = sort_table(pg, &t, &desc);
	query = filters_query(pg, 0);
	action = desk_link(pg, "/overdue");
	desk_begin(pg, &b, "Quá hạn", "/overdue");
	buf_puts(&b, "<h1>Nhiệm vụ chậm, quá hạn</h1>\n");
	item_notice(pg, &b);
	html_printf(&b, "<form class=\"filters\" method=\"get\" action=\"%p\">\n", action);
	plan_select(pg, &b, 1);
	unit_select(pg, &b);
	buf_puts(&b, "<button type=\"submit\">Lọc</button>\n</form>\n");
	if (t.nrows == 0)
		buf_puts(&b, "<p>Không có nhiệm vụ chậm hay quá hạn.</p>\n");
	else {
		html_printf(&b, "<p>%d nhiệm vụ. Chọn một nhiệm vụ để ghi nhận hoàn thành hoặc "
		    "miễn thực hiện.</p>\n", (int)t.nrows);
		free(action);
		action = xasprintf("%s/overdue?%s", pg->prefix, query);
		table_html(&t, &b, action, col, desc);
	}
	downloads(pg, &b, "/overdue", query);
	desk_html(pg, 200, html_end(&b));
	free(action);
	free(query);
	table_free(&t);
}

/* Whether the account's unit coordinates its organisation's plans: 1, 0, or -1. */
static int
coordinates(struct desk_page *pg)
{
	sqlite3_stmt *st = store_stmt(pg->db, "SELECT coordinator FROM unit WHERE id = ?");
	int rc = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pg->who.unit_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return rc;
}

/* The item of ?id= (or the form's id), if its plan is the organisation's: 1 with *id. */
static int
own_item(struct desk_page *pg, sqlite3_int64 *id)
{
	const char *s = desk_arg(pg, "id") ? desk_arg(pg, "id") : desk_field(pg, "id");
	sqlite3_stmt *st = store_stmt(pg->db, "SELECT p.org_id FROM occurrence o JOIN task t "
	    "ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id WHERE o.id = ?");
	int rc, found = 0;
	char *end;

	*id = s ? strtoll(s, &end, 10) : 0;
	if (*id <= 0 || *end != '\0')
		return desk_message(pg, 404, "Không tìm thấy", "Không có nhiệm vụ này."), 0;
	if (st == NULL)
		return busy(pg), 0;
	sqlite3_bind_int64(st, 1, *id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		found = sqlite3_column_int64(st, 0) == pg->who.org_id ? 1 : -1;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return busy(pg), 0;
	if (found == 0)
		desk_message(pg, 404, "Không tìm thấy", "Không có nhiệm vụ này.");
	else if (found < 0)
		desk_message(pg, 403, "Không có quyền xem",
		    "Nhiệm vụ này thuộc kế hoạch của một tổ chức khác.");
	return found > 0;
}

/* What the account may do with the item: mark it done when its unit directs, leads or
 * supports it or coordinates (as a done link's unit may), waive it only as the
 * coordination unit. */
struct may {
	int	 done, waive;
};

static int
may_of(struct desk_page *pg, sqlite3_int64 id, struct may *m)
{
	m->done = done_unit_may(pg->db, id, pg->who.unit_id);
	m->waive = coordinates(pg);
	return m->done < 0 || m->waive < 0 ? -1 : 0;
}

static void
item_forms(struct desk_page *pg, struct buf *b, sqlite3_int64 id, const char *note,
    const char *link, const struct may *m)
{
	char *action = desk_link(pg, "/item");

	if (!m->done && !m->waive) {
		buf_puts(b, "<p class=\"small\">Đơn vị của tài khoản không được giao việc này: "
		    "chỉ xem.</p>\n");
		free(action);
		return;
	}
	if (m->done)
		html_printf(b, "<h2>Ghi nhận hoàn thành</h2>\n<form method=\"post\" action=\"%p\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n<input type=\"hidden\" "
	    "name=\"id\" value=\"%lld\">\n<input type=\"hidden\" name=\"action\" value=\"done\">\n"
	    "<label for=\"note\">Ghi chú</label>\n<textarea id=\"note\" name=\"note\" rows=\"3\" "
	    "maxlength=\"%d\">%s</textarea>\n<label for=\"link\">Liên kết sản phẩm</label>\n"
	    "<input type=\"url\" id=\"link\" name=\"link\" placeholder=\"https://\" "
	    "maxlength=\"%d\" value=\"%s\">\n<button type=\"submit\">Đánh dấu đã hoàn thành"
	    "</button>\n</form>\n", action, pg->csrf, (long long)id, DONE_NOTE_MAX,
	    note ? note : "", DONE_LINK_MAX, link ? link : "");
	if (m->waive)
		html_printf(b, "<h2>Miễn thực hiện</h2>\n<form method=\"post\" action=\"%p\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n<input type=\"hidden\" "
	    "name=\"id\" value=\"%lld\">\n<input type=\"hidden\" name=\"action\" value=\"waive\">\n"
	    "<label for=\"reason\">Lý do (bắt buộc)</label>\n<textarea id=\"reason\" "
	    "name=\"note\" rows=\"2\" required maxlength=\"%d\"></textarea>\n"
	    "<button type=\"submit\" class=\"secondary\">Miễn thực hiện</button>\n</form>\n",
	    action, pg->csrf, (long long)id, DONE_NOTE_MAX);
	free(action);
}

static void
item_page(struct desk_page *pg, sqlite3_int64 id, unsigned int status, const char *alert,
    const char *note, const char *link)
{
	struct donepage_view v = { .now = pg->rq->now, .soon_days = pg->soon_days };
	struct done_item it;
	struct buf b = { 0 };
	char *back;
	struct may m;
	int found, meeting;

	found = may_of(pg, id, &m) < 0 ? -1 : donepage_load(pg->db, id, 0, &it);
	if (found <= 0)
		return found < 0 ? busy(pg) : desk_message(pg, 404, "Không tìm thấy",
		    "Không có nhiệm vụ này.");
	meeting = !strcmp(it.kind, "meeting");	/* reached from the calendar */
	back = desk_link(pg, meeting ? "/calendar" : "/overdue");
	desk_begin(pg, &b, it.title, meeting ? "/calendar" : "/overdue");
	html_printf(&b, "<p><a href=\"%p\">← %s</a></p>\n<h1>%s #%lld</h1>\n", back,
	    meeting ? "Lịch" : "Danh sách quá hạn", meeting ? "Cuộc họp" : "Nhiệm vụ",
	    (long long)id);
	if (alert)
		html_printf(&b, "<div class=\"notice alert\" role=\"alert\"><p>%s</p></div>\n",
		    alert);
	donepage_describe(&b, &it, &v);
	if (meeting)
		deskmeeting_section(pg, &b, id, &it, m.waive);
	if (!strcmp(it.status, "open"))
		item_forms(pg, &b, id, note, link, &m);
	desk_html(pg, status, html_end(&b));
	donepage_free(&it);
	free(back);
}

/* A form field as kept: NULL when empty or only spaces. */
static const char *
text_field(struct desk_page *pg, const char *name)
{
	const char *s = desk_field(pg, name);

	return s && s[strspn(s, " \t\r\n")] ? s : NULL;
}

/* A meeting set, moved or cancelled: by the coordination unit only. */
static void
meeting_post(struct desk_page *pg, sqlite3_int64 id)
{
	char *alert, *path;
	unsigned int status;
	int may = coordinates(pg);

	if (may < 0)
		return busy(pg);
	if (!may) {
		log_info("desk: \"%s\" (unit %s) may not schedule meeting %lld", pg->who.login,
		    pg->who.unit_code, (long long)id);
		return item_page(pg, id, 403, "Chỉ đơn vị điều phối được xếp lịch hoặc hủy cuộc "
		    "họp.", NULL, NULL);
	}
	status = deskmeeting_post(pg, id, &alert, &path);
	if (status == 303)
		desk_redirect(pg, path);
	else if (status == 404)
		desk_message(pg, 404, "Không tìm thấy", "Không có nhiệm vụ này.");
	else if (status == 0)
		busy(pg);
	else
		item_page(pg, id, status, alert, NULL, NULL);
	free(alert);
	free(path);
}

static void
item_post(struct desk_page *pg, sqlite3_int64 id)
{
	const char *action = desk_field(pg, "action"), *note = text_field(pg, "note");
	const char *link = text_field(pg, "link");
	struct done_report r = { .item = id, .unit = pg->who.unit_id, .actor = pg->who.login,
		.remote = pg->rq->remote, .note = note, .link = link, .now = pg->rq->now };
	struct may m;
	char *path;

	r.waive = action && !strcmp(action, "waive");
	if (action && (!strcmp(action, "schedule") || !strcmp(action, "cancel-meeting")))
		return meeting_post(pg, id);
	if (action == NULL || (!r.waive && strcmp(action, "done")))
		return item_page(pg, id, 400, "Không rõ thao tác.", note, link);
	if (may_of(pg, id, &m) < 0)
		return busy(pg);
	if (r.waive ? !m.waive : !m.done) {
		log_info("desk: \"%s\" (unit %s) may not %s item %lld", pg->who.login,
		    pg->who.unit_code, r.waive ? "waive" : "mark done", (long long)id);
		return item_page(pg, id, 403, r.waive ? "Chỉ đơn vị điều phối được miễn thực hiện "
		    "một nhiệm vụ." : "Đơn vị của tài khoản không được giao việc này.", note, link);
	}
	if ((note && (!text_valid_utf8(note) || text_chars(note) > DONE_NOTE_MAX)) ||
	    (link && (r.waive || !done_link_ok(link))))
		return item_page(pg, id, 400, "Ghi chú quá dài, hoặc liên kết không phải một "
		    "địa chỉ http:// hay https:// hợp lệ.", note, link);
	if (r.waive && note == NULL)
		return item_page(pg, id, 400, "Cần ghi lý do miễn thực hiện.", note, link);
	switch (done_mark(pg->db, &r)) {
	case DONE_MARKED:
		pg->rs->changed = 1;
		log_info("desk: item %lld %s by \"%s\" from %s", (long long)id, r.waive ?
		    "waived" : "done", pg->who.login, pg->rq->remote);
		path = xasprintf("/overdue?%s=%lld", r.waive ? "waived" : "done", (long long)id);
		desk_redirect(pg, path);
		free(path);
		return;
	case DONE_ALREADY:
	case DONE_CLOSED:
		return item_page(pg, id, 409, "Nhiệm vụ này đã được xử lý trước đó; không có gì "
		    "thay đổi.", NULL, NULL);
	case DONE_NO_ITEM:
		return desk_message(pg, 404, "Không tìm thấy", "Không có nhiệm vụ này.");
	case DONE_FAILED:
		return busy(pg);
	}
}

void
deskpage_item(struct desk_page *pg)
{
	sqlite3_int64 id;

	if (!own_item(pg, &id))
		return;
	if (!strcmp(pg->rq->method, "POST"))
		item_post(pg, id);
	else
		item_page(pg, id, 200, NULL, NULL, NULL);
}

/* A bar of n out of total at y, with its label. */
static void
bar(struct buf *b, int y, const char *n, const char *total, const char *what,
    const char *colour)
{
	long met = atol(n), all = atol(total);
	int w = all > 0 ? (int)(360 * (met > all ? all : met) / all) : 0;

	html_printf(b, "<rect x=\"210\" y=\"%d\" width=\"360\" height=\"12\" fill=\"#e5e7eb\"/>"
	    "<rect x=\"210\" y=\"%d\" width=\"%d\" height=\"12\" fill=\"%s\"/>"
	    "<text x=\"578\" y=\"%d\">%s/%s %s</text>\n", y, y, w, colour, y + 11, n, total,
	    what);
}

/* Each commune with figures: criteria (blue) and, where known, indicators (green)
 * reached, drawn by ntmd. */
static void
progress_chart(struct buf *b, const struct table *t)
{
	const struct cell *c;
	struct buf bars = { 0 };
	int y = 26;
	size_t r;

	for (r = 0; r < t->nrows; r++) {
		c = &t->cells[r * t->ncols];
		if (c[4].text == NULL || c[5].text == NULL)
			continue;
		html_printf(&bars, "<text x=\"0\" y=\"%d\">%s</text>\n", y + 11, c[1].text);
		bar(&bars, y, c[4].text, c[5].text, "tiêu chí", "#2563eb");
		if (c[6].text && c[7].text) {
			y += 16;
			bar(&bars, y, c[6].text, c[7].text, "chỉ tiêu", "#16a34a");
		}
		y += 24;
	}
	if (bars.len == 0) {
		buf_puts(b, "<p>Kế hoạch chưa có số liệu tiêu chí đã đạt của xã nào.</p>\n");
		return;
	}
	html_printf(b, "<svg class=\"chart\" viewBox=\"0 0 760 %d\" width=\"760\" height=\"%d\" "
	    "role=\"img\" aria-labelledby=\"chart-title\" xmlns=\"http://www.w3.org/2000/svg\">\n"
	    "<title id=\"chart-title\">Số tiêu chí và chỉ tiêu đã đạt của từng xã</title>\n"
	    "<rect x=\"210\" y=\"2\" width=\"12\" height=\"12\" fill=\"#2563eb\"/>"
	    "<text x=\"228\" y=\"13\">Tiêu chí đã đạt</text><rect x=\"360\" y=\"2\" width=\"12\" "
	    "height=\"12\" fill=\"#16a34a\"/><text x=\"378\" y=\"13\">Chỉ tiêu đã đạt</text>\n",
	    y, y);
	buf_append(b, bars.s, bars.len);
	buf_puts(b, "</svg>\n");
	buf_free(&bars);
}

void
deskpage_progress(struct desk_page *pg)
{
	const char *which = desk_arg(pg, "table");
	struct table t = { 0 }, targets = { 0 };
	struct buf b = { 0 };
	char *query, *action, *name;

	if (plan_filter(pg) != 1)
		return;
	if (report_progress(pg->db, &pg->scope, &t) < 0 ||
	    report_targets(pg->db, &pg->scope, &targets) < 0) {
		table_free(&t);
		table_free(&targets);
		return busy(pg);
	}
	name = scope_name(pg);
	t.title = xasprintf("Tiến độ xây dựng nông thôn mới của các xã\n%s", name);
	targets.title = xasprintf("Mục tiêu của các xã\n%s", name);
	if (which && !strcmp(which, "targets") ? download(pg, &targets, "muc-tieu", "Mục tiêu") :
	    download(pg, &t, "tien-do-xa", "Tiến độ xã"))
		goto out;
	query = filters_query(pg, 0);
	action = desk_link(pg, "/progress");
	desk_begin(pg, &b, "Tiến độ xã", "/progress");
	html_printf(&b, "<h1>Tiến độ xây dựng nông thôn mới của các xã</h1>\n<p><b>%s</b></p>\n"
	    "<form class=\"filters\" method=\"get\" action=\"%p\">\n", name, action);
	plan_select(pg, &b, 1);
	buf_puts(&b, "<button type=\"submit\">Xem</button>\n</form>\n");
	progress_chart(&b, &t);
	table_html(&t, &b, NULL, -1, 0);
	downloads(pg, &b, "/progress", query);
	buf_puts(&b, "<h2>Mục tiêu của các xã</h2>\n");
	table_html(&targets, &b, NULL, -1, 0);
	free(action);
	action = xasprintf("%stable=targets&", query);
	downloads(pg, &b, "/progress", action);
	desk_html(pg, 200, html_end(&b));
	free(action);
	free(query);
out:
	free(name);
	table_free(&t);
	table_free(&targets);
}

/* Without ?plan=, the organisation's first plan with assignments. */
static void
default_plan(struct desk_page *pg)
{
	sqlite3_stmt *st = store_stmt(pg->db, "SELECT p.id FROM plan p WHERE p.org_id = ? AND "
	    "EXISTS (SELECT 1 FROM assignment WHERE plan_id = p.id) ORDER BY p.year DESC, p.id "
	    "LIMIT 1");

	if (pg->scope.plan_id || st == NULL)
		return;
	sqlite3_bind_int64(st, 1, pg->who.org_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		pg->scope.plan_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
}

void
deskpage_assignments(struct desk_page *pg)
{
	char *query, *action, *name;
	struct buf b = { 0 };
	struct table t = { 0 };

	if (plan_filter(pg) != 1)
		return;
	default_plan(pg);
	if (report_matrix(pg->db, &pg->scope, &t) < 0) {
		table_free(&t);
		return busy(pg);
	}
	name = scope_name(pg);
	t.title = xasprintf("Phân công phụ trách tiêu chí\n%s", name);
	if (!download(pg, &t, "phan-cong", "Phân công")) {
		query = filters_query(pg, 0);
		action = desk_link(pg, "/assignments");
		desk_begin(pg, &b, "Phân công tiêu chí", "/assignments");
		html_printf(&b, "<h1>Phân công phụ trách tiêu chí</h1>\n<p><b>%s</b></p>\n"
		    "<form class=\"filters\" method=\"get\" action=\"%p\">\n", name, action);
		plan_select(pg, &b, 0);
		buf_puts(&b, "<button type=\"submit\">Xem</button>\n</form>\n");
		if (t.nrows == 0)
			buf_puts(&b, "<p>Kế hoạch này không phân công tiêu chí cho đơn vị nào.</p>\n");
		else
			table_html(&t, &b, NULL, -1, 0);
		downloads(pg, &b, "/assignments", query);
		desk_html(pg, 200, html_end(&b));
		free(action);
		free(query);
	}
	free(name);
	table_free(&t);
}

void
deskpage_calendar(struct desk_page *pg)
{
	struct buf b = { 0 };
	struct table t = { 0 };
	char *name, *href;
	size_t r;

	if (plan_filter(pg) != 1)
		return;
	if (report_calendar(pg->db, &pg->scope, &t) < 0) {
		table_free(&t);
		return busy(pg);
	}
	for (r = 0; r < t.nrows; r++) {
		href = xasprintf("%s/item?id=%s", pg->prefix, t.cells[r * t.ncols].text);
		table_link(&t, r, 0, href);
		table_link(&t, r, 6, href);
		free(href);
	}
	name = scope_name(pg);
	t.title = xasprintf("Lịch họp và thời hạn 30 ngày tới\n%s", name);
	if (!download(pg, &t, "lich-30-ngay", "Lịch")) {
		desk_begin(pg, &b, "Lịch", "/calendar");
		html_printf(&b, "<h1>Lịch họp và thời hạn 30 ngày tới</h1>\n<p><b>%s</b></p>\n",
		    name);
		if (t.nrows == 0)
			buf_puts(&b, "<p>Không có cuộc họp hay thời hạn nào trong 30 ngày tới.</p>\n");
		else
			table_html(&t, &b, NULL, -1, 0);
		downloads(pg, &b, "/calendar", "");
		desk_html(pg, 200, html_end(&b));
	}
	free(name);
	table_free(&t);
}
