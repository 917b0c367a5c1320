/*
 * iCalendar feeds with libical. Deadlines are all-day VEVENTs (Google and Apple ignore
 * VTODO in subscriptions); no METHOD in subscribed feeds (Outlook), METHOD:PUBLISH with
 * ORGANIZER in mail attachments. DTSTAMP and LAST-MODIFIED come from the stored change
 * time, never the request time, so that ETags stay valid.
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "feed.h"
#include "log.h"
#include "meeting.h"
#include "state.h"
#include "store.h"
#include "text.h"
#include "xalloc.h"

enum col {
	C_ID, C_UID, C_START, C_DUE, C_TENTATIVE, C_STATUS, C_DONE_AT, C_NOTE, C_SEQUENCE,
	C_CHANGED, C_REF, C_SECTION, C_TITLE, C_KIND, C_WHEN, C_PLAN_NUMBER, C_PLAN_TITLE,
	C_DIRECT, C_LEAD, C_SUPPORT, C_DAY, C_LATEST, C_DUE_ORIGINAL, C_DAY_OFF, C_SHOWN_STATE,
	C_MEETING_START, C_MEETING_END, C_PLACE, C_MEETING_NOTE, C_MEETING_CANCELLED, C_RRULE
};

#define SELECT_ITEMS \
	"SELECT o.id, o.uid, o.start, o.due, o.tentative, o.status, o.done_at, o.note, " \
	"o.sequence, o.changed_at, t.ref, t.section, t.title, t.kind, t.when_text, " \
	"p.number, p.title, " STORE_ROLE_NAMES("direct") ", " STORE_ROLE_NAMES("lead") ", " \
	STORE_ROLE_NAMES("support") ", o.day, o.latest, o.due_original, o.day_off, " \
	"o.shown_state, m.start_time, m.end_time, m.place, m.note, m.cancelled, o.rrule " \
	"FROM occurrence o JOIN task t ON t.id = o.task_id " \
	"JOIN plan p ON p.id = t.plan_id LEFT JOIN meeting m ON m.occurrence_id = o.id WHERE "

static const char by_unit[] = SELECT_ITEMS "o.task_id IN (" STORE_UNIT_TASKS("?1") ") AND "
	"(o.status != 'cancelled' OR o.changed_at > ?2) ORDER BY o.due, o.id";
static const char by_plan[] = SELECT_ITEMS "t.plan_id = ?1 AND "
	"(o.status != 'cancelled' OR o.changed_at > ?2) ORDER BY o.due, o.id";
static const char by_message[] = SELECT_ITEMS "o.id IN (SELECT occurrence_id FROM reminder "
	"WHERE message_id = ?1 AND kind NOT LIKE 'escalate-%' AND kind NOT LIKE 'dead-%') "
	"ORDER BY o.due, o.id";

static const char *
col_text(sqlite3_stmt *st, enum col c)
{
	const unsigned char *s = sqlite3_column_text(st, c);

	return s ? (const char *)s : "";
}

static struct icaltimetype
ical_date(ntm_date day)
{
	struct icaltimetype t = icaltime_null_date();
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	return t;
}

/* A time of day on day, in the zone of the feed's VTIMEZONE. */
static struct icaltimetype
ical_local(ntm_date day, int minutes)
{
	struct icaltimetype t = ical_date(day);

	t.is_date = 0;
	t.hour = minutes / 60;
	t.minute = minutes % 60;
	t.second = 0;
	t.zone = icaltimezone_get_builtin_timezone(zone_name());
	return t;
}

/* p's time named by its zone (TZID, the VTIMEZONE's). */
static icalproperty *
zoned(icalproperty *p)
{
	if (icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER) == NULL)
		icalproperty_add_parameter(p, icalparameter_new_tzid(zone_name()));
	return p;
}

/* The zone's VTIMEZONE from libical's zone data (the system's zoneinfo), every
 * transition of its history included, with the zone's name as TZID: libical 3.0.16
 * puts its "/freeassociation.sourceforge.net/" prefix there, which some clients reject,
 * and takes an empty icaltimezone_set_tzid_prefix() for its default. NULL if libical
 * has no such zone. */
static icalcomponent *
vtimezone(void)
{
	icaltimezone *zone = icaltimezone_get_builtin_timezone(zone_name());
	icalcomponent *c = zone ? icaltimezone_get_component(zone) : NULL;
	icalproperty *tzid;

	if (c == NULL)
		return NULL;
	c = icalcomponent_new_clone(c);
	if ((tzid = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY)) != NULL)
		icalproperty_set_tzid(tzid, zone_name());
	return c;
}

