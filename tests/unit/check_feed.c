/*
 * The Văn Quan 2018 plan through the whole chain: plan file, schedule, a real SQLite
 * database, the iCalendar feed. Also the plan loader's errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"
#include "plan.h"
#include "schedule.h"
#include "state.h"
#include "store.h"
#include "suites.h"
#include "sync.h"
#include "util.h"
#include "xalloc.h"

#define PLAN_FILE	"calendars/van-quan-2018.conf"
#define T_LOAD		"2018-02-01T00:00:00+07:00"
#define T_RELOAD	"2018-03-01T00:00:00+07:00"
#define T_DONE		"2018-03-26T10:00:00+07:00"
#define UID_II1		"van-quan-2018/II.1/2018-03@ntmd"

static char *dir;
static struct config *conf;
static sqlite3 *db;

static time_t
at(const char *iso)
{
	time_t t;

	ck_assert_msg(time_parse_iso(iso, &t) == 0, "bad time %s", iso);
	return t;
}

static void
sync_at(const char *now, struct sync_stats *st)
{
	struct diag d = { 0 };
	char *all;

	if (sync_calendars(db, conf, at(now), st, NULL, &d) != 0) {
		all = diag_join(&d);
		ck_abort_msg("sync failed:%s", all);
	}
	ck_assert_int_eq(d.n, 0);
	diag_free(&d);
}

/* A fresh database in a private directory, loaded from the shipped plan at T_LOAD. */
static void
setup(void)
{
	struct diag d = { 0 };
	struct sync_stats st;
	char cwd[4096], *text, *path;

	ck_assert_int_eq(zone_set("Asia/Ho_Chi_Minh"), 0);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	dir = tmpdir_new();
	text = xasprintf("database = \"%s/ntmd.db\";\ncalendars = [ \"%s/" PLAN_FILE "\" ];\n"
	    "catalogs = [ \"%s/config/catalogs/*.conf\" ];\n"
	    "holidays = [ \"%s/config/holidays/*.conf\" ];\n"
	    "http = { listen = \"127.0.0.1:8470\"; base_url = \"http://x\"; };\n"
	    "smtp = { url = \"file:%s\"; from = \"NTM <ntm@x.example>\"; };\n", dir, cwd, cwd,
	    cwd, dir);
	path = file_write(dir, "ntmd.conf", text, 0600);
	conf = config_load(path, &d);
	ck_assert_msg(conf != NULL, "test config refused");
	diag_free(&d);
	free(path);
	free(text);
	db = db_open(conf->database);
	sync_at(T_LOAD, &st);
	ck_assert_int_eq(st.plans, 1);
	ck_assert_int_eq(st.tasks, 33);		/* 27 rows and 6 dated commune targets */
	ck_assert_int_eq(st.occ_total, 27);
	ck_assert_int_eq(st.occ_new, st.occ_total);
	ck_assert_int_eq(st.occ_changed, 0);
	ck_assert_int_eq(st.occ_cancelled, 0);
}

static void
teardown(void)
{
	store_close(db);
	db = NULL;
	config_free(conf);
	conf = NULL;
	tmpdir_remove(dir);
	dir = NULL;
}

static sqlite3_int64
id_of(const char *sql, const char *key)
{
	sqlite3_stmt *st = store_prepare(db, sql);
	sqlite3_int64 id;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "no row for %s", key);
	id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/* The subscribed feed of unit `code` (folded, as served); *lm its newest change. */
static char *
render(const char *code, time_t *lm)
{
	struct feed_query q = { 0 };
	time_t ignored;

	q.unit_id = id_of("SELECT id FROM unit WHERE code = ?", code);
	q.now = at(T_RELOAD);
	ck_assert_int_eq(state_refresh(db, q.now), 0);
	return feed_render(db, &q, lm ? lm : &ignored);
}

/* The VEVENT of unfolded text u that has this UID, allocated; NULL if none. */
static char *
event(const char *u, const char *uid)
{
	char *needle = xasprintf("\r\nUID:%s\r\n", uid);
	const char *hit = strstr(u, needle), *begin, *end;

	free(needle);
	if (hit == NULL)
		return NULL;
	for (begin = hit; begin > u && strncmp(begin, "BEGIN:VEVENT\r\n", 14); begin--)
		;
	end = strstr(hit, "END:VEVENT\r\n");
	ck_assert_ptr_nonnull(end);
	return xasprintf("%.*s", (int)(end + 12 - begin), begin);
}

