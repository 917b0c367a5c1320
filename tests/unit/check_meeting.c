/*
 * Meetings set by a coordinator, on a real SQLite database: who is invited (a group's
 * members for the group), each refusal leaving everything as it was, cancelling and
 * setting again, the schedule surviving a sync that rewrote the item, and dropped when
 * the item left the plan; the time and text helpers.
 */
#include <stdlib.h>
#include <string.h>

#include "meeting.h"
#include "store.h"
#include "suites.h"
#include "util.h"

#define NOW 1520215200	/* 2018-03-05 09:00 +07:00 */

/* Units 1 bcd (directs, has an address), 2 vpdp (leads, coordinates), 3 the communes'
 * group (supports, no address) of 4 xa-a (an address) and 5 xa-b (none), 6 a department
 * not in the meeting. Items 1 the March meeting (tentative), 2 a deadline, 3 a meeting
 * already held (done). */
static char *dir;
static sqlite3 *db;
static struct workcal *cal;

static void
setup(void)
{
	dir = tmpdir_new();
	db = db_new(dir,
	    "INSERT INTO org VALUES(1, 'vq', 'Văn Quan');"
	    "INSERT INTO unit(id, org_id, code, name, kind, coordinator) VALUES"
	    "  (1, 1, 'bcd', 'BCĐ huyện', 'committee', 0), (2, 1, 'vpdp', 'VPĐP', 'office', 1),"
	    "  (3, 1, 'ubnd-xa', 'UBND các xã', 'group', 0), (4, 1, 'xa-a', 'Xã A', 'commune', 0),"
	    "  (5, 1, 'xa-b', 'Xã B', 'commune', 0), (6, 1, 'phong', 'Phòng', 'department', 0);"
	    "INSERT INTO unit_email VALUES(1, 'bcd@x.example'), (2, 'vpdp@x.example'),"
	    "  (4, 'xa-a@x.example'), (6, 'phong@x.example');"
	    "INSERT INTO unit_group VALUES(4, 3), (5, 3);"
	    "INSERT INTO plan(id, org_id, code, title, number, year) VALUES"
	    "  (1, 1, 'p', 'Kế hoạch P', '15/KH-UBND', 2018);"
	    "INSERT INTO task(id, plan_id, ref, title, kind, when_text, when_kind) VALUES"
	    "  (1, 1, 'X.3', 'Họp Ban Chỉ đạo', 'meeting', 'Tháng 3', 'month'),"
	    "  (2, 1, 'II.1', 'Báo cáo', 'deadline', 'Tháng 3', 'month');"
	    "INSERT INTO task_unit VALUES(1, 1, 'direct'), (1, 2, 'lead'), (1, 3, 'support'),"
	    "  (2, 2, 'lead');"
	    "INSERT INTO occurrence(id, task_id, period, start, due, day, tentative, status, uid,"
	    "  fingerprint, changed_at, sequence) VALUES"
	    "  (1, 1, '2018-03', '2018-03-01', '2018-03-31', '2018-03-01', 1, 'open', 'u1', 'f',"
	    "   1, 0),"
	    "  (2, 2, '2018-03', '2018-03-01', '2018-03-31', '2018-03-31', 0, 'open', 'u2', 'f',"
	    "   1, 0),"
	    "  (3, 1, '2018-02', '2018-02-01', '2018-02-28', '2018-02-01', 1, 'done', 'u3', 'f',"
	    "   1, 0);");
	cal = workcal_new();
}

static void
teardown(void)
{
	workcal_free(cal);
	store_close(db);
	tmpdir_remove(dir);
}

static sqlite3_int64
q(const char *sql)
{
	return db_value(db, sql);
}

static ntm_date
day(const char *iso)
{
	ntm_date d;

	ck_assert_int_eq(date_parse_iso(iso, &d), 0);
	return d;
}

static struct meeting_set
at(const char *iso, int start, int end)
{
	return (struct meeting_set){ .day = day(iso), .start = start, .end = end,
	    .place = "Hội trường", .actor = "dieu.phoi", .remote = "192.0.2.7", .now = NOW };
}

