/*
 * Done links and their key; done_mark() on a real SQLite database, for each of its
 * answers; the done page's escaping.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "done.h"
#include "donelink.h"
#include "donepage.h"
#include "html.h"
#include "store.h"
#include "suites.h"
#include "util.h"
#include "xalloc.h"

#define KEY_HEX	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
#define EXPIRY	1700000000
#define NOW	1600000000

static char *dir;
static struct donekey *key;

static void
key_setup(void)
{
	char *path, *err = NULL;

	dir = tmpdir_new();
	path = file_write(dir, "link.key", KEY_HEX, 0600);
	key = donelink_key_load(path, 0, &err);
	ck_assert_msg(key != NULL, "key refused: %s", err);
	free(path);
}

static void
key_teardown(void)
{
	donelink_key_free(key);
	tmpdir_remove(dir);
}

/* The part after "/done/" of the link for item 12, unit 34. Allocated. */
static char *
link12(void)
{
	char *path = donelink_path(key, 12, 34, EXPIRY), *s;

	s = xstrdup(path + 6);
	free(path);
	return s;
}

static enum donelink_check
verify(const char *s, time_t now)
{
	struct donelink dl;

	return donelink_verify(key, s, now, &dl);
}

START_TEST(link_verifies)
{
	char *s = link12();
	struct donelink dl;

	ck_assert_int_eq(strncmp(s, "12.34.1700000000.", 17), 0);
	ck_assert_uint_eq(strlen(s), 17 + 32);
	ck_assert_int_eq(donelink_verify(key, s, NOW, &dl), LINK_VALID);
	ck_assert_int_eq(dl.item, 12);
	ck_assert_int_eq(dl.unit, 34);
	ck_assert_int_eq(dl.expiry, EXPIRY);
	ck_assert_int_eq(verify(s, EXPIRY), LINK_VALID);	/* the last second still counts */
	free(s);
}
END_TEST

START_TEST(link_expires)
{
	char *s = link12();
	struct donelink dl;

	ck_assert_int_eq(donelink_verify(key, s, EXPIRY + 1, &dl), LINK_EXPIRED);
	ck_assert_int_eq(dl.item, 12);
	ck_assert_int_eq(dl.unit, 34);
	free(s);
}
END_TEST

/* Every field of a genuine link changed, one at a time, and malformed links. */
START_TEST(link_forged)
{
	char *s = link12(), *mac = strrchr(s, '.') + 1, *t;
	const char *bad[] = { "", ".", "12", "12.34.1700000000",
	    "012.34.1700000000.", "12.034.1700000000.", "+12.34.1700000000.",
	    "-12.34.1700000000.", "12.34.-1700000000.", " 12.34.1700000000.",
	    "12.34.1700000000..", "0.34.1700000000.", "99999999999999999999.34.1700000000." };
	size_t i;

	t = xasprintf("13.34.1700000000.%s", mac);
	ck_assert_int_eq(verify(t, NOW), LINK_FORGED);
	free(t);
	t = xasprintf("12.35.1700000000.%s", mac);
	ck_assert_int_eq(verify(t, NOW), LINK_FORGED);
	free(t);
	t = xasprintf("12.34.1800000000.%s", mac);
	ck_assert_int_eq(verify(t, NOW), LINK_FORGED);
	free(t);
	for (i = 0; i < 32; i++) {
		t = xstrdup(s);
		t[17 + i] = t[17 + i] == '0' ? '1' : '0';
		ck_assert_msg(verify(t, NOW) == LINK_FORGED, "MAC digit %zu changed: %s", i, t);
		free(t);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		t = xasprintf("%s%s", bad[i], mac);
		ck_assert_msg(verify(t, NOW) == LINK_FORGED, "accepted %s", t);
		free(t);
	}
	t = xasprintf("%sx", s);		/* extra characters */
	ck_assert_int_eq(verify(t, NOW), LINK_FORGED);
	t[strlen(t) - 2] = '\0';		/* a digit short */
	ck_assert_int_eq(verify(t, NOW), LINK_FORGED);
	free(t);
	t = xasprintf("%s/", s);
	ck_assert_int_eq(verify(t, NOW), LINK_FORGED);
	free(t);
	for (t = mac; *t; t++)			/* the same MAC in capitals */
		*t = (char)(*t >= 'a' ? *t - 'a' + 'A' : *t);
	if (strpbrk(mac, "ABCDEF"))
		ck_assert_int_eq(verify(s, NOW), LINK_FORGED);
	free(s);
}
END_TEST