/* Whether event ev has the whole content line `line`. */
static int
has_line(const char *ev, const char *line)
{
	char *needle = xasprintf("\r\n%s\r\n", line);
	int found = strstr(ev, needle) != NULL;

	free(needle);
	return found;
}

/* RFC 5545 §3.1: CRLF, lines of at most 75 octets, continuations that hold something
 * and do not split a UTF-8 character. */
START_TEST(test_feed_lines)
{
	char *text = render("vpdp", NULL);
	const char *line, *end, *p;
	int n = 0;

	ck_assert_msg(strncmp(text, "BEGIN:VCALENDAR\r\n", 17) == 0, "starts %.20s", text);
	ck_assert_uint_ge(strlen(text), 2);
	ck_assert_msg(!strcmp(text + strlen(text) - 15, "END:VCALENDAR\r\n"), "bad ending");
	for (p = text; *p; p++) {
		if (*p == '\n')
			ck_assert_msg(p > text && p[-1] == '\r', "bare LF at octet %td", p - text);
		if (*p == '\r')
			ck_assert_msg(p[1] == '\n', "bare CR at octet %td", p - text);
	}
	ck_assert_ptr_null(strstr(text, "\r\n \r\n"));
	for (line = text; *line; line = end + 2, n++) {
		end = strstr(line, "\r\n");
		ck_assert_ptr_nonnull(end);
		ck_assert_msg(end - line <= 75, "line %d has %td octets: %.*s", n, end - line,
		    (int)(end - line), line);
		ck_assert_msg(end > line, "line %d is empty", n);
		ck_assert_msg(!(*line == ' ' && end - line == 1), "line %d: empty continuation", n);
		if (*line == ' ')
			ck_assert_msg(((unsigned char)line[1] & 0xc0) != 0x80,
			    "line %d: a fold inside a UTF-8 character", n);
	}
	ck_assert_int_gt(n, 100);
	free(text);
}
END_TEST

/* A subscribed feed: no METHOD (Outlook), our own VTIMEZONE, a name and a refresh. */
START_TEST(test_feed_calendar)
{
	char *text = render("vpdp", NULL), *u = ical_unfold(text);

	ck_assert_ptr_null(strstr(u, "METHOD:"));
	ck_assert_ptr_null(strstr(u, "ORGANIZER"));
	ck_assert_ptr_null(strstr(u, "freeassociation"));
	ck_assert_int_eq(count(u, "\r\nBEGIN:VTIMEZONE\r\n"), 1);
	ck_assert_int_eq(count(u, "\r\nTZID:Asia/Ho_Chi_Minh\r\n"), 1);
	ck_assert(has_line(u, "VERSION:2.0"));
	ck_assert(has_line(u, "REFRESH-INTERVAL;VALUE=DURATION:PT1H"));
	ck_assert(has_line(u, "X-WR-CALNAME:Nông thôn mới - Văn phòng Điều phối Chương trình "
	    "MTQG xây dựng nông thôn mới huyện Văn Quan"));
	ck_assert(has_line(u, "X-WR-TIMEZONE:Asia/Ho_Chi_Minh"));
	ck_assert_int_eq(count(u, "BEGIN:VEVENT\r\n"), count(u, "END:VEVENT\r\n"));
	/* vpdp is in every dated task, and stands in for the six commune targets, whose
	 * communes have no address */
	ck_assert_int_eq(count(u, "BEGIN:VEVENT\r\n"), 27);
	ck_assert_ptr_nonnull(strstr(u, "/MT.1/"));
	ck_assert_ptr_null(strstr(u, "/I.1/"));			/* continuous: no event */
	ck_assert_ptr_null(strstr(u, "/XI.1/"));		/* reporting regime: none either */
	free(u);
	free(text);
}
END_TEST

/* Họp Ban Chỉ đạo huyện, "Tháng 3,6,9,11": four tentative meetings on the first working
 * day of their month. */
