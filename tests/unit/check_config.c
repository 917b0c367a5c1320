/* ntmd.conf: the shipped example loads; every bad value is reported with its line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "xalloc.h"
#include "date.h"
#include "suites.h"
#include "util.h"

/* One setting a line, so that a row can name the line of its mistake. */
#define L1_DATABASE	"database = \"x.db\";\n"
#define L2_CALENDARS	"calendars = [ \"calendars/*.conf\" ];\n"
#define L3_HTTP		"http = { listen = \"127.0.0.1:8470\"; base_url = \"http://x\"; };\n"
#define L4_SMTP		"smtp = { url = \"file:out\"; from = \"a@b\"; };\n"
#define GOOD_1_4	L1_DATABASE L2_CALENDARS L3_HTTP L4_SMTP

struct bad {
	const char	*name;
	const char	*text;
	int		 line;		/* 0: the file as a whole */
	const char	*msg;
};

static const struct bad bad[] = {
	{ "syntax error", L1_DATABASE "calendars = [ ;\n" L3_HTTP L4_SMTP, 2, "syntax error" },
	{ "unterminated string", L1_DATABASE L2_CALENDARS L3_HTTP
	    "smtp = { url = \"file:out; from = \"a@b\"; };\n", 4, "syntax error" },
	/* libconfig has no line for a setting that is not there: "file: message". */
	{ "missing database", L2_CALENDARS L3_HTTP L4_SMTP, 0, "missing setting \"database\"" },
	{ "missing listen", L1_DATABASE L2_CALENDARS
	    "http = { base_url = \"http://x\"; };\n" L4_SMTP, 3, "missing setting \"listen\"" },
	{ "listen nonsense", L1_DATABASE L2_CALENDARS
	    "http = { listen = \"nonsense\"; base_url = \"http://x\"; };\n" L4_SMTP, 3,
	    "http.listen \"nonsense\" must be host:port" },
	{ "listen port 0", L1_DATABASE L2_CALENDARS
	    "http = { listen = \"127.0.0.1:0\"; base_url = \"http://x\"; };\n" L4_SMTP, 3,
	    "http.listen \"127.0.0.1:0\" must be host:port" },
	{ "base_url ftp", L1_DATABASE L2_CALENDARS
	    "http = { listen = \"127.0.0.1:1\"; base_url = \"ftp://x\"; };\n" L4_SMTP, 3,
	    "http.base_url must start with http:// or https://" },
	{ "smtp url ftp", L1_DATABASE L2_CALENDARS L3_HTTP
	    "smtp = { url = \"ftp://x\"; from = \"a@b\"; };\n", 4,
	    "smtp.url must be smtp://host:port, smtps://host:port or file:DIR" },
	{ "smtp url no host", L1_DATABASE L2_CALENDARS L3_HTTP
	    "smtp = { url = \"smtp://\"; from = \"a@b\"; };\n", 4, "has no host" },
	{ "smtp from", L1_DATABASE L2_CALENDARS L3_HTTP
	    "smtp = { url = \"file:out\"; from = \"nobody\"; };\n", 4, "smtp.from \"nobody\"" },
	{ "starttls sometimes", L1_DATABASE L2_CALENDARS L3_HTTP
	    "smtp = { url = \"smtp://h:587\"; from = \"a@b\"; starttls = \"sometimes\"; };\n", 4,
	    "smtp.starttls must be \"required\", \"optional\" or \"never\"" },
	{ "send_at 25:00", GOOD_1_4 "reminders = { send_at = \"25:00\"; };\n", 5,
	    "reminders.send_at \"25:00\" must be HH:MM" },
	{ "send_at 07:60", GOOD_1_4 "reminders = { send_at = \"07:60\"; };\n", 5,
	    "reminders.send_at \"07:60\" must be HH:MM" },
	{ "lead_days twice", GOOD_1_4 "reminders = { lead_days = [1, 1]; };\n", 5,
	    "reminders.lead_days lists 1 twice" },
	{ "lead_days negative", GOOD_1_4 "reminders = { lead_days = [7, -1]; };\n", 5,
	    "must be a whole number of days" },
	{ "lead_days empty", GOOD_1_4 "reminders = { lead_days = []; };\n", 5,
	    "reminders.lead_days must be a list" },
	{ "unknown zone", GOOD_1_4 "timezone = \"Mars/Olympus\";\n", 5,
	    "unknown time zone \"Mars/Olympus\"" },
	{ "a zone directory", GOOD_1_4 "timezone = \"Asia\";\n", 5,
	    "unknown time zone \"Asia\"" },
	{ "zone outside zoneinfo", GOOD_1_4 "timezone = \"../../../etc/passwd\";\n", 5,
	    "unknown time zone" },
	{ "calendars not a list", L1_DATABASE "calendars = \"x\";\n" L3_HTTP L4_SMTP, 2,
	    "\"calendars\" must be a list" },
	{ "no SMTP connection", L1_DATABASE L2_CALENDARS L3_HTTP
	    "smtp = { url = \"file:out\"; from = \"a@b\"; connections = 0; };\n", 4,
	    "smtp.connections must be a whole number 1–16" },
	{ "connections as text", L1_DATABASE L2_CALENDARS L3_HTTP
	    "smtp = { url = \"file:out\"; from = \"a@b\"; connections = \"2\"; };\n", 4,
	    "smtp.connections must be a whole number 1–16" },
	{ "repeat every 0 days", GOOD_1_4 "reminders = { repeat_overdue = 0; };\n", 5,
	    "reminders.repeat_overdue must be a whole number 1–60" },
	{ "repeats negative", GOOD_1_4 "reminders = { max_repeats = -1; };\n", 5,
	    "reminders.max_repeats must be a whole number 0–100" },
	{ "escalate as text", GOOD_1_4 "reminders = { escalate_after = \"5\"; };\n", 5,
	    "reminders.escalate_after must be a whole number 1–60" },
	{ "feed cache 0", L1_DATABASE L2_CALENDARS
	    "http = { listen = \"127.0.0.1:1\"; base_url = \"http://x\"; feed_cache_mb = 0; };\n"
	    L4_SMTP, 3, "http.feed_cache_mb must be a whole number 1–4096" },
};