START_TEST(csrf)
{
	char *s = link12(), tok[33], other[33], *t;

	donelink_csrf(key, s, tok);
	ck_assert_uint_eq(strlen(tok), 32);
	ck_assert(donelink_csrf_ok(key, s, tok));
	ck_assert(!donelink_csrf_ok(key, s, NULL));
	ck_assert(!donelink_csrf_ok(key, s, ""));
	t = xstrdup(tok);
	t[5] = t[5] == 'a' ? 'b' : 'a';
	ck_assert(!donelink_csrf_ok(key, s, t));
	t[31] = '\0';
	ck_assert(!donelink_csrf_ok(key, s, t));
	free(t);
	t = xasprintf("%s0", tok);
	ck_assert(!donelink_csrf_ok(key, s, t));
	free(t);
	donelink_csrf(key, "12.34.1700000001.00", other);	/* another link's token */
	ck_assert(!donelink_csrf_ok(key, s, other));
	free(s);
}
END_TEST

START_TEST(key_created_private)
{
	char *path = xasprintf("%s/new.key", dir), *err = NULL, *s = link12(), *p;
	struct donekey *k;
	struct stat sb;

	ck_assert_ptr_null(donelink_key_load(path, 0, &err));	/* not made unless asked */
	ck_assert_ptr_nonnull(err);
	free(err);
	k = donelink_key_load(path, 1, &err);
	ck_assert_msg(k != NULL, "%s", err);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(sb.st_size, 65);
	p = donelink_path(k, 12, 34, EXPIRY);		/* another key, another MAC */
	ck_assert_int_eq(donelink_verify(key, p + 6, NOW, &(struct donelink){ 0 }), LINK_FORGED);
	ck_assert_str_ne(p + 6, s);
	free(p);
	donelink_key_free(k);
	k = donelink_key_load(path, 1, &err);		/* the same key again */
	ck_assert_ptr_nonnull(k);
	p = donelink_path(k, 1, 2, EXPIRY);
	donelink_key_free(k);
	k = donelink_key_load(path, 0, &err);
	ck_assert_int_eq(donelink_verify(k, p + 6, NOW, &(struct donelink){ 0 }), LINK_VALID);
	donelink_key_free(k);
	free(p);
	free(s);
	free(path);
}
END_TEST

START_TEST(key_refused)
{
	const char *bad[] = { "", "xyz\n", KEY_HEX KEY_HEX,
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeef\n",
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0",
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeefg\n",
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\r\n" };
	char *path, *err = NULL;
	size_t i;

	path = file_write(dir, "open.key", KEY_HEX, 0640);
	ck_assert_ptr_null(donelink_key_load(path, 1, &err));
	ck_assert_msg(strstr(err, "others may read") != NULL, "%s", err);
	free(err);
	free(path);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		path = file_write(dir, "bad.key", bad[i], 0600);
		ck_assert_msg(donelink_key_load(path, 1, &err) == NULL, "accepted \"%s\"", bad[i]);
		ck_assert_msg(strstr(err, "not a key") != NULL, "%s", err);
		free(err);
		free(path);
	}
}
END_TEST

/* done_mark() and done_unit_may() on a small plan: units 1 lead, 2 support, 3 the
 * coordinator, 4 not of the task, 5 another organisation's coordinator; items 1 open
 * (two reminders pending, one sent), 2 done, 3 waived, 4 cancelled. */
static sqlite3 *db;

