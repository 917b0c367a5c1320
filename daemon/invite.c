/*
 * The mail of a meeting set, moved or cancelled: sent to each unit in the meeting the
 * minute it changes, not with the unit's daily mail, with the calendar event attached so
 * that a calendar that imported the meeting before moves it too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "html.h"
#include "invite.h"
#include "log.h"
#include "mail.h"
#include "meeting.h"
#include "store.h"
#include "token.h"
#include "xalloc.h"

/* The meetings of the message, with the unit's part in each and whether it was told of
 * the meeting before (then this is a change). ?1 the message, ?2 the unit. */
static const char meetings_sql[] = "SELECT o.id, t.title, 'Kế hoạch ' || "
	"coalesce(p.number, p.code) || ', mục ' || t.ref, t.when_text, o.status, o.day, "
	"m.start_time, m.end_time, m.place, m.note, m.occurrence_id IS NOT NULL, "
	STORE_ROLE_NAMES("direct") ", " STORE_ROLE_NAMES("lead") ", "
	STORE_ROLE_NAMES("support") ", (SELECT CASE min(CASE tu.role WHEN 'direct' THEN 1 "
	"WHEN 'lead' THEN 2 ELSE 3 END) WHEN 1 THEN 'chỉ đạo' WHEN 2 THEN 'chủ trì' "
	"ELSE 'phối hợp' END FROM task_unit tu WHERE tu.task_id = t.id AND (tu.unit_id = ?2 "
	"OR tu.unit_id IN (SELECT group_id FROM unit_group WHERE member_id = ?2))), "
	"EXISTS (SELECT 1 FROM reminder r WHERE r.occurrence_id = o.id AND r.unit_id = ?2 "
	"AND r.kind LIKE 'invite-%' AND r.state = 'sent' AND r.message_id IS NOT ?1) "
	"FROM occurrence o JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id "
	"LEFT JOIN meeting m ON m.occurrence_id = o.id WHERE o.id IN (SELECT occurrence_id "
	"FROM reminder WHERE message_id = ?1 AND kind LIKE 'invite-%') ORDER BY o.day, o.id";

enum col {
	C_ID, C_TITLE, C_CODE, C_WHEN, C_STATUS, C_DAY, C_START, C_END, C_PLACE, C_NOTE,
	C_SCHEDULED, C_DIRECT, C_LEAD, C_SUPPORT, C_ROLE, C_TOLD_BEFORE, NCOLS
};

enum change { SET, MOVED, CANCELLED, DROPPED };

static const char *const change_label[] = {
	[SET] = "Lịch họp", [MOVED] = "Thay đổi lịch họp", [CANCELLED] = "Hủy cuộc họp",
	[DROPPED] = "Hủy lịch họp"
};

struct meeting {
	char		*col[NCOLS];
	enum change	 change;
	char		*when;	/* "8 giờ 00, thứ Năm, 15/03/2018", or the month */
};

static void
meeting_free(struct meeting *m)
{
	int i;

	for (i = 0; i < NCOLS; i++)
		free(m->col[i]);
	free(m->when);
}

/* When the meeting is (or was to be), in words. */
static char *
when_words(struct meeting *m)
{
	int start = meeting_parse_time(m->col[C_START]), y, mo, dd;
	ntm_date d;

	if (m->change == DROPPED)	/* its day and hours went with the schedule */
		return xasprintf("chưa ấn định (theo kế hoạch: %s)", m->col[C_WHEN]);
	if (date_parse_iso(m->col[C_DAY], &d) < 0)
		return xstrdup(m->col[C_WHEN]);
	if (start < 0) {	/* cancelled before it was set */
		date_to_ymd(d, &y, &mo, &dd);
		return xasprintf("tháng %d/%d (chưa ấn định ngày)", mo, y);
	}
	return meeting_when_vn(d, start);
}

