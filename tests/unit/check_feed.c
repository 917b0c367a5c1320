/* Schedule expansion and feed rendering over the Văn Quan 2018 plan in a real database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"
#include "schedule.h"
#include "store.h"
#include "suites.h"
#include "sync.h"

static char dir[64];
static struct config *conf;
static sqlite3 *db;

static void
setup(void)
{
	char path[128], cwd[512];
	struct diag d = { 0 };
	FILE *f;

	strcpy(dir, "/tmp/ntmd-feed-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(path, sizeof(path), "%s/ntmd.conf", dir);
	f = fopen(path, "w");
	fprintf(f, "database = \"%s/ntmd.db\";\ncalendars = [ \"%s/calendars/van-quan-2018.conf\" ];\n"
	    "http = { listen = \"127.0.0.1:1\"; base_url = \"http://x\"; };\n"
	    "smtp = { url = \"file:%s\"; from = \"a@b\"; };\n", dir, cwd, dir);
	fclose(f);
	conf = config_load(path, &d);
	ck_assert_ptr_nonnull(conf);
	diag_free(&d);
}

static void
teardown(void)
{
	char cmd[128];

	config_free(conf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
load(const char *now)
{
	struct diag d = { 0 };
	struct sync_stats st;
	char *err = NULL;
	time_t t;

	ck_assert_int_eq(time_parse_iso(now, &t), 0);
	if (db == NULL)
		ck_assert_ptr_nonnull(db = store_open(conf->database, &err));
	ck_assert_int_eq(sync_calendars(db, conf, t, &st, &d), 0);
	diag_free(&d);
}

/* The feed of the coordination office, unfolded (RFC 5545 §3.1) into *unfolded. */
static char *
render_vpdp(char **unfolded)
{
	sqlite3_stmt *st;
	struct feed_query q = { 0 };
	char *text, *u, *r, *w;
	time_t lm;

	sqlite3_prepare_v2(db, "SELECT id FROM unit WHERE code = 'vpdp'", -1, &st, NULL);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	q.unit_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	time_parse_iso("2018-04-01T00:00:00+07:00", &q.now);
	text = feed_render(db, &q, &lm);
	u = strdup(text);
	for (r = w = u; *r; )
		if (!strncmp(r, "\r\n ", 3))
			r += 3;
		else
			*w++ = *r++;
	*w = '\0';
	*unfolded = u;
	return text;
}

START_TEST(test_feed_shape)
{
	char *u, *text, *line, *end;

	load("2018-02-01T00:00:00+07:00");
	text = render_vpdp(&u);
	for (line = text; *line; line = end + 2) {
		end = strstr(line, "\r\n");
		ck_assert_msg(end != NULL, "a line without CRLF");
		ck_assert_msg(end - line <= 75, "a line of %d octets", (int)(end - line));
		ck_assert_msg(!(end - line == 1 && *line == ' '), "an empty continuation line");
		ck_assert_ptr_null(memchr(line, '\n', (size_t)(end - line)));
	}
	ck_assert_ptr_null(strstr(u, "METHOD:"));
	ck_assert_ptr_null(strstr(u, "freeassociation"));
	ck_assert_ptr_nonnull(strstr(u, "\r\nTZID:Asia/Ho_Chi_Minh\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "\r\nX-WR-CALNAME:Nông thôn mới - Văn phòng Điều phối"));
	ck_assert_ptr_nonnull(strstr(u, "UID:van-quan-2018/X.3/2018-03@ntmd\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "UID:van-quan-2018/X.3/2018-11@ntmd\r\n"));
	/* 1/9/2018 is a Saturday: the tentative meeting sits on Monday 3/9. */
	ck_assert_ptr_nonnull(strstr(u, "UID:van-quan-2018/X.3/2018-09@ntmd\r\nDTSTAMP"));
	ck_assert_ptr_nonnull(strstr(strstr(u, "UID:van-quan-2018/X.3/2018-09@ntmd"),
	    "DTSTART;VALUE=DATE:20180903\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "SUMMARY:Hạn: Xây dựng kế hoạch và giao vốn thực hiện "
	    "Chương trình năm 2018\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "DTSTART;VALUE=DATE:20180331\r\nDTEND;VALUE=DATE:20180401"));
	free(u);
	free(text);
	store_close(db);
	db = NULL;
}
END_TEST

START_TEST(test_feed_stable_and_done)
{
	char *u1, *u2, *t1, *t2, *ev;

	load("2018-02-01T00:00:00+07:00");
	t1 = render_vpdp(&u1);
	load("2018-03-01T00:00:00+07:00");		/* same plan, later: nothing moves */
	t2 = render_vpdp(&u2);
	ck_assert_str_eq(t1, t2);
	free(t2), free(u2);
	ck_assert_int_eq(store_exec(db, "UPDATE occurrence SET status = 'done', done_at = "
	    "1522000000, sequence = sequence + 1, changed_at = 1522000000 WHERE uid = "
	    "'van-quan-2018/II.1/2018-03@ntmd'"), 0);
	t2 = render_vpdp(&u2);
	ck_assert_str_ne(t1, t2);
	ev = strstr(u2, "UID:van-quan-2018/II.1/2018-03@ntmd");
	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_nonnull(strstr(ev, "SEQUENCE:1\r\n"));
	ck_assert_ptr_nonnull(strstr(ev, "SUMMARY:[Đã hoàn thành] Hạn: Xây dựng kế hoạch"));
	free(t1), free(u1), free(t2), free(u2);
	store_close(db);
	db = NULL;
}
END_TEST

START_TEST(test_schedule_expand)
{
	struct diag d = { 0 };
	struct plan *p = plan_load("calendars/van-quan-2018.conf", &d);
	struct occurrence_spec *occ;
	size_t i, n;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < p->ntasks; i++) {
		n = schedule_expand(p, &p->tasks[i], &occ);
		if (!strcmp(p->tasks[i].id, "I.1"))
			ck_assert_int_eq(n, 0);		/* Thường xuyên */
		if (!strcmp(p->tasks[i].id, "X.3")) {
			ck_assert_int_eq(n, 4);
			ck_assert_int_eq(occ[0].tentative, 1);
			ck_assert_str_eq(occ[3].uid, "van-quan-2018/X.3/2018-11@ntmd");
		}
		if (!strcmp(p->tasks[i].id, "II.1")) {
			ck_assert_int_eq(n, 1);
			ck_assert_int_eq(occ[0].tentative, 0);
		}
		schedule_free(occ, n);
	}
	plan_free(p);
	diag_free(&d);
}
END_TEST

Suite *
feed_suite(void)
{
	Suite *s = suite_create("feed");
	TCase *tc = tcase_create("render");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_feed_shape);
	tcase_add_test(tc, test_feed_stable_and_done);
	tcase_add_test(tc, test_schedule_expand);
	suite_add_tcase(s, tc);
	return s;
}