START_TEST(test_feed_meetings)
{
	static const struct { const char *period, *day, *next; } m[] = {
		{ "2018-03", "20180301", "20180302" },	/* Thursday */
		{ "2018-06", "20180601", "20180602" },	/* Friday */
		/* 1/9 is a Saturday, and Monday 3/9 the day off for Quốc khánh (a Sunday) */
		{ "2018-09", "20180904", "20180905" },
		{ "2018-11", "20181101", "20181102" },	/* Thursday */
	};
	char *text = render("vpdp", NULL), *u = ical_unfold(text), *ev, *uid, *want;
	size_t i;

	ck_assert_int_eq(count(u, "UID:van-quan-2018/X.3/"), 4);
	for (i = 0; i < sizeof(m) / sizeof(*m); i++) {
		uid = xasprintf("van-quan-2018/X.3/%s@ntmd", m[i].period);
		ev = event(u, uid);
		ck_assert_msg(ev != NULL, "no event %s", uid);
		ck_assert_msg(has_line(ev, "STATUS:TENTATIVE"), "%s not tentative", uid);
		want = xasprintf("DTSTART;VALUE=DATE:%s", m[i].day);
		ck_assert_msg(has_line(ev, want), "%s: want %s in\n%s", uid, want, ev);
		free(want);
		want = xasprintf("DTEND;VALUE=DATE:%s", m[i].next);
		ck_assert_msg(has_line(ev, want), "%s: want %s", uid, want);
		free(want);
		ck_assert(has_line(ev, "SEQUENCE:0"));
		ck_assert(has_line(ev, "TRANSP:TRANSPARENT"));
		ck_assert_msg(strstr(ev, "\r\nSUMMARY:Họp Ban Chỉ đạo huyện") != NULL, "%s", ev);
		free(ev);
		free(uid);
	}
	free(u);
	free(text);
}
END_TEST

/* II.1 "Tháng 3": an all-day event on the deadline. 31 March 2018 was a Saturday, so
 * the deadline ends on Monday 2 April (Bộ luật Dân sự 2015 Điều 148 khoản 5). */
START_TEST(test_feed_deadline)
{
	char *text = render("vpdp", NULL), *u = ical_unfold(text), *ev = event(u, UID_II1);

	ck_assert_msg(ev != NULL, "no event " UID_II1);
	ck_assert(has_line(ev, "DTSTART;VALUE=DATE:20180402"));
	ck_assert(has_line(ev, "DTEND;VALUE=DATE:20180403"));
	ck_assert_msg(strstr(ev, "Thời hạn: từ 01/03/2018 đến hết thứ Hai\\, 02/04/2018 (kế "
	    "hoạch ghi 31/03/2018\\, là ngày nghỉ\\; theo khoản 5 Điều 148 Bộ luật Dân sự "
	    "2015 hạn chuyển sang ngày làm việc tiếp theo)") != NULL, "%s", ev);
	ck_assert(has_line(ev, "STATUS:CONFIRMED"));
	ck_assert(has_line(ev, "SEQUENCE:0"));
	/* DTSTAMP is when the item last changed: the load at 2018-02-01 00:00 +07:00. */
	ck_assert(has_line(ev, "DTSTAMP:20180131T170000Z"));
	ck_assert(has_line(ev, "LAST-MODIFIED:20180131T170000Z"));
	ck_assert_msg(has_line(ev, "SUMMARY:Hạn: Xây dựng kế hoạch và giao vốn thực hiện "
	    "Chương trình năm 2018"), "%s", ev);
	ck_assert_ptr_nonnull(strstr(ev, "\r\nDESCRIPTION:Kế hoạch 15/KH-UBND"));
	ck_assert_ptr_nonnull(strstr(ev, "Thời gian theo kế hoạch: Tháng 3"));
	ck_assert_ptr_nonnull(strstr(ev, "Trạng thái: chưa hoàn thành"));
	free(ev);
	free(u);
	free(text);
}
END_TEST