START_TEST(set_invites_each_unit)
{
	struct meeting_set m = at("2018-03-15", 8 * 60, -1);
	struct meeting_outcome out;

	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert(sqlite3_get_autocommit(db));
	ck_assert_int_eq(out.sequence, 1);
	/* bcd, vpdp and the group's member with an address; not the group itself (no
	 * address), not xa-b (none), not the department outside the meeting */
	ck_assert_int_eq(out.invited, 3);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder WHERE kind = 'invite-1' AND "
	    "occurrence_id = 1 AND state = 'pending' AND fire_at = 1520215200 AND "
	    "unit_id IN (1, 2, 4)"), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND day = '2018-03-15' "
	    "AND tentative = 0 AND status = 'open' AND sequence = 1 AND changed_at = 1520215200"),
	    1);
	ck_assert_int_eq(q("SELECT count(*) FROM meeting WHERE occurrence_id = 1 AND "
	    "start_time = '08:00' AND end_time = '10:00' AND place = 'Hội trường' AND "
	    "day_off IS NULL AND NOT cancelled"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM audit WHERE action = 'meeting-set' AND "
	    "actor = 'dieu.phoi' AND occurrence_id = 1 AND remote = '192.0.2.7' AND detail = "
	    "'occurrence 1: meeting 2018-03-15 08:00-10:00 at Hội trường'"), 1);
}
END_TEST

/* Each refusal, and after all of them nothing written. */
START_TEST(refusals_change_nothing)
{
	struct meeting_set m = at("2018-03-17", 8 * 60, -1);
	struct meeting_outcome out;
	char from[11], to[11];

	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_DAY_OFF);
	ck_assert_str_eq(out.day_off, "thứ Bảy");
	m = at("2018-04-02", 8 * 60, -1);
	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_OUTSIDE);
	date_iso(out.from, from);
	date_iso(out.to, to);
	ck_assert_str_eq(from, "2018-03-01");
	ck_assert_str_eq(to, "2018-03-31");
	m = at("2018-03-15", 14 * 60, 13 * 60);
	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_BAD_HOURS);
	m = at("2018-03-15", 23 * 60, -1);	/* two hours on: past midnight */
	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_BAD_HOURS);
	m = at("2018-03-15", 8 * 60, -1);
	ck_assert_int_eq(meeting_set(db, cal, 2, &m, &out), MEETING_NOT_MEETING);
	ck_assert_int_eq(meeting_set(db, cal, 3, &m, &out), MEETING_CLOSED);
	ck_assert_str_eq(out.status, "done");
	ck_assert_int_eq(meeting_set(db, cal, 99, &m, &out), MEETING_NO_ITEM);
	ck_assert(sqlite3_get_autocommit(db));
	ck_assert_int_eq(q("SELECT count(*) FROM meeting"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM audit"), 0);
	ck_assert_int_eq(q("SELECT sum(sequence) FROM occurrence"), 0);
}
END_TEST

START_TEST(forced_day_off_is_noted)
{
	struct meeting_set m = at("2018-03-17", 8 * 60, 9 * 60);
	struct meeting_outcome out;

	m.force = 1;
	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND "
	    "day = '2018-03-17' AND day_off = 'thứ Bảy'"), 1);
	ck_assert_int_eq(q("SELECT forced FROM meeting WHERE occurrence_id = 1"), 1);
}
END_TEST

START_TEST(cancel_then_set_again)
{
	struct meeting_set m = at("2018-03-15", 8 * 60, -1), c = { .cancel = 1,
	    .actor = "dieu.phoi", .now = NOW + 60 };
	struct meeting_outcome out;

	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert_int_eq(meeting_set(db, cal, 1, &c, &out), MEETING_CANCELLED);
	ck_assert_int_eq(out.sequence, 2);
	ck_assert_int_eq(out.invited, 3);
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND "
	    "status = 'cancelled' AND day = '2018-03-15'"), 1);
	ck_assert_int_eq(q("SELECT cancelled FROM meeting WHERE occurrence_id = 1"), 1);
	ck_assert_int_eq(meeting_set(db, cal, 1, &c, &out), MEETING_CLOSED);
	m = at("2018-03-20", 8 * 60, -1);
	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert_int_eq(out.sequence, 3);
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND status = 'open' "
	    "AND day = '2018-03-20'"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder WHERE kind = 'invite-3'"), 3);
}
END_TEST

