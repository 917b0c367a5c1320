/*
 * Plan loading: a unit's phone and postal address (checked, with their lines, and into
 * the database, where a removed key clears the column); which tasks no address
 * reaches, as ntmctl check counts them and as a sync logs them, once a task.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail.h"
#include "plan.h"
#include "plancheck.h"
#include "store.h"
#include "suites.h"
#include "sync.h"
#include "util.h"
#include "xalloc.h"

static char *dir;

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

/* The coordination unit's phone key on line 8, its address key on line 9. */
static const char contact_template[] =
	"plan = {\n"
	"  code = \"t\"; org = { code = \"o\"; name = \"O\"; };\n"
	"  title = \"T\"; year = 2023;\n"
	"};\n"
	"units = (\n"
	"  { code = \"vpdp\"; name = \"Văn phòng Điều phối\"; kind = \"office\";\n"
	"    emails = [ \"vpdp@x.example\" ]; coordinator = true;\n"
	"    %s\n"
	"    %s },\n"
	"  { code = \"xa\"; name = \"Xã A\"; kind = \"commune\"; }\n"
	");\n";

#define GOOD_PHONE	"phone = \"0205 3830 123\";"
#define GOOD_ADDRESS	"address = \"Số 2 đường Trần Hưng Đạo, thị trấn Văn Quan, Lạng Sơn\";"

/* contact_template with the two keys (or "") as dir/plan.conf; its path, allocated. */
static char *
write_contact(const char *phone, const char *address)
{
	char *text = xasprintf(contact_template, phone, address);
	char *path = file_write(dir, "plan.conf", text, 0644);

	free(text);
	return path;
}

START_TEST(test_contact_good)
{
	static const char *phones[] = { "0205 3830 123", "+84 (205) 3830.123", "123456",
	    "+84-205-3830-123 999", "02053830123" };
	struct diag d = { 0 };
	struct plan *p;
	char *path, *key;
	size_t i;

	path = write_contact(GOOD_PHONE, GOOD_ADDRESS);
	p = plan_load(path, &d);
	ck_assert_msg(p != NULL, "refused:%s", diag_join(&d));
	ck_assert_str_eq(p->units[0].phone, "0205 3830 123");
	ck_assert_str_eq(p->units[0].address,
	    "Số 2 đường Trần Hưng Đạo, thị trấn Văn Quan, Lạng Sơn");
	ck_assert_ptr_null(p->units[1].phone);
	ck_assert_ptr_null(p->units[1].address);
	plan_free(p);
	free(path);
	for (i = 0; i < sizeof(phones) / sizeof(*phones); i++) {
		key = xasprintf("phone = \"%s\";", phones[i]);
		path = write_contact(key, "");
		p = plan_load(path, &d);
		ck_assert_msg(p != NULL, "%s refused:%s", phones[i], diag_join(&d));
		ck_assert_str_eq(p->units[0].phone, phones[i]);
		ck_assert_ptr_null(p->units[0].address);
		plan_free(p);
		free(path);
		free(key);
	}
	diag_free(&d);
}
END_TEST

START_TEST(test_contact_bad_phone)
{
	/* a letter, too short, too long (21), no digit, a slash, a number not a string */
	static const char *keys[] = { "phone = \"0205 ABC 123\";", "phone = \"12345\";",
	    "phone = \"012345678901234567890\";", "phone = \"------\";",
	    "phone = \"0205/3830123\";", "phone = 2053830123;" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		struct diag d = { 0 };
		char *path = write_contact(keys[i], GOOD_ADDRESS), *all;

		ck_assert_msg(plan_load(path, &d) == NULL, "%s accepted", keys[i]);
		all = diag_join(&d);
		ck_assert_msg(d.n == 1, "%s: %zu messages:%s", keys[i], d.n, all);
		ck_assert_msg(diag_has(&d, path, 8, "phone") || diag_has(&d, path, 8,
		    "must be a UTF-8 string"), "%s:%s", keys[i], all);
		free(all);
		free(path);
		diag_free(&d);
	}
}
END_TEST