/* A unit sees only what it directs, leads or supports: Phòng TC-KH leads II.1 alone. */
START_TEST(test_feed_of_other_unit)
{
	time_t lm;
	char *text = render("phong-tckh", &lm), *u = ical_unfold(text);

	ck_assert_int_eq(count(u, "BEGIN:VEVENT\r\n"), 1);
	ck_assert_int_eq(count(u, "\r\nUID:" UID_II1 "\r\n"), 1);
	ck_assert(has_line(u, "X-WR-CALNAME:Nông thôn mới - Phòng Tài chính - Kế hoạch"));
	ck_assert_int_eq(lm, at(T_LOAD));
	free(u);
	free(text);
}
END_TEST

/* DTSTAMP comes from the stored change, not the clock: same feed every time, and a
 * reload of an unchanged plan moves nothing (no SEQUENCE bump, no new DTSTAMP). */
START_TEST(test_feed_stable)
{
	struct sync_stats st;
	time_t lm1, lm2;
	char *t1 = render("vpdp", &lm1), *t2 = render("vpdp", &lm2), *ev;

	ck_assert_str_eq(t1, t2);
	/* II.2, due 31/1, was overdue when the feed was first asked for on 1/3: it was
	 * republished then, once, with a higher SEQUENCE. */
	ck_assert_int_eq(lm1, at(T_RELOAD));
	ck_assert_int_eq(lm2, lm1);
	ev = event(t1, "van-quan-2018/II.2/2018-01@ntmd");
	ck_assert_ptr_nonnull(ev);
	ck_assert_msg(strstr(ev, "\r\nSUMMARY:[Quá hạn] Hạn: ") != NULL, "%s", ev);
	ck_assert(has_line(ev, "SEQUENCE:1"));
	free(ev);
	free(t2);
	sync_at(T_RELOAD, &st);
	ck_assert_int_eq(st.occ_total, 27);
	ck_assert_int_eq(st.occ_new, 0);
	ck_assert_int_eq(st.occ_changed, 0);
	ck_assert_int_eq(st.occ_cancelled, 0);
	t2 = render("vpdp", &lm2);
	ck_assert_str_eq(t1, t2);
	ck_assert_int_eq(lm2, lm1);
	free(t1);
	free(t2);
}
END_TEST

/* Marked done as ntmctl does it: the item says so and its SEQUENCE moves; nothing else
 * in the feed changes, and a reload keeps it done. */
START_TEST(test_feed_done)
{
	struct sync_stats st;
	sqlite3_stmt *s;
	sqlite3_int64 id = id_of("SELECT id FROM occurrence WHERE uid = ?", UID_II1);
	time_t lm, done = at(T_DONE);
	char *t1 = render("vpdp", NULL), *u1 = ical_unfold(t1), *t2, *u2, *ev, *m1, *m2;

	s = store_prepare(db, "UPDATE occurrence SET status = 'done', done_at = ?, "
	    "sequence = sequence + 1, changed_at = ? WHERE id = ?");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)done);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)done);
	sqlite3_bind_int64(s, 3, id);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	ck_assert_int_eq(sqlite3_changes(db), 1);
	t2 = render("vpdp", &lm);
	u2 = ical_unfold(t2);
	ck_assert_int_eq(lm, done);
	ev = event(u2, UID_II1);
	ck_assert_ptr_nonnull(ev);
	ck_assert_msg(has_line(ev, "SUMMARY:[Đã hoàn thành] Hạn: Xây dựng kế hoạch và giao vốn "
	    "thực hiện Chương trình năm 2018"), "%s", ev);
	ck_assert(has_line(ev, "SEQUENCE:1"));
	ck_assert(has_line(ev, "DTSTAMP:20180326T030000Z"));
	ck_assert(has_line(ev, "DTSTART;VALUE=DATE:20180402"));
	ck_assert_ptr_nonnull(strstr(ev, "Trạng thái: đã hoàn thành ngày 26/03/2018"));
	free(ev);
	m1 = event(u1, "van-quan-2018/X.3/2018-03@ntmd");
	m2 = event(u2, "van-quan-2018/X.3/2018-03@ntmd");
	ck_assert_str_eq(m1, m2);
	free(m1);
	free(m2);
	ck_assert_int_eq(count(u2, "BEGIN:VEVENT\r\n"), count(u1, "BEGIN:VEVENT\r\n"));
	free(u2);
	free(t2);
	sync_at(T_RELOAD, &st);
	ck_assert_int_eq(st.occ_changed, 0);
	u2 = ical_unfold(t2 = render("vpdp", NULL));
	ev = event(u2, UID_II1);
	ck_assert(has_line(ev, "SEQUENCE:1"));
	ck_assert_ptr_nonnull(strstr(ev, "\r\nSUMMARY:[Đã hoàn thành] "));
	free(ev);
	free(u2);
	free(t2);
	free(u1);
	free(t1);
}
END_TEST