/* A cancelled meeting before it was ever set keeps its placeholder's day. */
START_TEST(cancel_unset)
{
	struct meeting_set c = { .cancel = 1, .actor = "ntmctl", .now = NOW };
	struct meeting_outcome out;

	ck_assert_int_eq(meeting_set(db, cal, 1, &c, &out), MEETING_CANCELLED);
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND "
	    "status = 'cancelled' AND day = '2018-03-01' AND tentative = 1"), 1);
	ck_assert_int_eq(q("SELECT start_time IS NULL FROM meeting WHERE occurrence_id = 1"), 1);
}
END_TEST

/* A sync rewrote the item with the plan's values; the schedule stands. */
START_TEST(reapply_after_sync)
{
	struct meeting_set m = at("2018-03-15", 8 * 60, -1);
	struct meeting_outcome out;

	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert_int_eq(store_exec(db, "UPDATE occurrence SET day = '2018-03-01', "
	    "tentative = 1, sequence = sequence + 1 WHERE id = 1"), 0);
	ck_assert_int_eq(meeting_reapply(db, 1), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND "
	    "day = '2018-03-15' AND tentative = 0 AND status = 'open' AND sequence = 2"), 1);
}
END_TEST

/* The item left the plan (a sync cancelled it): its schedule is dropped, its units told;
 * a meeting the coordinator cancelled is not a drop. */
START_TEST(drop_left)
{
	struct meeting_set m = at("2018-03-15", 8 * 60, -1);
	struct meeting_outcome out;

	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert_int_eq(meeting_drop_left(db, 1, NOW), 0);
	ck_assert_int_eq(store_exec(db, "UPDATE occurrence SET status = 'cancelled', "
	    "sequence = sequence + 1 WHERE id = 1"), 0);
	ck_assert_int_eq(meeting_drop_left(db, 1, NOW + 60), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM meeting"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder WHERE kind = 'invite-2' AND "
	    "fire_at = 1520215260"), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM audit WHERE action = 'meeting-dropped' AND "
	    "occurrence_id = 1 AND detail LIKE 'plan p, task X.3: the plan no longer has the "
	    "meeting of 2018-03;%'"), 1);
	ck_assert_int_eq(meeting_drop_left(db, 1, NOW + 120), 0);
}
END_TEST

START_TEST(cancelled_is_not_dropped)
{
	struct meeting_set c = { .cancel = 1, .actor = "ntmctl", .now = NOW };
	struct meeting_outcome out;

	ck_assert_int_eq(meeting_set(db, cal, 1, &c, &out), MEETING_CANCELLED);
	ck_assert_int_eq(meeting_drop_left(db, 1, NOW), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM meeting"), 1);
}
END_TEST

/* A meeting over (its day passed) is dropped without telling anyone it is off. */
START_TEST(drop_left_past)
{
	struct meeting_set m = at("2018-03-15", 8 * 60, -1);
	struct meeting_outcome out;

	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert_int_eq(store_exec(db, "UPDATE occurrence SET status = 'cancelled' "
	    "WHERE id = 1"), 0);
	ck_assert_int_eq(meeting_drop_left(db, 1, NOW + 30 * 86400), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder WHERE kind LIKE 'invite-%' AND "
	    "kind != 'invite-1'"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM audit WHERE action = 'meeting-dropped'"), 1);
}
END_TEST

/* The plan narrowed the meeting's period: a day outside it is dropped, one inside kept,
 * a forced one kept wherever it is. */
START_TEST(resync_period)
{
	struct meeting_set m = at("2018-03-15", 8 * 60, -1);
	struct meeting_outcome out;

	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert_int_eq(meeting_resync(db, 1, day("2018-03-01"), day("2018-03-20"), NOW), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM meeting"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND "
	    "day = '2018-03-15' AND tentative = 0"), 1);
	/* as the sync's rewrite does, SEQUENCE up */
	ck_assert_int_eq(store_exec(db, "UPDATE occurrence SET sequence = 2 WHERE id = 1"), 0);
	ck_assert_int_eq(meeting_resync(db, 1, day("2018-03-01"), day("2018-03-10"), NOW), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM meeting"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder WHERE kind = 'invite-2'"), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM audit WHERE action = 'meeting-dropped' AND "
	    "detail LIKE '%is now 2018-03-01 to 2018-03-10%'"), 1);
	m = at("2018-03-17", 8 * 60, -1);
	m.force = 1;
	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert_int_eq(meeting_resync(db, 1, day("2018-03-01"), day("2018-03-10"), NOW), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM meeting"), 1);
}
END_TEST