START_TEST(test_contact_bad_address)
{
	/* libconfig's escapes: a new line, a tab; DEL; C1's NEL; blank */
	static const char *keys[] = { "address = \"Số 2\\nVăn Quan\";",
	    "address = \"Số 2\\tVăn Quan\";", "address = \"Số 2\x7fVăn Quan\";",
	    "address = \"Số 2\xc2\x85Văn Quan\";", "address = \"\";", "address = \"   \";" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		struct diag d = { 0 };
		char *path = write_contact(GOOD_PHONE, keys[i]), *all;

		ck_assert_msg(plan_load(path, &d) == NULL, "%s accepted", keys[i]);
		all = diag_join(&d);
		ck_assert_msg(d.n == 1, "%s: %zu messages:%s", keys[i], d.n, all);
		ck_assert_msg(diag_has(&d, path, 9, "unit \"vpdp\": address holds "),
		    "%s:%s", keys[i], all);
		free(all);
		free(path);
		diag_free(&d);
	}
}
END_TEST

/* A unit's name goes into mail headers: a line break in it is refused at load, and
 * mail_compose never lets one through from elsewhere. */
START_TEST(test_name_in_headers)
{
	struct diag d = { 0 };
	char *text = xasprintf(contact_template, GOOD_PHONE, GOOD_ADDRESS), *path, *msg, *body;
	char *at = strstr(text, "Văn phòng Điều phối");

	memcpy(at, "X\\nBcc: a@b.cd", 14);	/* libconfig's escape, in place */
	path = file_write(dir, "plan.conf", text, 0644);
	ck_assert_ptr_null(plan_load(path, &d));
	ck_assert_msg(diag_has(&d, path, 6, "unit \"vpdp\": name holds a line break"), "%s",
	    diag_join(&d));
	msg = mail_compose(&(struct mail){ .from = "NTM <ntm@x.example>",
	    .to_name = "Phong TCKH\r\nBcc: victim@x.example", .to = (const char *[]){
	    "tckh@x.example" }, .nto = 1, .reply_to_name = "VPDP\r\n\r\nforged",
	    .reply_to = "vpdp@x.example", .subject = "S\r\nX-Injected: yes", .text = "t",
	    .html = "h", .message_id = "m@x.example", .date = 0 });
	body = strstr(msg, "\r\n\r\n");
	ck_assert_ptr_nonnull(body);
	*body = '\0';		/* the header block */
	ck_assert_ptr_null(strstr(msg, "\r\nBcc:"));
	ck_assert_ptr_null(strstr(msg, "\r\nX-Injected"));
	ck_assert_ptr_null(strstr(msg, "forged"));
	ck_assert_ptr_nonnull(strstr(msg, "\r\nReply-To: =?UTF-8?B?"));
	free(msg);
	free(path);
	free(text);
	diag_free(&d);
}
END_TEST

/* The coordination unit's keys on line 6; tasks I.1–I.5 on lines 13–17. */
static const char reach_template[] =
	"plan = {\n"
	"  code = \"t\"; org = { code = \"o\"; name = \"O\"; };\n"
	"  title = \"T\"; year = 2023;\n"
	"};\n"
	"units = (\n"
	"  { code = \"vpdp\"; name = \"Văn phòng Điều phối\"; kind = \"office\"; %s },\n"
	"  { code = \"phong\"; name = \"Phòng\"; kind = \"department\"; emails = [ \"p@x.example\" ]; },\n"
	"  { code = \"nhom\"; name = \"Các thành viên\"; kind = \"group\"; }\n"
	");\n"
	"sections = (\n"
	"  { id = \"I\"; title = \"S\";\n"
	"    tasks = (\n"
	"      { id = \"1\"; title = \"A\"; lead = [ \"phong\" ]; when = \"Tháng 3\"; },\n"
	"      { id = \"2\"; title = \"B\"; lead = [ \"nhom\" ]; when = \"Tháng 3, 6, 9\"; },\n"
	"      { id = \"3\"; title = \"C\"; direct = [ \"phong\" ]; when = \"Tháng 3\"; kind = \"report\"; },\n"
	"      { id = \"4\"; title = \"Họp D\"; lead = [ \"nhom\" ]; when = \"Tháng 3\"; },\n"
	"      { id = \"5\"; title = \"E\"; lead = [ \"nhom\" ]; when = \"Thường xuyên\"; }\n"
	"    );\n"
	"  }\n"
	");\n";