static const struct plan_task *
task(const struct plan *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->ntasks; i++)
		if (!strcmp(p->tasks[i].id, id))
			return &p->tasks[i];
	ck_abort_msg("no task %s", id);
	return NULL;
}

START_TEST(test_schedule_expand)
{
	static const char *months[] = { "2018-03", "2018-06", "2018-09", "2018-11" };
	struct diag d = { 0 };
	struct plan *p = plan_load(PLAN_FILE, &d);
	struct workcal *cal = workcal_new();
	struct occurrence_spec *occ;
	char s[11], e[11], *uid;
	size_t i, n;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(d.n, 0);
	ck_assert_str_eq(p->code, "van-quan-2018");
	/* Thường xuyên, Theo thời gian thích hợp, Định kỳ …: nothing to put on a day. */
	ck_assert_int_eq(schedule_expand(p, task(p, "I.1"), cal, &occ), 0);
	ck_assert_ptr_null(occ);
	ck_assert_int_eq(schedule_expand(p, task(p, "IV.2"), cal, &occ), 0);
	ck_assert_int_eq(schedule_expand(p, task(p, "XI.1"), cal, &occ), 0);
	/* Họp Ban Chỉ đạo huyện, "Tháng 3,6,9,11". */
	ck_assert_int_eq(task(p, "X.3")->kind, TASK_MEETING);
	n = schedule_expand(p, task(p, "X.3"), cal, &occ);
	ck_assert_int_eq(n, 4);
	for (i = 0; i < n; i++) {
		uid = xasprintf("van-quan-2018/X.3/%s@ntmd", months[i]);
		ck_assert_str_eq(occ[i].uid, uid);
		ck_assert_str_eq(occ[i].period, months[i]);
		ck_assert_int_eq(occ[i].tentative, 1);
		free(uid);
	}
	date_iso(occ[2].start, s);
	date_iso(occ[2].due, e);
	ck_assert_str_eq(s, "2018-09-01");
	ck_assert_str_eq(e, "2018-09-30");
	/* Shown on the first working day: 2/9/2018 was a Sunday, so Monday 3/9 was its
	 * compensatory day off. */
	ck_assert_int_eq(occ[2].day, date_from_ymd(2018, 9, 4));
	ck_assert_int_eq(occ[0].day, date_from_ymd(2018, 3, 1));
	schedule_free(occ, n);
	/* A deadline is not tentative. */
	ck_assert_int_eq(task(p, "II.1")->kind, TASK_DEADLINE);
	n = schedule_expand(p, task(p, "II.1"), cal, &occ);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(occ[0].tentative, 0);
	ck_assert_str_eq(occ[0].uid, UID_II1);
	schedule_free(occ, n);
	/* One period over two months, and a period in the next year. */
	n = schedule_expand(p, task(p, "IV.4"), cal, &occ);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(occ[0].uid, "van-quan-2018/IV.4/2018-07..2018-08@ntmd");
	schedule_free(occ, n);
	n = schedule_expand(p, task(p, "X.4"), cal, &occ);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(occ[0].uid, "van-quan-2018/X.4/2019-01@ntmd");
	ck_assert_int_eq(occ[0].tentative, 1);		/* "Hội nghị …" is a meeting */
	schedule_free(occ, n);
	plan_free(p);
	workcal_free(cal);
	diag_free(&d);
}
END_TEST

static void
setup_dir(void)
{
	dir = tmpdir_new();
}

static void
teardown_dir(void)
{
	tmpdir_remove(dir);
	dir = NULL;
}