static void
db_setup(void)
{
	dir = tmpdir_new();
	db = db_new(dir,
	    "INSERT INTO org VALUES(1, 'a', 'A'), (2, 'b', 'B');"
	    "INSERT INTO unit(id, org_id, code, name, kind, coordinator) VALUES"
	    "  (1, 1, 'lead', 'Phòng A', 'department', 0), (2, 1, 'support', 'Phòng B', 'department', 0),"
	    "  (3, 1, 'vpdp', 'VPĐP', 'office', 1), (4, 1, 'other', 'Phòng C', 'department', 0),"
	    "  (5, 2, 'vpdp', 'VPĐP B', 'office', 1);"
	    "INSERT INTO plan(id, org_id, code, title, number, year) VALUES"
	    "  (1, 1, 'p', 'Kế hoạch P', '15/KH-UBND', 2018);"
	    "INSERT INTO task(id, plan_id, ref, title, kind, when_text, when_kind) VALUES"
	    "  (1, 1, 'II.1', 'Việc <một>', 'deadline', 'Tháng 3', 'month');"
	    "INSERT INTO task_unit VALUES(1, 1, 'lead'), (1, 2, 'support');"
	    "INSERT INTO occurrence(id, task_id, period, start, due, status, uid, fingerprint,"
	    "  changed_at, sequence) VALUES"
	    "  (1, 1, '2018-03', '2018-03-01', '2018-04-02', 'open', 'u1', 'f', 1, 3),"
	    "  (2, 1, '2018-04', '2018-04-01', '2018-04-30', 'done', 'u2', 'f', 1, 1),"
	    "  (3, 1, '2018-05', '2018-05-01', '2018-05-31', 'waived', 'u3', 'f', 1, 1),"
	    "  (4, 1, '2018-06', '2018-06-01', '2018-06-30', 'cancelled', 'u4', 'f', 1, 1);"
	    "INSERT INTO reminder(occurrence_id, unit_id, kind, fire_at, state) VALUES"
	    "  (1, 1, 'lead-7', 1, 'sent'), (1, 1, 'due', 2, 'pending'),"
	    "  (1, 3, 'due', 2, 'pending'), (2, 1, 'due', 2, 'pending');");
}

static void
db_teardown(void)
{
	store_close(db);
	tmpdir_remove(dir);
}

static sqlite3_int64
q(const char *sql)
{
	return db_value(db, sql);
}

static const struct done_report by_link = { .item = 1, .unit = 1, .actor = "lead",
	.remote = "192.0.2.7", .note = "Đã xong", .link = "https://x.example/bb.pdf",
	.now = NOW };

START_TEST(mark_open)
{
	ck_assert_int_eq(done_mark(db, &by_link), DONE_MARKED);
	ck_assert(sqlite3_get_autocommit(db));
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND status = 'done' "
	    "AND done_at = 1600000000 AND done_by = 'lead' AND note = 'Đã xong' AND "
	    "done_link = 'https://x.example/bb.pdf' AND sequence = 4 AND changed_at = 1600000000"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder WHERE occurrence_id = 1 AND "
	    "state = 'cancelled'"), 2);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder WHERE occurrence_id = 1 AND "
	    "state = 'sent'"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder WHERE occurrence_id = 2 AND "
	    "state = 'pending'"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM audit WHERE action = 'done' AND actor = 'lead' "
	    "AND at = 1600000000 AND occurrence_id = 1 AND unit_id = 1 AND remote = '192.0.2.7' "
	    "AND note = 'Đã xong' AND link = 'https://x.example/bb.pdf' AND "
	    "detail = 'occurrence 1: Đã xong'"), 1);
	/* the second report changes nothing */
	ck_assert_int_eq(done_mark(db, &by_link), DONE_ALREADY);
	ck_assert_int_eq(q("SELECT sequence FROM occurrence WHERE id = 1"), 4);
	ck_assert_int_eq(q("SELECT count(*) FROM audit"), 1);
}
END_TEST

START_TEST(mark_by_operator)
{
	struct done_report r = { .item = 1, .actor = "operator", .now = NOW };

	ck_assert_int_eq(done_mark(db, &r), DONE_MARKED);
	ck_assert_int_eq(q("SELECT count(*) FROM audit WHERE actor = 'operator' AND "
	    "unit_id IS NULL AND remote IS NULL AND note IS NULL AND link IS NULL AND "
	    "detail = 'occurrence 1'"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND note IS NULL AND "
	    "done_link IS NULL AND done_by = 'operator'"), 1);
}
END_TEST

START_TEST(mark_closed_or_missing)
{
	struct done_report r = by_link;
	sqlite3_int64 changes = q("SELECT total_changes()");

	r.item = 2;
	ck_assert_int_eq(done_mark(db, &r), DONE_ALREADY);
	r.item = 3;
	ck_assert_int_eq(done_mark(db, &r), DONE_CLOSED);
	r.item = 4;
	ck_assert_int_eq(done_mark(db, &r), DONE_CLOSED);
	r.item = 99;
	ck_assert_int_eq(done_mark(db, &r), DONE_NO_ITEM);
	ck_assert(sqlite3_get_autocommit(db));
	ck_assert_int_eq(q("SELECT total_changes()"), changes);
	ck_assert_int_eq(q("SELECT count(*) FROM audit"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder WHERE occurrence_id = 2 AND "
	    "state = 'pending'"), 1);
}
END_TEST