#define COORDINATOR	"coordinator = true; emails = [ \"vpdp@x.example\" ];"
#define TO_VPDP		"its reminders go to the coordination unit vpdp"

/* reach_template with the coordination unit's keys as dir/plan.conf; its path. */
static char *
write_reach(const char *coordinator)
{
	char *text = xasprintf(reach_template, coordinator);
	char *path = file_write(dir, "plan.conf", text, 0644);

	free(text);
	return path;
}

static struct plan *
load_reach(const char *coordinator)
{
	char *path = write_reach(coordinator);
	struct diag d = { 0 };
	struct plan *p = plan_load(path, &d);

	ck_assert_msg(p != NULL, "refused:%s", diag_join(&d));
	diag_free(&d);
	free(path);
	return p;
}

/* What plancheck_unreached() says of each task, "-" for NULL, one a line. */
static char *
unreached_all(const struct plan *p)
{
	struct buf b = { 0 };
	size_t i;
	char *s;

	buf_puts(&b, "");
	for (i = 0; i < p->ntasks; i++) {
		s = plancheck_unreached(p, &p->tasks[i]);
		buf_printf(&b, "%s: %s\n", p->tasks[i].id, s ? s : "-");
		free(s);
	}
	return buf_steal(&b);
}

START_TEST(test_unreached)
{
	static const struct {
		const char	*coordinator, *want;
	} cases[] = {
		{ COORDINATOR,
		  "I.1: -\n"
		  "I.2: no lead unit has an address; " TO_VPDP "\n"
		  "I.3: no lead unit; " TO_VPDP "\n"
		  "I.4: -\nI.5: -\n" },
		{ "coordinator = true;",
		  "I.1: -\n"
		  "I.2: no lead unit has an address; the coordination unit has no address "
		  "either: nobody is reminded\n"
		  "I.3: no lead unit; the coordination unit has no address either: nobody is "
		  "reminded\n"
		  "I.4: -\nI.5: -\n" },
		{ "emails = [ \"vpdp@x.example\" ];",
		  "I.1: -\n"
		  "I.2: no lead unit has an address; no coordination unit either: nobody is "
		  "reminded\n"
		  "I.3: no lead unit; no coordination unit either: nobody is reminded\n"
		  "I.4: -\nI.5: -\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct plan *p = load_reach(cases[i].coordinator);
		char *got = unreached_all(p);

		ck_assert_str_eq(got, cases[i].want);
		free(got);
		plan_free(p);
	}
}
END_TEST

START_TEST(test_check_counts_unreached)
{
	struct plan *p = load_reach(COORDINATOR);
	struct six_clear s = { 0 };
	struct diag d = { 0 };
	char *all;

	plancheck_six_clear(p, &s, &d);
	all = diag_join(&d);
	ck_assert_int_eq(s.unreached, 2);
	ck_assert_msg(diag_has(&d, p->file, 14, "task I.2: no lead unit has an address; "
	    TO_VPDP " (rõ người)"), "%s", all);
	ck_assert_msg(diag_has(&d, p->file, 15, "task I.3: no lead unit; " TO_VPDP
	    " (rõ người)"), "%s", all);
	ck_assert_msg(!diag_has(&d, p->file, 16, "has an address"), "%s", all);
	free(all);
	diag_free(&d);
	plan_free(p);
}
END_TEST

static struct config *
test_config(void)
{
	struct diag d = { 0 };
	char cwd[4096], *text, *path;
	struct config *c;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	text = xasprintf("database = \"%s/ntmd.db\";\ncalendars = [ \"%s/plan.conf\" ];\n"
	    "catalogs = [ \"%s/config/catalogs/*.conf\" ];\n"
	    "holidays = [ \"%s/config/holidays/*.conf\" ];\n"
	    "http = { listen = \"127.0.0.1:8470\"; base_url = \"http://x\"; };\n"
	    "smtp = { url = \"file:%s\"; from = \"NTM <ntm@x.example>\"; };\n", dir, dir, cwd,
	    cwd, dir);
	path = file_write(dir, "ntmd.conf", text, 0600);
	c = config_load(path, &d);
	ck_assert_msg(c != NULL, "test config refused:%s", diag_join(&d));
	diag_free(&d);
	free(path);
	free(text);
	return c;
}

/* Sync c's calendars into db; what was logged meanwhile, allocated. */
static char *
sync_logged(sqlite3 *db, const struct config *c)
{
	char *log = xasprintf("%s/stderr", dir), buf[4096];
	struct buf b = { 0 };
	struct sync_stats st;
	struct diag d = { 0 };
	int saved, fd, rc;
	FILE *f;
	size_t n;

	fflush(stderr);
	saved = dup(2);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	dup2(fd, 2);
	close(fd);
	rc = sync_calendars(db, c, 1700000000, &st, NULL, &d);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ck_assert_msg(rc == 0, "sync failed:%s", diag_join(&d));
	diag_free(&d);
	buf_puts(&b, "");
	f = fopen(log, "r");
	ck_assert_ptr_nonnull(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		buf_append(&b, buf, n);
	fclose(f);
	free(log);
	return buf_steal(&b);
}

/* The unit's phone and address as stored, "phone|address" with "NULL" for none. */
static char *
stored_contact(sqlite3 *db, const char *code)
{
	sqlite3_stmt *st = store_prepare(db, "SELECT coalesce(phone, 'NULL') || '|' || "
	    "coalesce(address, 'NULL') FROM unit WHERE code = ?");
	char *s;

	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	s = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return s;
}

START_TEST(test_sync_contact)
{
	struct config *c = test_config();
	char *path, *got, *logged;
	sqlite3 *db = db_open(c->database);

	path = write_contact(GOOD_PHONE, GOOD_ADDRESS);
	free(sync_logged(db, c));
	got = stored_contact(db, "vpdp");
	ck_assert_str_eq(got, "0205 3830 123|Số 2 đường Trần Hưng Đạo, thị trấn Văn Quan, "
	    "Lạng Sơn");
	free(got);
	free(path);
	path = write_contact("phone = \"0205 3830 124\";", "");	/* the address removed */
	free(sync_logged(db, c));
	got = stored_contact(db, "vpdp");
	ck_assert_str_eq(got, "0205 3830 124|NULL");
	free(got);
	free(path);
	free(write_reach(COORDINATOR));		/* three occurrences of I.2, one line */
	logged = sync_logged(db, c);
	ck_assert_msg(count(logged, "plan.conf:14: task I.2 of plan t: no lead unit has an "
	    "address; " TO_VPDP "\n") == 1, "logged:\n%s", logged);
	ck_assert_msg(count(logged, "plan.conf:15: task I.3 of plan t: no lead unit; "
	    TO_VPDP "\n") == 1, "logged:\n%s", logged);
	ck_assert_msg(count(logged, "\n") == 2, "logged:\n%s", logged);
	got = stored_contact(db, "vpdp");
	ck_assert_str_eq(got, "NULL|NULL");
	free(got);
	free(logged);
	store_close(db);
	config_free(c);
}
END_TEST

Suite *
plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("contact");
	TCase *reach = tcase_create("reach");

	tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
	tcase_add_test(tc, test_contact_good);
	tcase_add_test(tc, test_contact_bad_phone);
	tcase_add_test(tc, test_contact_bad_address);
	tcase_add_test(tc, test_name_in_headers);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(reach, setup_dir, teardown_dir);
	tcase_add_test(reach, test_unreached);
	tcase_add_test(reach, test_check_counts_unreached);
	tcase_add_test(reach, test_sync_contact);
	suite_add_tcase(s, reach);
	return s;
}