#define NBAD ((int)(sizeof(bad) / sizeof(*bad)))

/* Each bad file is refused with exactly one message, "file:line: …", on its line. */
START_TEST(test_bad_config)
{
	const struct bad *b = &bad[_i];
	struct diag d = { 0 };
	char *dir, *path, *all;

	dir = tmpdir_new();
	path = file_write(dir, "ntmd.conf", b->text, 0600);
	ck_assert_msg(config_load(path, &d) == NULL, "%s: accepted", b->name);
	all = diag_join(&d);
	ck_assert_msg(d.n == 1, "%s: %zu messages, want 1:%s", b->name, d.n, all);
	ck_assert_msg(diag_has(&d, path, b->line, b->msg), "%s: want %s:%d: …%s…, got:%s",
	    b->name, path, b->line, b->msg, all);
	free(all);
	free(path);
	diag_free(&d);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_example_loads)
{
	struct diag d = { 0 };
	struct config *c;
	char *from;

	/* its database is var/ntmd.db, whose directory make demo makes: config_load()
	 * refuses a database in a directory that does not exist */
	ck_assert(mkdir("var", 0755) == 0 || errno == EEXIST);
	c = config_load("config/ntmd.conf", &d);

	ck_assert_msg(c != NULL, "config/ntmd.conf refused (run from the top directory)");
	ck_assert_int_eq(d.n, 0);
	ck_assert_str_eq(c->path, "config/ntmd.conf");
	ck_assert_str_eq(c->database, "var/ntmd.db");
	ck_assert_int_eq(c->ncalendars, 1);
	ck_assert_str_eq(c->calendars[0], "calendars/van-quan-2018.conf");
	ck_assert_str_eq(c->timezone, "Asia/Ho_Chi_Minh");
	ck_assert_str_eq(c->http_host, "127.0.0.1");
	ck_assert_int_eq(c->http_port, 8470);
	ck_assert_str_eq(c->base_url, "http://127.0.0.1:8470");
	ck_assert_str_eq(c->smtp_url, "file:var/outbox");
	ck_assert_str_eq(c->smtp_from, "NTM Văn Quan <ntm@vanquan.example>");
	ck_assert_ptr_null(c->smtp_user);
	ck_assert_ptr_null(c->smtp_password);
	ck_assert_int_eq(c->starttls, STARTTLS_REQUIRED);
	ck_assert_int_eq(c->nlead, 3);
	ck_assert_int_eq(c->lead_days[0], 7);
	ck_assert_int_eq(c->lead_days[1], 1);
	ck_assert_int_eq(c->lead_days[2], 0);
	ck_assert_int_eq(c->send_at, 450);
	from = config_from_address(c);
	ck_assert_str_eq(from, "ntm@vanquan.example");
	free(from);
	config_free(c);
	diag_free(&d);
}
END_TEST