static const char *
status_prefix(sqlite3_stmt *st)
{
	const char *status = col_text(st, C_STATUS), *shown = col_text(st, C_SHOWN_STATE);

	if (!strcmp(status, "done"))
		return "[Đã hoàn thành] ";
	if (!strcmp(status, "waived"))
		return "[Miễn thực hiện] ";
	if (!strcmp(status, "cancelled"))
		return "[Đã hủy] ";
	if (!strcmp(shown, "late"))
		return "[Chậm] ";
	if (!strcmp(shown, "overdue"))
		return "[Quá hạn] ";
	return "";
}

static char *
summary(sqlite3_stmt *st, ntm_date start)
{
	const char *prefix = status_prefix(st), *title = col_text(st, C_TITLE);
	int y, m, d;

	if (sqlite3_column_int(st, C_TENTATIVE)) {
		date_to_ymd(start, &y, &m, &d);
		return xasprintf("%s%s (dự kiến tháng %d/%d)", prefix, title, m, y);
	}
	if (!strcmp(col_text(st, C_KIND), "meeting") || *col_text(st, C_RRULE))
		return xasprintf("%s%s", prefix, title);
	return xasprintf("%sHạn: %s", prefix, title);
}

/* The deadline, and why it is not the day the plan wrote when the rule moved it. */
static void
describe_deadline(struct buf *b, sqlite3_stmt *st, ntm_date start, ntm_date due)
{
	char s[11], d[11], o[11];
	ntm_date original, latest;

	date_vn(start, s);
	date_vn(due, d);
	buf_printf(b, "Thời hạn: từ %s đến hết %s, %s", s, date_weekday_vn(due), d);
	if (date_parse_iso(col_text(st, C_DUE_ORIGINAL), &original) == 0) {
		date_vn(original, o);
		buf_printf(b, " (kế hoạch ghi %s, là ngày nghỉ; theo khoản 5 Điều 148 Bộ luật "
		    "Dân sự 2015 hạn chuyển %s)", o, original < due ?
		    "sang ngày làm việc tiếp theo" : "về ngày làm việc liền trước");
	}
	buf_puts(b, "\n");
	if (date_parse_iso(col_text(st, C_LATEST), &latest) == 0 && latest > due) {
		date_vn(latest, d);
		buf_printf(b, "Chậm nhất: hết %s, %s\n", date_weekday_vn(latest), d);
	}
}

/* A set meeting's hours, place and note. */
static void
describe_meeting(struct buf *b, sqlite3_stmt *st, ntm_date day, int from, int to)
{
	char *when = meeting_when_vn(day, from), end[16];

	meeting_hour_vn(to, end);
	buf_printf(b, "Thời gian: %s, đến %s\n", when, end);
	free(when);
	if (*col_text(st, C_PLACE))
		buf_printf(b, "Địa điểm: %s\n", col_text(st, C_PLACE));
	if (*col_text(st, C_MEETING_NOTE))
		buf_printf(b, "Ghi chú: %s\n", col_text(st, C_MEETING_NOTE));
}

