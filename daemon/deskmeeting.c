/*
 * A meeting on the desk: its schedule on the item's page and, for the coordination
 * unit, the forms that set, move or cancel it (meeting.c does the change).
 */
#include <stdlib.h>
#include <string.h>

#include "deskpage.h"
#include "html.h"
#include "log.h"
#include "meeting.h"

/* The schedule as it stands, in words. */
static void
describe(struct buf *b, const struct meeting_row *r, int found, const struct done_item *it)
{
	char from[11], to[11], end[16], *when;

	if (found && r->cancelled) {
		buf_puts(b, "<p><b>Cuộc họp đã hủy.</b></p>\n");
		return;
	}
	if (!found || r->start < 0) {
		date_vn(it->start, from);
		date_vn(it->due, to);
		html_printf(b, "<p>Chưa ấn định ngày họp (theo kế hoạch: %s - %s).</p>\n", from,
		    to);
		return;
	}
	when = meeting_when_vn(r->day, r->start);
	meeting_hour_vn(r->end, end);
	html_printf(b, "<p>Đã xếp lịch: <b>%s</b>, đến %s.", when, end);
	if (*r->place)
		html_printf(b, " Địa điểm: <b>%s</b>.", r->place);
	buf_puts(b, "</p>\n");
	if (*r->note)
		html_printf(b, "<p>Ghi chú: %s</p>\n", r->note);
	free(when);
}

/* A form field as sent after a refusal, else the schedule's value. */
static const char *
value(struct desk_page *pg, const char *field, const char *kept)
{
	const char *sent = desk_field(pg, field);

	return sent ? sent : kept;
}

static void
forms(struct desk_page *pg, struct buf *b, sqlite3_int64 id, const struct meeting_row *r,
    int found, int open)
{
	char *action = desk_link(pg, "/item"), day[11] = "", start[8] = "", end[8] = "";
	int set = found && r->start >= 0 && !r->cancelled;

	if (set) {
		date_iso(r->day, day);
		meeting_hhmm(r->start, start);
		meeting_hhmm(r->end, end);
	}
	html_printf(b, "<form method=\"post\" action=\"%p\" class=\"meeting\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n<input type=\"hidden\" "
	    "name=\"id\" value=\"%lld\">\n<input type=\"hidden\" name=\"action\" "
	    "value=\"schedule\">\n<label for=\"date\">Ngày họp</label>\n<input type=\"date\" "
	    "id=\"date\" name=\"date\" required value=\"%s\">\n<label for=\"start\">Giờ bắt đầu"
	    "</label>\n<input type=\"time\" id=\"start\" name=\"start\" required value=\"%s\">\n"
	    "<label for=\"end\">Giờ kết thúc (để trống: sau 2 giờ)</label>\n<input type=\"time\" "
	    "id=\"end\" name=\"end\" value=\"%s\">\n<label for=\"place\">Địa điểm</label>\n"
	    "<input type=\"text\" id=\"place\" name=\"place\" maxlength=\"%d\" value=\"%s\">\n"
	    "<label for=\"meeting-note\">Ghi chú cho các đơn vị</label>\n<textarea "
	    "id=\"meeting-note\" name=\"note\" rows=\"2\" maxlength=\"%d\">%s</textarea>\n"
	    "<label class=\"check\"><input type=\"checkbox\" name=\"force\" value=\"1\"> Vẫn xếp "
	    "lịch nếu là ngày nghỉ hoặc ngoài thời gian theo kế hoạch</label>\n"
	    "<button type=\"submit\">%s</button>\n</form>\n", action, pg->csrf, (long long)id,
	    value(pg, "date", day), value(pg, "start", start), value(pg, "end", end),
	    MEETING_PLACE_MAX, value(pg, "place", found ? r->place : ""), MEETING_NOTE_MAX,
	    value(pg, "note", found ? r->note : ""), set ? "Dời lịch và báo các đơn vị" :
	    "Xếp lịch và gửi thư mời");
	if (open)
		html_printf(b, "<h3>Hủy cuộc họp</h3>\n<form method=\"post\" action=\"%p\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n<input type=\"hidden\" "
		    "name=\"id\" value=\"%lld\">\n<input type=\"hidden\" name=\"action\" "
		    "value=\"cancel-meeting\">\n<label for=\"cancel-note\">Lý do hủy (gửi tới các "
		    "đơn vị)</label>\n<textarea id=\"cancel-note\" name=\"note\" rows=\"2\" "
		    "maxlength=\"%d\"></textarea>\n<label class=\"check\"><input type=\"checkbox\" "
		    "name=\"confirm\" value=\"1\" required> Tôi xác nhận hủy cuộc họp này</label>\n"
		    "<button type=\"submit\" class=\"secondary\">Hủy cuộc họp và báo các đơn vị"
		    "</button>\n</form>\n", action, pg->csrf, (long long)id, MEETING_NOTE_MAX);
	free(action);
}