/* What a valid file is read as: defaults, normalisations, the order of lead days. */
START_TEST(test_values_understood)
{
	struct diag d = { 0 };
	struct config *c;
	char *dir = tmpdir_new(), *path, *from;

	path = file_write(dir, "ntmd.conf", L1_DATABASE L2_CALENDARS
	    "http = { listen = \"[::1]:80\"; base_url = \"https://ntm.example/lich//\"; };\n"
	    "smtp = { url = \"smtps://mail.example:465\"; from = \"x@y.example\"; "
	    "starttls = \"never\"; };\n"
	    "reminders = { lead_days = [0, 14, 3]; send_at = \"18:05\"; repeat_overdue = 2; "
	    "max_repeats = 0; escalate_after = 10; };\n", 0600);
	c = config_load(path, &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(d.n, 0);
	ck_assert_str_eq(c->http_host, "[::1]");
	ck_assert_int_eq(c->http_port, 80);
	ck_assert_str_eq(c->base_url, "https://ntm.example/lich");
	ck_assert_str_eq(c->timezone, "Asia/Ho_Chi_Minh");		/* the default */
	ck_assert_int_eq(c->starttls, STARTTLS_NEVER);
	ck_assert_int_eq(c->nlead, 3);
	ck_assert_int_eq(c->lead_days[0], 14);
	ck_assert_int_eq(c->lead_days[1], 3);
	ck_assert_int_eq(c->lead_days[2], 0);
	ck_assert_int_eq(c->send_at, 18 * 60 + 5);
	ck_assert_int_eq(c->repeat_overdue, 2);
	ck_assert_int_eq(c->max_repeats, 0);
	ck_assert_int_eq(c->escalate_after, 10);
	ck_assert_int_eq(c->smtp_connections, 2);			/* the defaults */
	ck_assert_int_eq(c->feed_cache_mb, 64);
	ck_assert_ptr_null(c->link_key_file);
	from = config_from_address(c);
	ck_assert_str_eq(from, "x@y.example");
	free(from);
	config_free(c);
	free(path);
	/* Without a reminders group: lead days 7, 1, 0 at 07:30. */
	path = file_write(dir, "ntmd.conf", GOOD_1_4, 0600);
	c = config_load(path, &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->nlead, 3);
	ck_assert_int_eq(c->lead_days[0], 7);
	ck_assert_int_eq(c->lead_days[2], 0);
	ck_assert_int_eq(c->send_at, 450);
	ck_assert_int_eq(c->repeat_overdue, 3);
	ck_assert_int_eq(c->max_repeats, 10);
	ck_assert_int_eq(c->escalate_after, 5);
	ck_assert_int_eq(c->starttls, STARTTLS_REQUIRED);
	config_free(c);
	free(path);
	diag_free(&d);
	tmpdir_remove(dir);
}
END_TEST

/* ntpd's yyerror: every problem in one pass, each with its own line. */
START_TEST(test_every_error_with_its_line)
{
	struct diag d = { 0 };
	char *dir = tmpdir_new(), *path, *all;

	path = file_write(dir, "ntmd.conf", L1_DATABASE L2_CALENDARS
	    "timezone = \"Mars/Olympus\";\n"
	    "http = { listen = \"nonsense\"; base_url = \"http://x\"; };\n"
	    "smtp = {\n"
	    "  url = \"ftp://x\";\n"
	    "  from = \"a@b\";\n"
	    "  starttls = \"sometimes\";\n"
	    "};\n"
	    "reminders = {\n"
	    "  lead_days = [1, 1];\n"
	    "  send_at = \"25:00\";\n"
	    "};\n", 0600);
	ck_assert_ptr_null(config_load(path, &d));
	all = diag_join(&d);
	ck_assert_msg(d.n >= 3, "only %zu messages:%s", d.n, all);
	ck_assert_msg(diag_has(&d, path, 3, "unknown time zone \"Mars/Olympus\""), "%s", all);
	ck_assert_msg(diag_has(&d, path, 4, "http.listen \"nonsense\" must be host:port"), "%s",
	    all);
	ck_assert_msg(diag_has(&d, path, 6, "smtp.url must be"), "%s", all);
	ck_assert_msg(diag_has(&d, path, 8, "smtp.starttls must be"), "%s", all);
	ck_assert_msg(diag_has(&d, path, 11, "lists 1 twice"), "%s", all);
	ck_assert_msg(diag_has(&d, path, 12, "send_at \"25:00\" must be HH:MM"), "%s", all);
	ck_assert_msg(d.n == 6, "%zu messages, want 6:%s", d.n, all);
	free(all);
	free(path);
	diag_free(&d);
	tmpdir_remove(dir);
}
END_TEST

/* msmtp's rule: a password in a file others can read is refused. */
START_TEST(test_password_needs_private_file)
{
	static const mode_t refused[] = { 0644, 0640, 0604 };
	const char *text = L1_DATABASE L2_CALENDARS L3_HTTP
	    "smtp = { url = \"smtp://h:587\"; from = \"a@b\";\n"
	    "  user = \"ntm\"; password = \"s3cret\"; };\n";
	struct diag d = { 0 };
	struct config *c;
	char *dir = tmpdir_new(), *path, *all;
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		path = file_write(dir, "ntmd.conf", text, refused[i]);
		ck_assert_msg(config_load(path, &d) == NULL, "mode %o accepted", refused[i]);
		all = diag_join(&d);
		ck_assert_msg(diag_has(&d, path, 5, "readable by others"), "mode %o:%s",
		    refused[i], all);
		ck_assert_msg(strstr(all, "s3cret") == NULL, "the password is in a message");
		free(all);
		free(path);
		diag_free(&d);
	}
	path = file_write(dir, "ntmd.conf", text, 0600);
	c = config_load(path, &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(d.n, 0);
	ck_assert_str_eq(c->smtp_user, "ntm");
	ck_assert_str_eq(c->smtp_password, "s3cret");
	config_free(c);
	free(path);
	/* Without a password the mode does not matter. */
	path = file_write(dir, "ntmd.conf", GOOD_1_4, 0644);
	c = config_load(path, &d);
	ck_assert_ptr_nonnull(c);
	config_free(c);
	free(path);
	diag_free(&d);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_missing_file)
{
	struct diag d = { 0 };

	ck_assert_ptr_null(config_load("tests/unit/no-such.conf", &d));
	ck_assert_int_eq(d.n, 1);
	ck_assert(diag_has(&d, "tests/unit/no-such.conf", 0, "cannot read"));
	diag_free(&d);
}
END_TEST

START_TEST(test_from_address)
{
	static const struct { const char *from, *addr; } f[] = {
		{ "NTM Văn Quan <ntm@vanquan.example>", "ntm@vanquan.example" },
		{ "<a@b.example>", "a@b.example" },
		{ "a@b.example", "a@b.example" },
	};
	struct config c = { 0 };
	char *addr;
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(*f); i++) {
		c.smtp_from = (char *)f[i].from;
		addr = config_from_address(&c);
		ck_assert_str_eq(addr, f[i].addr);
		free(addr);
	}
}
END_TEST