static int
load_meetings(sqlite3 *db, const char *msgid, sqlite3_int64 unit, struct meeting **v,
    size_t *n)
{
	sqlite3_stmt *st = store_stmt(db, meetings_sql);
	struct meeting *m;
	const unsigned char *s;
	int rc, i;

	*v = NULL;
	*n = 0;
	sqlite3_bind_text(st, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, unit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		m = &(*v)[(*n)++];
		for (i = 0; i < NCOLS; i++)
			m->col[i] = xstrdup((s = sqlite3_column_text(st, i)) ? (const char *)s : "");
		/* no schedule: the plan took it away (the item may have stayed) */
		m->change = !atoi(m->col[C_SCHEDULED]) ? DROPPED : !strcmp(m->col[C_STATUS],
		    "cancelled") ? CANCELLED : atoi(m->col[C_TOLD_BEFORE]) ? MOVED : SET;
		m->when = when_words(m);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static char *
subject(const struct meeting *v, size_t n)
{
	if (n > 1)
		return xasprintf("Lịch họp: %zu cuộc họp mới xếp lịch, thay đổi hoặc hủy", n);
	return xasprintf("%s: %s - %s", change_label[v->change], v->col[C_TITLE], v->when);
}

static void
render_meeting(struct buf *text, struct buf *html, const struct meeting *m, size_t k)
{
	static const char *const state[] = {
		[SET] = NULL, [MOVED] = "lịch họp đã thay đổi, xin theo lịch mới",
		[CANCELLED] = "cuộc họp đã hủy, không diễn ra như lịch đã báo",
		[DROPPED] = "kế hoạch đã đổi thời gian cuộc họp nên lịch đã báo không còn "
		    "hiệu lực; lịch mới sẽ được thông báo khi có ngày chính thức"
	};
	int end = meeting_parse_time(m->col[C_END]);
	char until[48] = "";

	buf_printf(text, "%zu. %s\n", k, m->col[C_TITLE]);
	buf_puts(html, "<li style=\"margin-bottom:1em\"><p><b>");
	html_printf(html, "%s", m->col[C_TITLE]);
	buf_puts(html, "</b><br>\n");
	if (state[m->change]) {
		buf_printf(text, "   Lưu ý: %s.\n", state[m->change]);
		buf_printf(html, "<b style=\"color:#b00020\">Lưu ý: %s.</b><br>\n",
		    state[m->change]);
	}
	if (end >= 0 && m->change != DROPPED) {
		memcpy(until, ", đến ", sizeof(", đến "));
		meeting_hour_vn(end, until + strlen(until));
	}
	buf_printf(text, "   Thời gian: %s%s\n", m->when, until);
	buf_puts(html, "Thời gian: <b>");
	html_printf(html, "%s", m->when);
	buf_printf(html, "</b>%s<br>\n", until);
	digest_field(text, html, "Địa điểm", m->col[C_PLACE]);
	digest_field(text, html, m->change == CANCELLED ? "Lý do hủy" : "Ghi chú",
	    m->col[C_NOTE]);
	digest_field(text, html, "Đơn vị tham dự với vai trò", m->col[C_ROLE]);
	digest_field(text, html, "Chỉ đạo", m->col[C_DIRECT]);
	digest_field(text, html, "Chủ trì", m->col[C_LEAD]);
	digest_field(text, html, "Phối hợp", m->col[C_SUPPORT]);
	digest_field(text, html, "Thời gian theo kế hoạch", m->col[C_WHEN]);
	buf_printf(text, "   %s (mã công việc %s)\n\n", m->col[C_CODE], m->col[C_ID]);
	html_printf(html, "%s (mã công việc %s)</p></li>\n", m->col[C_CODE], m->col[C_ID]);
}

static void
render_bodies(struct buf *text, struct buf *html, const char *unit_name,
    const struct meeting *v, size_t n, const struct digest_contact *k, int self,
    const char *feed_url)
{
	static const char intro[] = "Hệ thống nhắc việc Chương trình MTQG xây dựng nông thôn "
	    "mới xin thông báo lịch họp đơn vị tham dự:";
	static const char ics[] = "Tệp lich-hop.ics gửi kèm: mở tệp để đưa cuộc họp vào lịch "
	    "(hoặc cập nhật cuộc họp đã có trong lịch). Lịch đã đăng ký theo đường dẫn dưới đây "
	    "tự cập nhật.";
	size_t i;

	digest_open(text, html, unit_name, intro);
	buf_puts(html, "<ol>\n");
	for (i = 0; i < n; i++)
		render_meeting(text, html, &v[i], i + 1);
	buf_puts(html, "</ol>\n");
	buf_printf(text, "%s\n\n", ics);
	buf_printf(html, "<p>%s</p>\n", ics);
	digest_close(text, html, k, self, feed_url);
}

struct digest *
invite_build(sqlite3 *db, const struct config *c, sqlite3_int64 unit, const char *msgid,
    time_t now)
{
	char *from = config_from_address(c), *unit_name = NULL, *token = NULL, *ics = NULL;
	struct feed_query q = { .message_id = msgid, .now = now, .organizer = from };
	struct digest *dg = xcalloc(1, sizeof(*dg));
	struct buf text = { 0 }, html = { 0 };
	struct digest_contact k = { 0 };
	struct meeting *v = NULL;
	char *feed_url, *subj;
	const char *why = NULL;
	size_t n = 0, i;
	time_t lm;
	int self;

	if (digest_recipient(db, unit, dg, &unit_name) < 0)
		why = "no addresses";
	else if (digest_contact_load(db, unit, &k) < 0 ||
	    load_meetings(db, msgid, unit, &v, &n) < 0)
		why = "cannot read its meetings";
	else if (n == 0)
		why = "no meeting";
	else if ((token = token_for_unit(db, unit, now)) == NULL)
		why = "no feed token";
	else {
		/* an iTIP invitation to the unit's addresses; a cancel when all are off */
		for (i = 0; i < n && (v[i].change == CANCELLED || v[i].change == DROPPED); i++)
			;
		q.method = i == n ? "CANCEL" : "REQUEST";
		q.attendees = dg->to;
		q.nattendees = dg->nto;
		if ((ics = feed_render(db, &q, &lm)) == NULL)
			why = "no calendar";
	}
	if (why) {
		log_warnx("invitation <%s> to unit %lld: %s (database: %s)", msgid,
		    (long long)unit, why, store_error(db));
		for (i = 0; i < n; i++)
			meeting_free(&v[i]);
		free(v), free(unit_name), free(token), free(from), free(ics);
		digest_contact_free(&k);
		digest_free(dg);
		return NULL;
	}
	self = k.id == unit;
	feed_url = xasprintf("%s/feeds/%s/%s.ics", c->base_url, token, dg->unit_code);
	render_bodies(&text, &html, unit_name, v, n, &k, self, feed_url);
	subj = subject(v, n);
	dg->message = mail_compose(&(struct mail){ .from = c->smtp_from, .to_name = unit_name,
	    .to = (const char **)dg->to, .nto = dg->nto, .subject = subj, .text = text.s,
	    .html = html.s, .ics = ics, .ics_name = "lich-hop.ics", .ics_method = q.method,
	    .message_id = msgid,
	    .date = now, .reply_to_name = self ? NULL : k.name,
	    .reply_to = self || k.email == NULL || *k.email == '\0' ? NULL : k.email });
	for (i = 0; i < n; i++)
		meeting_free(&v[i]);
	free(v), free(unit_name), free(token), free(from), free(ics), free(feed_url), free(subj);
	digest_contact_free(&k);
	buf_free(&text);
	buf_free(&html);
	return dg;
}