/* A move keeps the place and note it does not give, takes away an empty one; a cancel's
 * note is its reason, in place of the meeting's note. */
START_TEST(place_and_note)
{
	struct meeting_set m = at("2018-03-15", 8 * 60, -1), c = { .cancel = 1,
	    .note = "Trùng lịch", .actor = "ntmctl", .now = NOW };
	struct meeting_outcome out;

	m.note = "Mang báo cáo";
	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	m = at("2018-03-16", 8 * 60, -1);
	m.place = NULL;
	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert_int_eq(q("SELECT count(*) FROM meeting WHERE place = 'Hội trường' AND "
	    "note = 'Mang báo cáo' AND day = '2018-03-16'"), 1);
	m.place = "";
	m.note = "";
	ck_assert_int_eq(meeting_set(db, cal, 1, &m, &out), MEETING_SET);
	ck_assert_int_eq(q("SELECT count(*) FROM meeting WHERE place IS NULL AND note IS NULL"),
	    1);
	ck_assert_int_eq(meeting_set(db, cal, 1, &c, &out), MEETING_CANCELLED);
	ck_assert_int_eq(q("SELECT count(*) FROM meeting WHERE note = 'Trùng lịch'"), 1);
}
END_TEST

START_TEST(times_and_texts)
{
	char *s, hhmm[8], hour[16];

	ck_assert_int_eq(meeting_parse_time("08:00"), 480);
	ck_assert_int_eq(meeting_parse_time("8:05"), 485);
	ck_assert_int_eq(meeting_parse_time("23:59"), 1439);
	ck_assert_int_eq(meeting_parse_time("24:00"), -1);
	ck_assert_int_eq(meeting_parse_time("8:0"), -1);
	ck_assert_int_eq(meeting_parse_time("08:00x"), -1);
	ck_assert_int_eq(meeting_parse_time("0800"), -1);
	ck_assert_int_eq(meeting_parse_time(""), -1);
	ck_assert_int_eq(meeting_parse_time("+8:00"), -1);
	ck_assert_int_eq(meeting_parse_time(" 8:00"), -1);
	ck_assert_int_eq(meeting_parse_time("8:+5"), -1);
	ck_assert_int_eq(meeting_parse_time("123:00"), -1);
	s = meeting_when_vn(day("2018-03-15"), 480);
	ck_assert_str_eq(s, "8 giờ 00, thứ Năm, 15/03/2018");
	free(s);
	meeting_hour_vn(14 * 60 + 30, hour);
	ck_assert_str_eq(hour, "14 giờ 30");
	meeting_hhmm(9 * 60 + 5, hhmm);
	ck_assert_str_eq(hhmm, "09:05");
	ck_assert(meeting_text_ok("Hội trường UBND huyện", MEETING_PLACE_MAX, 0));
	ck_assert(!meeting_text_ok("Hội trường\nUBND", MEETING_PLACE_MAX, 0));
	ck_assert(meeting_text_ok("dòng 1\r\ndòng 2", MEETING_NOTE_MAX, 1));
	ck_assert(!meeting_text_ok("tab\there", MEETING_NOTE_MAX, 1));
	ck_assert(!meeting_text_ok("\xc3\x28", MEETING_NOTE_MAX, 1));
	ck_assert(meeting_text_ok("ắắắ", 3, 0));
	ck_assert(!meeting_text_ok("ắắắắ", 3, 0));
}
END_TEST

Suite *
meeting_suite(void)
{
	Suite *s = suite_create("meeting");
	TCase *tc = tcase_create("set");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, set_invites_each_unit);
	tcase_add_test(tc, refusals_change_nothing);
	tcase_add_test(tc, forced_day_off_is_noted);
	tcase_add_test(tc, cancel_then_set_again);
	tcase_add_test(tc, cancel_unset);
	tcase_add_test(tc, reapply_after_sync);
	tcase_add_test(tc, drop_left);
	tcase_add_test(tc, cancelled_is_not_dropped);
	tcase_add_test(tc, drop_left_past);
	tcase_add_test(tc, resync_period);
	tcase_add_test(tc, place_and_note);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_test(tc, times_and_texts);
	suite_add_tcase(s, tc);
	return s;
}