void
deskmeeting_section(struct desk_page *pg, struct buf *b, sqlite3_int64 id,
    const struct done_item *it, int may_schedule)
{
	struct meeting_row r;
	int found = meeting_load(pg->db, id, &r), open = !strcmp(it->status, "open");
	const char *n;

	if (found < 0)
		return;
	buf_puts(b, "<h2>Lịch họp</h2>\n");
	if ((n = desk_arg(pg, "invited")) && strspn(n, "0123456789") == strlen(n))
		html_printf(b, "<div class=\"notice\" role=\"status\"><p>Đã ghi lịch họp; thư báo "
		    "đã gửi tới %s đơn vị.</p></div>\n", n);
	if ((n = desk_arg(pg, "cancelled")) && strspn(n, "0123456789") == strlen(n))
		html_printf(b, "<div class=\"notice\" role=\"status\"><p>Đã hủy cuộc họp; thư báo "
		    "đã gửi tới %s đơn vị.</p></div>\n", n);
	describe(b, &r, found, it);
	if (may_schedule && (open || (found && r.cancelled)))
		forms(pg, b, id, &r, found, open);
	if (found)
		meeting_row_free(&r);
}

/* What the coordinator sent, into m: NULL, or why it cannot be read. */
static const char *
read_form(struct desk_page *pg, struct meeting_set *m)
{
	const char *day = desk_field(pg, "date"), *start = desk_field(pg, "start");
	const char *end = desk_field(pg, "end");

	/* the form always has them: an empty one takes the old value away */
	m->place = desk_field(pg, "place") ? desk_field(pg, "place") : "";
	m->note = desk_field(pg, "note") ? desk_field(pg, "note") : "";
	m->force = desk_field(pg, "force") != NULL;
	m->end = -1;
	if (!meeting_text_ok(m->place, MEETING_PLACE_MAX, 0) ||
	    !meeting_text_ok(m->note, MEETING_NOTE_MAX, 1))
		return "Địa điểm (một dòng) hoặc ghi chú quá dài, hoặc có ký tự không hợp lệ.";
	if (m->cancel)
		return desk_field(pg, "confirm") ? NULL : "Cần đánh dấu «Tôi xác nhận hủy cuộc "
		    "họp này» để hủy.";
	if (day == NULL || date_parse_iso(day, &m->day) < 0 || start == NULL ||
	    (m->start = meeting_parse_time(start)) < 0 ||
	    (end && (m->end = meeting_parse_time(end)) < 0))
		return "Cần ghi ngày họp và giờ bắt đầu (giờ:phút).";
	return NULL;
}

unsigned int
deskmeeting_post(struct desk_page *pg, sqlite3_int64 id, char **alert, char **path)
{
	struct meeting_set m = { .actor = pg->who.login, .remote = pg->rq->remote,
	    .now = pg->rq->now, .cancel = !strcmp(desk_field(pg, "action"), "cancel-meeting") };
	struct meeting_outcome out;
	char day[11], from[11], to[11];
	const char *bad;

	*alert = *path = NULL;
	if ((bad = read_form(pg, &m)) != NULL) {
		*alert = xstrdup(bad);
		return 400;
	}
	date_vn(m.day, day);
	switch (meeting_set(pg->db, pg->rq->cal, id, &m, &out)) {
	case MEETING_SET:
	case MEETING_CANCELLED:
		pg->rs->changed = 1;
		log_info("desk: meeting %lld %s by \"%s\" from %s", (long long)id, m.cancel ?
		    "cancelled" : "set", pg->who.login, pg->rq->remote);
		*path = xasprintf("/item?id=%lld&%s=%d", (long long)id, m.cancel ? "cancelled" :
		    "invited", out.invited);
		return 303;
	case MEETING_NO_ITEM:
		return 404;
	case MEETING_NOT_MEETING:
		*alert = xstrdup("Nhiệm vụ này không phải một cuộc họp.");
		return 400;
	case MEETING_CLOSED:
		*alert = xstrdup("Cuộc họp này đã kết thúc, đã hủy hoặc không còn trong kế hoạch; "
		    "không có gì thay đổi.");
		return 409;
	case MEETING_BAD_HOURS:
		*alert = xstrdup("Giờ kết thúc phải sau giờ bắt đầu, trong cùng ngày.");
		return 400;
	case MEETING_DAY_OFF:
		*alert = xasprintf("Ngày %s là ngày nghỉ (%s). Chọn ngày khác, hoặc đánh dấu «Vẫn "
		    "xếp lịch» nếu cuộc họp vẫn diễn ra vào ngày đó.", day, out.day_off);
		return 400;
	case MEETING_OUTSIDE:
		date_vn(out.from, from);
		date_vn(out.to, to);
		*alert = xasprintf("Ngày %s nằm ngoài thời gian theo kế hoạch (%s - %s). Chọn "
		    "ngày trong khoảng đó, hoặc đánh dấu «Vẫn xếp lịch».", day, from, to);
		return 400;
	case MEETING_FAILED:
		break;
	}
	return 0;
}