/* Task I.1 opens on line 11 and gives its "when" on line 12. */
static const char plan_template[] =
	"plan = {\n"
	"  code = \"t\"; org = { code = \"o\"; name = \"O\"; };\n"
	"  title = \"T\"; year = 2018;\n"
	"};\n"
	"units = (\n"
	"  { code = \"vpdp\"; name = \"Văn phòng Điều phối\"; kind = \"office\"; aliases = [ \"VPĐP\" ]; }\n"
	");\n"
	"sections = (\n"
	"  { id = \"I\"; title = \"S\";\n"
	"    tasks = (\n"
	"      { id = \"1\"; title = \"A\"; lead = [ \"%s\" ];\n"
	"        when = \"%s\"; },\n"
	"      { id = \"2\"; title = \"B\"; lead = [ \"VPĐP\" ]; when = \"Tháng 3\"; }\n"
	"    );\n"
	"  }\n"
	");\n";

#define UNKNOWN_UNIT "task I.1: lead unit \"Phòng Không Có\" is not a unit of this plan"
#define BAD_WHEN "task I.1: cannot read the time \"Tháng 13\""

/* Load plan_template filled with lead and when; the plan, and d's messages. */
static struct plan *
load_plan(const char *lead, const char *when, struct diag *d, char **path)
{
	char *text = xasprintf(plan_template, lead, when);

	*path = file_write(dir, "plan.conf", text, 0644);
	free(text);
	return plan_load(*path, d);
}

START_TEST(test_plan_good)
{
	struct diag d = { 0 };
	char *path;
	struct plan *p = load_plan("vpdp", "Tháng 3", &d, &path);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(d.n, 0);
	ck_assert_int_eq(p->ntasks, 2);
	ck_assert_str_eq(p->tasks[0].id, "I.1");
	ck_assert_int_eq(p->tasks[0].line, 11);
	ck_assert_int_eq(p->tasks[0].nunits[ROLE_LEAD], 1);
	ck_assert_str_eq(p->units[p->tasks[0].units[ROLE_LEAD][0]].code, "vpdp");
	ck_assert_int_eq(p->tasks[0].when.kind, WHEN_DATED);
	plan_free(p);
	free(path);
	diag_free(&d);
}
END_TEST

/* A weekly wording: a campaign (one item, its RRULE) unless the plan names the kind, then
 * one deadline a week under the deadline rule; "hàng tuần" alone puts nothing on a day. */
START_TEST(test_schedule_weekly)
{
	struct workcal *cal = workcal_new();
	struct occurrence_spec *occ;
	struct diag d = { 0 };
	char *path;
	struct plan *p = load_plan("vpdp", "thứ Bảy hằng tuần", &d, &path);
	size_t n;

	ck_assert_ptr_nonnull(p);
	ck_assert(plan_task_is_campaign(task(p, "I.1")));
	ck_assert(!plan_task_is_campaign(task(p, "I.2")));
	/* a title that makes it a meeting ("Họp giao ban …"): a meeting each week */
	((struct plan_task *)task(p, "I.1"))->kind = TASK_MEETING;
	ck_assert(!plan_task_is_campaign(task(p, "I.1")));
	ck_assert_int_eq(schedule_expand(p, task(p, "I.1"), cal, &occ), 52);
	ck_assert_int_eq(occ[0].tentative, 0);
	ck_assert_int_eq(occ[0].day, date_from_ymd(2018, 1, 6));
	schedule_free(occ, 52);
	((struct plan_task *)task(p, "I.1"))->kind = TASK_DEADLINE;
	ck_assert_int_eq(schedule_expand(p, task(p, "I.1"), cal, &occ), 1);
	ck_assert_str_eq(occ[0].period, "weekly");
	ck_assert_str_eq(occ[0].uid, "t/I.1/weekly@ntmd");
	ck_assert_str_eq(occ[0].rrule, "FREQ=WEEKLY;BYDAY=SA;UNTIL=20181229");
	ck_assert_int_eq(occ[0].start, date_from_ymd(2018, 1, 6));
	ck_assert_int_eq(occ[0].day, date_from_ymd(2018, 1, 6));
	ck_assert_int_eq(occ[0].due, date_from_ymd(2018, 12, 29));	/* not moved */
	schedule_free(occ, 1);
	plan_free(p);
	free(path);

	p = load_plan("vpdp", "thứ Bảy hằng tuần\"; kind = \"deadline", &d, &path);
	ck_assert_ptr_nonnull(p);
	ck_assert(!plan_task_is_campaign(task(p, "I.1")));
	n = schedule_expand(p, task(p, "I.1"), cal, &occ);
	ck_assert_int_eq(n, 52);
	ck_assert_str_eq(occ[0].period, "2018-01-06");
	ck_assert_str_eq(occ[0].rrule, "");
	ck_assert_int_eq(occ[0].due_original, date_from_ymd(2018, 1, 6));
	ck_assert_int_eq(occ[0].due, date_from_ymd(2018, 1, 8));	/* Saturday off: Monday */
	schedule_free(occ, n);
	plan_free(p);
	free(path);

	/* "trước ngày 2/1": due 1/1, a holiday, so back to Friday 29/12 of the year before,
	 * and work on it from then, not from the plan's start after it */
	p = load_plan("vpdp", "trước ngày 2/1", &d, &path);
	ck_assert_int_eq(schedule_expand(p, task(p, "I.1"), cal, &occ), 1);
	ck_assert_int_eq(occ[0].due, date_from_ymd(2017, 12, 29));
	ck_assert_int_eq(occ[0].start, occ[0].due);
	schedule_free(occ, 1);
	plan_free(p);
	free(path);

	p = load_plan("vpdp", "hàng tuần", &d, &path);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(schedule_expand(p, task(p, "I.1"), cal, &occ), 0);
	plan_free(p);
	free(path);
	ck_assert_int_eq(d.n, 0);
	workcal_free(cal);
}
END_TEST