static char *
description(sqlite3_stmt *st, ntm_date start, ntm_date due, ntm_date day)
{
	int from = meeting_parse_time(col_text(st, C_MEETING_START));
	struct buf b = { 0 };
	char s[11], d[11], on[11];
	const char *status = col_text(st, C_STATUS), *shown = col_text(st, C_SHOWN_STATE);

	date_vn(start, s);
	date_vn(due, d);
	date_vn(day, on);
	buf_printf(&b, "Kế hoạch%s%s: %s\n", *col_text(st, C_PLAN_NUMBER) ? " " : "",
	    col_text(st, C_PLAN_NUMBER), col_text(st, C_PLAN_TITLE));
	buf_printf(&b, "Mục %s - %s\n", col_text(st, C_REF), col_text(st, C_SECTION));
	buf_printf(&b, "Thời gian theo kế hoạch: %s\n", col_text(st, C_WHEN));
	if (sqlite3_column_int(st, C_TENTATIVE))
		buf_printf(&b, "Trong khoảng %s - %s; ngày họp chưa được ấn định, lịch sẽ được "
		    "cập nhật khi có ngày chính thức.\n", s, d);
	else if (from >= 0)
		describe_meeting(&b, st, day, from, meeting_parse_time(col_text(st,
		    C_MEETING_END)));
	else if (*col_text(st, C_RRULE)) {
		char *days = date_weekly_vn(start, due);

		buf_printf(&b, "Thời gian: %s\n", days);
		free(days);
	}
	else if (!strcmp(col_text(st, C_KIND), "meeting"))
		buf_printf(&b, "Ngày họp: %s, %s\n", date_weekday_vn(day), on);
	else
		describe_deadline(&b, st, start, due);
	if (!strcmp(col_text(st, C_KIND), "meeting") && *col_text(st, C_DAY_OFF))
		buf_printf(&b, "Lưu ý: ngày %s là ngày nghỉ (%s).\n", on, col_text(st, C_DAY_OFF));
	if (*col_text(st, C_DIRECT))
		buf_printf(&b, "Chỉ đạo: %s\n", col_text(st, C_DIRECT));
	buf_printf(&b, "Thực hiện: %s\n", col_text(st, C_LEAD));
	if (*col_text(st, C_SUPPORT))
		buf_printf(&b, "Phối hợp: %s\n", col_text(st, C_SUPPORT));
	if (!strcmp(status, "done")) {
		date_vn(date_of((time_t)sqlite3_column_int64(st, C_DONE_AT)), d);
		buf_printf(&b, "Trạng thái: đã hoàn thành ngày %s", d);
		if (*col_text(st, C_NOTE))
			buf_printf(&b, " (%s)", col_text(st, C_NOTE));
		buf_puts(&b, "\n");
	} else if (!strcmp(status, "cancelled"))
		buf_puts(&b, sqlite3_column_int(st, C_MEETING_CANCELLED) ? "Trạng thái: cuộc họp "
		    "đã hủy\n" : "Trạng thái: đã hủy (không còn trong kế hoạch)\n");
	else if (!strcmp(status, "waived"))
		buf_puts(&b, "Trạng thái: miễn thực hiện\n");
	else if (!strcmp(shown, "late"))
		buf_puts(&b, "Trạng thái: chậm - đã quá hạn, chưa quá thời hạn chậm nhất\n");
	else if (!strcmp(shown, "overdue"))
		buf_puts(&b, "Trạng thái: quá hạn, chưa hoàn thành\n");
	else if (from >= 0)
		buf_puts(&b, "Trạng thái: đã xếp lịch\n");
	else if (*col_text(st, C_RRULE))
		buf_puts(&b, "Trạng thái: đang thực hiện\n");
	else
		buf_puts(&b, "Trạng thái: chưa hoàn thành\n");
	buf_printf(&b, "Mã công việc: %lld", (long long)sqlite3_column_int64(st, C_ID));
	return buf_steal(&b);
}

/* An invitation's attendee: told, not asked to answer (RSVP=FALSE). */
static icalproperty *
attendee(const char *address)
{
	char *mailto = xasprintf("mailto:%s", address);
	icalproperty *p = icalproperty_new_attendee(mailto);

	icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
	icalproperty_add_parameter(p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
	icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
	free(mailto);
	return p;
}

static icalcomponent *
vevent(sqlite3_stmt *st, const struct feed_query *q)
{
	const char *organizer = q->organizer;
	size_t i;
	icalcomponent *ev = icalcomponent_new_vevent();
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	time_t changed = (time_t)sqlite3_column_int64(st, C_CHANGED);
	const char *status = col_text(st, C_STATUS);
	ntm_date start, due, day;
	char *sum, *desc;
	int from;

	date_parse_iso(col_text(st, C_START), &start);
	date_parse_iso(col_text(st, C_DUE), &due);
	if (date_parse_iso(col_text(st, C_DAY), &day) < 0)
		day = due;
	sum = summary(st, start);
	desc = description(st, start, due, day);
	icalcomponent_add_property(ev, icalproperty_new_uid(col_text(st, C_UID)));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(
	    icaltime_from_timet_with_zone(changed, 0, utc)));
	icalcomponent_add_property(ev, icalproperty_new_lastmodified(
	    icaltime_from_timet_with_zone(changed, 0, utc)));
	icalcomponent_add_property(ev, icalproperty_new_sequence(
	    sqlite3_column_int(st, C_SEQUENCE)));
	if ((from = meeting_parse_time(col_text(st, C_MEETING_START))) >= 0) {
		icalcomponent_add_property(ev, zoned(icalproperty_new_dtstart(ical_local(day,
		    from))));
		icalcomponent_add_property(ev, zoned(icalproperty_new_dtend(ical_local(day,
		    meeting_parse_time(col_text(st, C_MEETING_END))))));
	} else {
		icalcomponent_add_property(ev, icalproperty_new_dtstart(ical_date(day)));
		icalcomponent_add_property(ev, icalproperty_new_dtend(ical_date(day + 1)));
	}
	if (*col_text(st, C_RRULE))	/* a weekly campaign: one event, every week */
		icalcomponent_add_property(ev, icalproperty_new_rrule(
		    icalrecurrencetype_from_string(col_text(st, C_RRULE))));
	if (*col_text(st, C_PLACE))
		icalcomponent_add_property(ev, icalproperty_new_location(col_text(st, C_PLACE)));
	icalcomponent_add_property(ev, icalproperty_new_summary(sum));
	icalcomponent_add_property(ev, icalproperty_new_description(desc));
	icalcomponent_add_property(ev, icalproperty_new_status(
	    !strcmp(status, "cancelled") ? ICAL_STATUS_CANCELLED :
	    sqlite3_column_int(st, C_TENTATIVE) ? ICAL_STATUS_TENTATIVE : ICAL_STATUS_CONFIRMED));
	/* a deadline is no appointment; a meeting with hours is */
	icalcomponent_add_property(ev, icalproperty_new_transp(from >= 0 ? ICAL_TRANSP_OPAQUE :
	    ICAL_TRANSP_TRANSPARENT));
	if (organizer) {
		char *mailto = xasprintf("mailto:%s", organizer);

		icalcomponent_add_property(ev, icalproperty_new_organizer(mailto));
		free(mailto);
	}
	for (i = 0; i < q->nattendees; i++)
		icalcomponent_add_property(ev, attendee(q->attendees[i]));
	free(sum);
	free(desc);
	return ev;
}

