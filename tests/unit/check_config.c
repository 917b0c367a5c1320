/* ntmd.conf: the shipped example loads; every bad value is reported with its line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "suites.h"

static char path[64];

static void
write_conf(const char *text, mode_t mode)
{
	FILE *f;

	strcpy(path, "/tmp/ntmd-unit-XXXXXX");
	ck_assert_int_ge(mkstemp(path), 0);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* Whether d holds "path:line: …message…". */
static int
has(const struct diag *d, int line, const char *msg)
{
	char prefix[96];
	size_t i;

	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	for (i = 0; i < d->n; i++)
		if (!strncmp(d->msgs[i], prefix, strlen(prefix)) && strstr(d->msgs[i], msg))
			return 1;
	return 0;
}

#define GOOD_HEAD "database = \"x.db\";\ncalendars = [ \"calendars/*.conf\" ];\n"
#define GOOD_HTTP "http = { listen = \"127.0.0.1:8470\"; base_url = \"http://x\"; };\n"

START_TEST(test_example_loads)
{
	struct diag d = { 0 };
	struct config *c = config_load("config/ntmd.conf", &d);

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->database, "var/ntmd.db");
	ck_assert_int_eq(c->ncalendars, 1);
	ck_assert_str_eq(c->http_host, "127.0.0.1");
	ck_assert_int_eq(c->http_port, 8470);
	ck_assert_int_eq(c->starttls, STARTTLS_REQUIRED);
	ck_assert_int_eq(c->nlead, 3);
	ck_assert_int_eq(c->lead_days[0], 7);
	ck_assert_int_eq(c->lead_days[2], 0);
	ck_assert_int_eq(c->send_at, 7 * 60 + 30);
	{
		char *from = config_from_address(c);

		ck_assert_str_eq(from, "ntm@vanquan.example");
		free(from);
	}
	config_free(c);
	diag_free(&d);
}
END_TEST

START_TEST(test_every_error_with_its_line)
{
	struct diag d = { 0 };

	write_conf(GOOD_HEAD "timezone = \"Mars/Olympus\";\n"
	    "http = { listen = \"nonsense\"; base_url = \"http://x\"; };\n"
	    "smtp = { url = \"ftp://x\"; from = \"a@b\"; starttls = \"sometimes\"; };\n"
	    "reminders = { lead_days = [1, 1]; send_at = \"25:00\"; };\n", 0600);
	ck_assert_ptr_null(config_load(path, &d));
	ck_assert(has(&d, 3, "unknown time zone"));
	ck_assert(has(&d, 4, "http.listen \"nonsense\" must be host:port"));
	ck_assert(has(&d, 5, "smtp.url must be"));
	ck_assert(has(&d, 5, "smtp.starttls must be"));
	ck_assert(has(&d, 6, "lists 1 twice"));
	ck_assert(has(&d, 6, "send_at \"25:00\" must be HH:MM"));
	unlink(path);
	diag_free(&d);
}
END_TEST

START_TEST(test_syntax_and_missing)
{
	struct diag d = { 0 };

	write_conf("database = \"x\";\ncalendars = [ ;\n", 0600);
	ck_assert_ptr_null(config_load(path, &d));
	ck_assert(has(&d, 2, "syntax error"));
	unlink(path);
	diag_free(&d);
	write_conf("calendars = [];\n" GOOD_HTTP
	    "smtp = { url = \"file:out\"; from = \"a@b\"; };\n", 0600);
	ck_assert_ptr_null(config_load(path, &d));
	ck_assert(strstr(d.msgs[0], "missing setting \"database\"") != NULL);
	unlink(path);
	diag_free(&d);
}
END_TEST

START_TEST(test_password_needs_private_file)
{
	const char *text = GOOD_HEAD GOOD_HTTP
	    "smtp = { url = \"smtp://h:587\"; from = \"a@b\"; password = \"s\"; };\n";
	struct diag d = { 0 };
	struct config *c;

	write_conf(text, 0644);
	ck_assert_ptr_null(config_load(path, &d));
	ck_assert(has(&d, 4, "readable by others"));
	unlink(path);
	diag_free(&d);
	write_conf(text, 0600);
	c = config_load(path, &d);
	ck_assert_ptr_nonnull(c);
	config_free(c);
	unlink(path);
	diag_free(&d);
}
END_TEST

Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_example_loads);
	tcase_add_test(tc, test_every_error_with_its_line);
	tcase_add_test(tc, test_syntax_and_missing);
	tcase_add_test(tc, test_password_needs_private_file);
	suite_add_tcase(s, tc);
	return s;
}