/* Calendar patterns expand to sorted files; one that matches nothing is an error. */
START_TEST(test_calendar_files)
{
	struct diag d = { 0 };
	struct config *c;
	char *dir = tmpdir_new(), *path, **files;
	size_t n, i;

	path = file_write(dir, "ntmd.conf", L1_DATABASE
	    "calendars = [ \"calendars/*.conf\", \"calendars/none-*.conf\" ];\n"
	    L3_HTTP L4_SMTP, 0600);
	c = config_load(path, &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->ncalendars, 2);
	ck_assert_str_eq(c->calendars[1], "calendars/none-*.conf");	/* as written */
	files = config_calendar_files(c, &n, &d);
	ck_assert_uint_ge(n, 1);
	for (i = 1; i < n; i++)
		ck_assert_int_lt(strcmp(files[i - 1], files[i]), 0);
	for (i = 0; i < n && strcmp(files[i], "calendars/van-quan-2018.conf"); i++)
		;
	ck_assert_msg(i < n, "calendars/van-quan-2018.conf not found");
	ck_assert_int_eq(d.n, 1);
	ck_assert(diag_has(&d, path, 2, "\"calendars/none-*.conf\" matches no file"));
	config_free_files(files, n);
	diag_free(&d);
	/* Only patterns that match nothing: no files, each pattern reported. */
	free(c->calendars[0]);
	c->calendars[0] = xstrdup("calendars/none-either-*.conf");
	files = config_calendar_files(c, &n, &d);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(d.n, 2);
	config_free_files(files, n);
	config_free(c);
	free(path);
	diag_free(&d);
	tmpdir_remove(dir);
}
END_TEST

Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");
	TCase *errs = tcase_create("errors");

	tcase_add_test(tc, test_example_loads);
	tcase_add_test(tc, test_values_understood);
	tcase_add_test(tc, test_password_needs_private_file);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_from_address);
	tcase_add_test(tc, test_calendar_files);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(errs, test_bad_config, 0, NBAD);
	tcase_add_test(errs, test_every_error_with_its_line);
	suite_add_tcase(s, errs);
	return s;
}