static icalproperty *
x_property(const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);

	icalproperty_set_x_name(p, name);
	return p;
}

/* The calendar's name: the unit's, or the plan's ("Kế hoạch 15/KH-UBND — …"). */
static const char *
calendar_name(sqlite3 *db, const struct feed_query *q, char **owned)
{
	sqlite3_stmt *st = store_stmt(db, q->plan_id > 0 ? "SELECT coalesce('Kế hoạch ' || "
	    "number || ' — ', '') || title FROM plan WHERE id = ?" :
	    "SELECT name FROM unit WHERE id = ?");

	sqlite3_bind_int64(st, 1, q->plan_id > 0 ? q->plan_id : q->unit_id);
	*owned = xstrdup(sqlite3_step(st) == SQLITE_ROW ?
	    (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_reset(st);
	return *owned;
}

static icalcomponent *
vcalendar(sqlite3 *db, const struct feed_query *q)
{
	icalcomponent *cal = icalcomponent_new_vcalendar();
	icalcomponent *tz;
	icalproperty *refresh;
	char *owned, *name, *flat;

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//ntmd//ntmd 0.1//VI"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	if (q->organizer)
		icalcomponent_add_property(cal, icalproperty_new_method(q->method == NULL ?
		    ICAL_METHOD_PUBLISH : !strcmp(q->method, "CANCEL") ? ICAL_METHOD_CANCEL :
		    ICAL_METHOD_REQUEST));
	else {
		name = xasprintf("Nông thôn mới - %s", calendar_name(db, q, &owned));
		/* libical 3.0.16 does not escape X- values: no ',' or ';' in them. */
		flat = text_no_separators(name);
		icalcomponent_add_property(cal, icalproperty_new_name(name));
		icalcomponent_add_property(cal, x_property("X-WR-CALNAME", flat));
		icalcomponent_add_property(cal, x_property("X-WR-TIMEZONE", zone_name()));
		refresh = icalproperty_new_refreshinterval(icaldurationtype_from_int(3600));
		icalproperty_add_parameter(refresh, icalparameter_new_value(ICAL_VALUE_DURATION));
		icalcomponent_add_property(cal, refresh);
		icalcomponent_add_property(cal, x_property("X-PUBLISHED-TTL", "PT1H"));
		free(owned);
		free(name);
		free(flat);
	}
	if ((tz = vtimezone()) != NULL)
		icalcomponent_add_component(cal, tz);
	else
		log_warnx("feed: libical has no zone %s: the feed goes without its VTIMEZONE",
		    zone_name());
	return cal;
}

char *
feed_render(sqlite3 *db, const struct feed_query *q, time_t *last_modified)
{
	sqlite3_stmt *st = store_stmt(db, q->plan_id > 0 ? by_plan : q->unit_id > 0 ? by_unit :
	    by_message);
	icalcomponent *cal;
	char *text;
	int rc;

	icalerror_set_errors_are_fatal(0);
	cal = vcalendar(db, q);
	if (q->plan_id > 0 || q->unit_id > 0) {
		sqlite3_bind_int64(st, 1, q->plan_id > 0 ? q->plan_id : q->unit_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)(q->now - FEED_KEEP_CANCELLED));
	} else
		sqlite3_bind_text(st, 1, q->message_id, -1, SQLITE_STATIC);
	*last_modified = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, C_CHANGED) > *last_modified)
			*last_modified = (time_t)sqlite3_column_int64(st, C_CHANGED);
		icalcomponent_add_component(cal, vevent(st, q));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("database: rendering a feed: %s", store_error(db));
		icalcomponent_free(cal);
		return NULL;
	}
	text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	return text;
}