/* Another writer holds the database: the daemon's short busy timeout, then nothing
 * changed and SQLITE_BUSY left to tell why. */
START_TEST(mark_busy)
{
	char *path = xasprintf("%s/ntmd.db", dir);
	sqlite3 *other;

	ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 50);
	ck_assert_int_eq(done_mark(db, &by_link), DONE_FAILED);
	ck_assert_int_eq(sqlite3_errcode(db), SQLITE_BUSY);
	ck_assert_pstr_eq(store_error(db), "the database is busy: another ntmctl or ntmd kept "
	    "it for writing longer than this one could wait; try again");
	ck_assert(sqlite3_get_autocommit(db));
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND status = 'open'"), 1);
	ck_assert_int_eq(done_mark(db, &by_link), DONE_MARKED);
	free(path);
}
END_TEST

/* A step that fails after the first changes: all of them undone. */
START_TEST(mark_fails_midway)
{
	ck_assert_int_eq(store_exec(db, "CREATE TRIGGER refuse BEFORE INSERT ON audit "
	    "BEGIN SELECT RAISE(ABORT, 'refused'); END;"), 0);
	ck_assert_int_eq(done_mark(db, &by_link), DONE_FAILED);
	ck_assert(sqlite3_get_autocommit(db));
	ck_assert_int_eq(q("SELECT count(*) FROM occurrence WHERE id = 1 AND status = 'open' "
	    "AND sequence = 3 AND done_at IS NULL"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM reminder WHERE state = 'pending'"), 3);
}
END_TEST

START_TEST(unit_may)
{
	ck_assert_int_eq(done_unit_may(db, 1, 1), 1);	/* leads */
	ck_assert_int_eq(done_unit_may(db, 1, 2), 1);	/* supports */
	ck_assert_int_eq(done_unit_may(db, 1, 3), 1);	/* coordinates the plan's org */
	ck_assert_int_eq(done_unit_may(db, 1, 4), 0);
	ck_assert_int_eq(done_unit_may(db, 1, 5), 0);	/* another org's coordinator */
	ck_assert_int_eq(done_unit_may(db, 1, 99), 0);
	ck_assert_int_eq(done_unit_may(db, 99, 1), 0);
}
END_TEST

START_TEST(product_links)
{
	char *longer = xmalloc(DONE_LINK_MAX + 2);

	ck_assert(done_link_ok("http://x"));
	ck_assert(done_link_ok("https://vanquan.gov.vn/bao-cao?so=15&nam=2018#p2"));
	ck_assert(!done_link_ok(""));
	ck_assert(!done_link_ok("ftp://x/y"));
	ck_assert(!done_link_ok("javascript:alert(1)"));
	ck_assert(!done_link_ok("https://"));
	ck_assert(!done_link_ok("https:///x"));
	ck_assert(!done_link_ok("HTTPS://x"));
	ck_assert(!done_link_ok("https://x/a b"));
	ck_assert(!done_link_ok("https://x/\"onmouseover"));
	ck_assert(!done_link_ok("https://x/\n"));
	memset(longer, 'a', DONE_LINK_MAX + 1);
	memcpy(longer, "https://", 8);
	longer[DONE_LINK_MAX + 1] = '\0';
	ck_assert(!done_link_ok(longer));
	longer[DONE_LINK_MAX] = '\0';
	ck_assert(done_link_ok(longer));
	free(longer);
}
END_TEST

START_TEST(page_escapes)
{
	struct done_item it;
	struct donepage_view v = { .now = NOW, .csrf = "\"x", .note = "</textarea><b>",
	    .link = "\"><script>" };
	struct buf b = { 0 };
	char *page;

	ck_assert_int_eq(donepage_load(db, 1, 1, &it), 1);
	page = donepage_item(&it, &v);
	ck_assert_ptr_null(strstr(page, "<một>"));
	ck_assert_ptr_nonnull(strstr(page, "Việc &lt;một&gt;"));
	ck_assert_ptr_nonnull(strstr(page, "Kế hoạch 15/KH-UBND, mục II.1"));
	ck_assert_ptr_nonnull(strstr(page, "&lt;/textarea&gt;&lt;b&gt;</textarea>"));
	ck_assert_ptr_nonnull(strstr(page, "value=\"&quot;&gt;&lt;script&gt;\""));
	ck_assert_ptr_nonnull(strstr(page, "value=\"&quot;x\""));
	ck_assert_ptr_nonnull(strstr(page, "Chủ trì</dt><dd>Phòng A</dd>"));
	ck_assert_ptr_nonnull(strstr(page, "thay mặt <b>Phòng A</b>"));
	ck_assert_ptr_nonnull(strstr(page, "<dt>Hạn</dt><dd>thứ Hai, 02/04/2018</dd>"));
	ck_assert_ptr_null(strstr(page, "Chỉ đạo"));		/* nobody: no empty row */
	free(page);
	donepage_free(&it);
	ck_assert_int_eq(donepage_load(db, 99, 1, &it), 0);
	html_printf(&b, "<a href=\"%u\">%s</a>%d%%", "javascript:x()", "'&'", 7);
	html_printf(&b, "<a href=\"%u\">%lld", "https://x/?a=1&b=\"2\"", 12345678901LL);
	page = buf_steal(&b);
	ck_assert_str_eq(page, "<a href=\"#\">&#39;&amp;&#39;</a>7%"
	    "<a href=\"https://x/?a=1&amp;b=&quot;2&quot;\">12345678901");
	free(page);
}
END_TEST

/* A weekly campaign's page: its days, never a deadline, never late. */
START_TEST(page_campaign)
{
	struct done_item it;
	struct donepage_view v = { .now = NOW, .csrf = "x" };
	char *page;

	ck_assert_int_eq(store_exec(db, "UPDATE occurrence SET period = 'weekly', start = "
	    "'2018-01-06', due = '2018-12-29', latest = NULL, rrule = "
	    "'FREQ=WEEKLY;BYDAY=SA;UNTIL=20181229' WHERE id = 1"), 0);
	ck_assert_int_eq(donepage_load(db, 1, 1, &it), 1);
	page = donepage_item(&it, &v);		/* NOW is in 2020 */
	ck_assert_ptr_nonnull(strstr(page, "Hoạt động hằng tuần, đã hết thời gian của kế hoạch"));
	ck_assert_ptr_nonnull(strstr(page, "<dt>Thời gian</dt><dd>thứ Bảy hằng tuần, từ "
	    "06/01/2018 đến 29/12/2018</dd>"));
	ck_assert_ptr_null(strstr(page, "<dt>Hạn</dt>"));
	ck_assert_ptr_null(strstr(page, "Quá hạn"));
	ck_assert_ptr_null(strstr(page, "weekly"));
	free(page);
	v.now = date_at(date_from_ymd(2018, 6, 1), 8 * 60);
	page = donepage_item(&it, &v);
	ck_assert_ptr_nonnull(strstr(page, "\">Hoạt động hằng tuần</span>"));
	free(page);
	donepage_free(&it);
}
END_TEST

START_TEST(periods)
{
	const char *cases[][2] = { { "2018-03", "tháng 3/2018" }, { "2023-Q1", "quý I/2023" },
	    { "2023-Q4", "quý IV/2023" }, { "2024", "năm 2024" },
	    { "2023-11-10", "ngày 10/11/2023" },
	    { "2018-07..2018-08", "tháng 7/2018 – tháng 8/2018" }, { "x", "x" },
	    { "2023-Q5", "2023-Q5" }, { "2018-07..", "2018-07.." } };
	size_t i;
	char *s;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		s = donepage_period(cases[i][0]);
		ck_assert_str_eq(s, cases[i][1]);
		free(s);
	}
}
END_TEST

Suite *
done_suite(void)
{
	Suite *s = suite_create("done");
	TCase *links = tcase_create("links"), *mark = tcase_create("mark");

	tcase_add_checked_fixture(links, key_setup, key_teardown);
	tcase_add_test(links, link_verifies);
	tcase_add_test(links, link_expires);
	tcase_add_test(links, link_forged);
	tcase_add_test(links, csrf);
	tcase_add_test(links, key_created_private);
	tcase_add_test(links, key_refused);
	tcase_add_test(links, periods);
	suite_add_tcase(s, links);
	tcase_add_checked_fixture(mark, db_setup, db_teardown);
	tcase_add_test(mark, mark_open);
	tcase_add_test(mark, mark_by_operator);
	tcase_add_test(mark, mark_closed_or_missing);
	tcase_add_test(mark, mark_busy);
	tcase_add_test(mark, mark_fails_midway);
	tcase_add_test(mark, unit_may);
	tcase_add_test(mark, product_links);
	tcase_add_test(mark, page_escapes);
	tcase_add_test(mark, page_campaign);
	suite_add_tcase(s, mark);
	return s;
}