START_TEST(test_plan_unknown_unit)
{
	struct diag d = { 0 };
	char *path, *all;

	ck_assert_ptr_null(load_plan("Phòng Không Có", "Tháng 3", &d, &path));
	all = diag_join(&d);
	ck_assert_msg(d.n == 1, "%zu messages:%s", d.n, all);
	ck_assert_msg(diag_has(&d, path, 11, UNKNOWN_UNIT), "%s", all);
	free(all);
	free(path);
	diag_free(&d);
}
END_TEST

START_TEST(test_plan_bad_when)
{
	struct diag d = { 0 };
	char *path, *all;

	ck_assert_ptr_null(load_plan("VPĐP", "Tháng 13", &d, &path));
	all = diag_join(&d);
	ck_assert_msg(d.n == 1, "%zu messages:%s", d.n, all);
	ck_assert_msg(diag_has(&d, path, 12, BAD_WHEN), "%s", all);
	ck_assert_msg(diag_has(&d, path, 12, "13"), "%s", all);
	free(all);
	free(path);
	diag_free(&d);
}
END_TEST

START_TEST(test_plan_both_errors)
{
	struct diag d = { 0 };
	char *path, *all;

	ck_assert_ptr_null(load_plan("Phòng Không Có", "Tháng 13", &d, &path));
	all = diag_join(&d);
	ck_assert_msg(d.n == 2, "%zu messages:%s", d.n, all);
	ck_assert_msg(diag_has(&d, path, 11, UNKNOWN_UNIT), "%s", all);
	ck_assert_msg(diag_has(&d, path, 12, BAD_WHEN), "%s", all);
	free(all);
	free(path);
	diag_free(&d);
}
END_TEST

Suite *
feed_suite(void)
{
	Suite *s = suite_create("feed");
	TCase *tc = tcase_create("render");
	TCase *sch = tcase_create("schedule");
	TCase *pl = tcase_create("plan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_feed_lines);
	tcase_add_test(tc, test_feed_calendar);
	tcase_add_test(tc, test_feed_meetings);
	tcase_add_test(tc, test_feed_deadline);
	tcase_add_test(tc, test_feed_of_other_unit);
	tcase_add_test(tc, test_feed_stable);
	tcase_add_test(tc, test_feed_done);
	suite_add_tcase(s, tc);
	tcase_add_test(sch, test_schedule_expand);
	suite_add_tcase(s, sch);
	tcase_add_checked_fixture(pl, setup_dir, teardown_dir);
	tcase_add_test(pl, test_plan_good);
	tcase_add_test(pl, test_plan_unknown_unit);
	tcase_add_test(pl, test_schedule_weekly);
	tcase_add_test(pl, test_plan_bad_when);
	tcase_add_test(pl, test_plan_both_errors);
	suite_add_tcase(s, pl);
	return s;
}
