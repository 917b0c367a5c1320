/*
 * The desk's accounts: password hashes and rules, logins, accounts, sessions and the
 * throttling of failed sign-ins on a real SQLite database; ntmctl user.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "account.h"
#include "ctl_user.h"
#include "store.h"
#include "suites.h"
#include "token.h"
#include "util.h"
#include "xalloc.h"

#define NOW	1600000000	/* 2020-09-13 19:26:40 +07:00 */
#define PASSWORD "mật khẩu đủ dài"
#define DAY	(24 * 3600)

/* "mậtkhẩuđẹ", 9 characters, precomposed (16 bytes) and decomposed (14 code points) */
#define NINE_NFC "m\xe1\xba\xadtkh\xe1\xba\xa9u\xc4\x91\xe1\xba\xb9"
#define NINE_NFD "ma\xcc\xa3\xcc\x82tkha\xcc\x82\xcc\x89u\xc4\x91" "e\xcc\xa3"

static char *dir;
static sqlite3 *db;

/* Organisation 1 with units 1 and 2, organisation 2 with unit 3. */
static void
db_setup(void)
{
	dir = tmpdir_new();
	db = db_new(dir,
	    "INSERT INTO org VALUES(1, 'huyen-a', 'Huyện A'), (2, 'huyen-b', 'Huyện B');"
	    "INSERT INTO unit(id, org_id, code, name, kind, coordinator) VALUES"
	    "  (1, 1, 'vpdp', 'Văn phòng Điều phối', 'office', 1),"
	    "  (2, 1, 'phong-tckh', 'Phòng Tài chính - Kế hoạch', 'department', 0),"
	    "  (3, 2, 'vpdp', 'VPĐP huyện B', 'office', 1);");
}

static void
db_teardown(void)
{
	store_close(db);
	tmpdir_remove(dir);
}

/* An account of unit with PASSWORD. */
static void
add(const char *login, sqlite3_int64 unit)
{
	char *hash = account_hash(PASSWORD);

	ck_assert_ptr_nonnull(hash);
	ck_assert_int_eq(account_add(db, login, unit, hash, NOW), 0);
	free(hash);
}

static int
is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* The number sql (one value) gives. */
static long long
query_int(const char *sql)
{
	sqlite3_stmt *st = store_prepare(db, sql);
	long long v;

	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

START_TEST(hash_verifies)
{
	char *h = account_hash(PASSWORD), *h2 = account_hash(PASSWORD);

	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(h2);
	ck_assert_msg(!strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31), "%s", h);
	ck_assert_str_ne(h, h2);	/* each its own salt */
	ck_assert_int_eq(account_verify(h, PASSWORD), 1);
	ck_assert_int_eq(account_verify(h2, PASSWORD), 1);
	ck_assert_int_eq(account_verify(h, "mật khẩu đủ dàj"), 0);
	ck_assert_int_eq(account_verify(h, ""), 0);
	ck_assert_int_eq(account_verify("$argon2id$v=19$nonsense", PASSWORD), -1);
	ck_assert_int_eq(account_verify("", PASSWORD), -1);
	free(h);
	free(h2);
}
END_TEST

/* Typed with combining marks, a Vietnamese password is the same password. */
START_TEST(hash_normalizes)
{
	char *h = account_hash(NINE_NFC "p");

	ck_assert_int_eq(account_verify(h, NINE_NFD "p"), 1);
	free(h);
	h = account_hash(NINE_NFD "p");
	ck_assert_int_eq(account_verify(h, NINE_NFC "p"), 1);
	free(h);
}
END_TEST

START_TEST(dummy_hash)
{
	const char *d = account_dummy_hash();

	ck_assert_ptr_eq(d, account_dummy_hash());
	ck_assert_msg(!strncmp(d, "$argon2id$v=19$m=19456,t=2,p=1$", 31), "%s", d);
	ck_assert_int_eq(account_verify(d, PASSWORD), 0);
	ck_assert_int_eq(account_verify(d, ""), 0);
}
END_TEST

START_TEST(password_rules)
{
	char *s;

	ck_assert_ptr_nonnull(account_password_problem(""));
	ck_assert_ptr_nonnull(account_password_problem("123456789"));
	ck_assert_ptr_null(account_password_problem("1234567890"));
	ck_assert_str_eq(account_password_problem(NINE_NFC),
	    "a password needs at least 10 characters");
	ck_assert_ptr_nonnull(account_password_problem(NINE_NFD));
	ck_assert_ptr_null(account_password_problem(NINE_NFC "p"));
	ck_assert_ptr_null(account_password_problem(NINE_NFD "p"));
	ck_assert_ptr_null(account_password_problem("mười ký tự"));
	ck_assert_ptr_null(account_password_problem("no\xc2\xa0" "break space"));
	ck_assert_ptr_nonnull(account_password_problem("1234567890\t"));
	ck_assert_ptr_nonnull(account_password_problem("1234567890\x7f"));
	ck_assert_ptr_nonnull(account_password_problem("1234567890\xc2\x85"));
	ck_assert_ptr_nonnull(account_password_problem("1234567890\r"));
	ck_assert_str_eq(account_password_problem("1234567890\xff"),
	    "a password must be UTF-8 text");
	ck_assert_ptr_nonnull(account_password_problem("1234567890\xed\xa0\x80"));
	s = xmalloc(ACCOUNT_PASSWORD_MAX + 2);
	memset(s, 'x', ACCOUNT_PASSWORD_MAX);
	s[ACCOUNT_PASSWORD_MAX] = '\0';
	ck_assert_ptr_null(account_password_problem(s));
	strcpy(s + ACCOUNT_PASSWORD_MAX, "x");
	ck_assert_str_eq(account_password_problem(s),
	    "a password may be at most 256 bytes long");
	free(s);
}
END_TEST

START_TEST(login_rules)
{
	const char *good[] = { "a", "7", "an", "phong-tckh", "nguyen.van.an", "x_1-2.3",
	    "0123456789012345678901234567890123456789012345678901234567890123" };
	const char *bad[] = { "", "An", "-an", ".an", "_an", "an binh", "an/binh", "an@x",
	    "ngô", "an\n", "01234567890123456789012345678901234567890123456789012345678901234" };
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(*good); i++)
		ck_assert_msg(account_login_ok(good[i]), "refused \"%s\"", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		ck_assert_msg(!account_login_ok(bad[i]), "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(accounts)
{
	struct account a;
	char *hash = NULL;

	add("an", 2);
	ck_assert_int_eq(account_add(db, "an", 1, "x", NOW), 1);
	ck_assert_int_eq(account_find(db, "an", &a, &hash), 1);
	ck_assert_int_eq(a.unit_id, 2);
	ck_assert_int_eq(a.org_id, 1);
	ck_assert_str_eq(a.login, "an");
	ck_assert_str_eq(a.unit_code, "phong-tckh");
	ck_assert_str_eq(a.unit_name, "Phòng Tài chính - Kế hoạch");
	ck_assert_str_eq(a.org_code, "huyen-a");
	ck_assert_str_eq(a.org_name, "Huyện A");
	ck_assert_int_eq(account_verify(hash, PASSWORD), 1);
	free(hash);
	account_free(&a);
	account_free(&a);	/* freed twice is harmless */
	ck_assert_int_eq(account_find(db, "binh", &a, NULL), 0);
	ck_assert_ptr_null(a.login);
	ck_assert_int_eq(account_add(db, "binh", 99, "x", NOW), -1);	/* no unit 99 */
	add("binh", 3);
	ck_assert_int_eq(account_find(db, "binh", &a, NULL), 1);
	ck_assert_str_eq(a.org_code, "huyen-b");
	account_free(&a);
	ck_assert_int_eq(account_del(db, "an"), 0);
	ck_assert_int_eq(account_del(db, "an"), 1);
	ck_assert_int_eq(account_find(db, "an", &a, NULL), 0);
	ck_assert_int_eq(account_find(db, "binh", &a, NULL), 1);
	account_free(&a);
}
END_TEST

START_TEST(sessions)
{
	char cookie[65], csrf[65], got[65], hash[65], *sql;
	struct account a, b;
	int changes;

	add("an", 2);
	ck_assert_int_eq(account_find(db, "an", &a, NULL), 1);
	ck_assert_int_eq(session_start(db, a.id, NOW, cookie, csrf), 0);
	ck_assert(is_hex64(cookie));
	ck_assert(is_hex64(csrf));
	ck_assert_str_ne(cookie, csrf);
	/* the cookie is kept only as its SHA-256 */
	token_sha256_hex(cookie, 64, hash);
	sql = xasprintf("SELECT count(*) FROM session WHERE token_hash = '%s'", hash);
	ck_assert_int_eq(query_int(sql), 1);
	free(sql);
	sql = xasprintf("SELECT count(*) FROM session WHERE token_hash = '%s'", cookie);
	ck_assert_int_eq(query_int(sql), 0);
	free(sql);

	changes = sqlite3_total_changes(db);
	ck_assert_int_eq(session_find(db, cookie, NOW, &b, got), 1);
	ck_assert_int_eq(b.id, a.id);
	ck_assert_str_eq(b.login, "an");
	ck_assert_str_eq(b.unit_code, "phong-tckh");
	ck_assert_str_eq(b.org_name, "Huyện A");
	ck_assert_str_eq(got, csrf);
	account_free(&b);
	ck_assert_int_eq(session_find(db, cookie, NOW + SESSION_SECONDS - 1, &b, got), 1);
	account_free(&b);
	ck_assert_int_eq(session_find(db, cookie, NOW + SESSION_SECONDS, &b, got), 0);
	ck_assert_ptr_null(b.login);
	ck_assert_int_eq(sqlite3_total_changes(db), changes);	/* finding writes nothing */

	cookie[10] = cookie[10] == '0' ? '1' : '0';
	ck_assert_int_eq(session_find(db, cookie, NOW, &b, got), 0);
	cookie[10] = cookie[10] == '0' ? '1' : '0';
	ck_assert_int_eq(session_find(db, "", NOW, &b, got), 0);
	ck_assert_int_eq(session_find(db, csrf, NOW, &b, got), 0);

	ck_assert_int_eq(session_end(db, cookie), 0);
	ck_assert_int_eq(session_find(db, cookie, NOW, &b, got), 0);
	ck_assert_int_eq(session_end(db, cookie), 0);
	ck_assert_int_eq(session_end(db, "not a cookie"), 0);
	account_free(&a);
}
END_TEST

/* A new session deletes the expired ones; deleting an account ends its sessions. */
START_TEST(sessions_deleted)
{
	char c1[65], c2[65], c3[65], csrf[65];
	struct account a, b;

	add("an", 2);
	add("binh", 1);
	ck_assert_int_eq(account_find(db, "an", &a, NULL), 1);
	ck_assert_int_eq(account_find(db, "binh", &b, NULL), 1);
	ck_assert_int_eq(session_start(db, a.id, NOW, c1, csrf), 0);
	ck_assert_int_eq(session_start(db, b.id, NOW + 1, c2, csrf), 0);
	ck_assert_int_eq(session_start(db, a.id, NOW + SESSION_SECONDS, c3, csrf), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM session"), 2);
	ck_assert_int_eq(account_del(db, "an"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM session"), 1);
	account_free(&a);
	ck_assert_int_eq(session_find(db, c3, NOW + SESSION_SECONDS, &a, csrf), 0);
	ck_assert_int_eq(session_find(db, c2, NOW + SESSION_SECONDS, &a, csrf), 1);
	ck_assert_str_eq(a.login, "binh");
	account_free(&a);
	account_free(&b);
}
END_TEST

static void
fail_n(const char *login, const char *remote, int n, time_t at)
{
	while (n-- > 0)
		ck_assert_int_eq(signin_failed(db, login, remote, at), 0);
}

START_TEST(throttle)
{
	long expect[] = { 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900 };
	size_t i;

	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW), 0);
	fail_n("an", "10.0.0.1", 5, NOW);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW), 0);
	for (i = 0; i < sizeof(expect) / sizeof(*expect); i++) {
		fail_n("an", "10.0.0.1", 1, NOW);
		ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW), expect[i]);
	}
	fail_n("an", "10.0.0.1", 100, NOW);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW), 900);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW + 899), 1);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW + 900), 0);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW - 3600), 900);
}
END_TEST

START_TEST(throttle_elapses)
{
	fail_n("an", "10.0.0.1", 6, NOW);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW + 1), 1);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW + 2), 0);
	fail_n("an", "10.0.0.1", 1, NOW + 2);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW + 2), 4);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW + 5), 1);
}
END_TEST

/* The login and the address are counted apart, the address with 20 failures free (an
 * office behind one proxy shares it); the longer wait wins. */
START_TEST(throttle_keys)
{
	fail_n("an", "10.0.0.1", 6, NOW);
	ck_assert_int_eq(signin_wait(db, "binh", "10.0.0.1", NOW), 0);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.2", NOW), 2);
	fail_n("binh", "10.0.0.1", 14, NOW);	/* the address's 20th */
	ck_assert_int_eq(signin_wait(db, "chi", "10.0.0.1", NOW), 0);
	fail_n("binh", "10.0.0.1", 1, NOW);
	ck_assert_int_eq(signin_wait(db, "chi", "10.0.0.1", NOW), 2);
	ck_assert_int_eq(signin_wait(db, "chi", "10.0.0.2", NOW), 0);
	ck_assert_int_eq(signin_wait(db, "binh", "10.0.0.2", NOW), 900);
	fail_n("chi", "10.0.0.3", 2, NOW);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", NOW), 2);
	ck_assert_int_eq(query_int("SELECT failures FROM signin_failure "
	    "WHERE key = 'login:binh'"), 15);
	ck_assert_int_eq(query_int("SELECT failures FROM signin_failure "
	    "WHERE key = 'addr:10.0.0.1'"), 21);

	/* a success clears the login's count, not the address's */
	ck_assert_int_eq(signin_succeeded(db, "binh"), 0);
	ck_assert_int_eq(signin_wait(db, "binh", "10.0.0.2", NOW), 0);
	ck_assert_int_eq(signin_wait(db, "binh", "10.0.0.1", NOW), 2);
	ck_assert_int_eq(signin_succeeded(db, "nobody"), 0);
}
END_TEST

/* A day after the last failure, the count starts again. */
START_TEST(throttle_forgets)
{
	time_t later = NOW + DAY - 1;

	fail_n("an", "10.0.0.1", 20, NOW);
	fail_n("binh", "10.0.0.2", 1, NOW + 10);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", later), 0);
	fail_n("an", "10.0.0.1", 1, later);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", later), 900);
	fail_n("an", "10.0.0.1", 1, later + DAY);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", later + DAY), 0);
	ck_assert_int_eq(query_int("SELECT failures FROM signin_failure "
	    "WHERE key = 'login:an'"), 1);
	ck_assert_int_eq(query_int("SELECT failures FROM signin_failure "
	    "WHERE key = 'addr:10.0.0.1'"), 1);
	ck_assert_int_eq(query_int("SELECT count(*) FROM signin_failure"), 2);
	fail_n("an", "10.0.0.1", 4, later + DAY);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", later + DAY), 0);
	fail_n("an", "10.0.0.1", 1, later + DAY);
	ck_assert_int_eq(signin_wait(db, "an", "10.0.0.1", later + DAY), 2);
}
END_TEST

/* Standard input read from text, standard output into a file of dir while fn runs. */
static char *
with_stdio(const char *in, int (*fn)(void), int *rc)
{
	char *inpath = file_write(dir, "stdin", in, 0600);
	char *outpath = xasprintf("%s/stdout", dir), *out;
	int saved = dup(STDOUT_FILENO), fd;
	FILE *f;
	long n;

	ck_assert_ptr_nonnull(freopen(inpath, "r", stdin));
	fflush(stdout);
	ck_assert_int_ge(fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	*rc = fn();
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	ck_assert_ptr_nonnull(f = fopen(outpath, "r"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	out = xcalloc(1, (size_t)n + 1);
	ck_assert_int_eq(fread(out, 1, (size_t)n, f), n);
	fclose(f);
	free(inpath);
	free(outpath);
	return out;
}

static int
add_an(void)
{
	return ctl_user_add(db, "an", 2, NOW);
}

static int
add_bad_login(void)
{
	return ctl_user_add(db, "An", 2, NOW);
}

static int
list_json(void)
{
	return ctl_user_list(db, 1);
}

static int
list_text(void)
{
	return ctl_user_list(db, 0);
}

static int
del_an(void)
{
	return ctl_user_del(db, "an");
}

START_TEST(ctl_user)
{
	char *out, *hash;
	struct account a;
	int rc;

	free(with_stdio("short\n", add_an, &rc));
	ck_assert_int_eq(rc, EX_DATAERR);
	free(with_stdio("", add_an, &rc));
	ck_assert_int_eq(rc, EX_DATAERR);
	free(with_stdio(PASSWORD "\n", add_bad_login, &rc));
	ck_assert_int_eq(rc, EX_DATAERR);
	ck_assert_int_eq(query_int("SELECT count(*) FROM account"), 0);

	out = with_stdio(PASSWORD "\r\n", add_an, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out, "account an added\n");
	free(out);
	ck_assert_int_eq(account_find(db, "an", &a, &hash), 1);
	ck_assert_int_eq(account_verify(hash, PASSWORD), 1);
	free(hash);
	account_free(&a);
	free(with_stdio(PASSWORD "\n", add_an, &rc));
	ck_assert_int_eq(rc, EX_DATAERR);

	out = with_stdio("", list_json, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out, "[{\"login\":\"an\",\"unit\":\"phong-tckh\",\"org\":\"huyen-a\","
	    "\"name\":\"Phòng Tài chính - Kế hoạch\",\"created\":\"2020-09-13\"}]\n");
	free(out);
	out = with_stdio("", list_text, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out, "LOGIN  UNIT                NAME                        CREATED\n"
	    "an     huyen-a/phong-tckh  Phòng Tài chính - Kế hoạch  2020-09-13\n");
	free(out);

	out = with_stdio("", del_an, &rc);
	ck_assert_int_eq(rc, 0);
	free(out);
	free(with_stdio("", del_an, &rc));
	ck_assert_int_eq(rc, EX_DATAERR);
	out = with_stdio("", list_json, &rc);
	ck_assert_str_eq(out, "[]\n");
	free(out);
}
END_TEST

Suite *
account_suite(void)
{
	Suite *s = suite_create("account");
	TCase *rules = tcase_create("rules"), *db_cases = tcase_create("database");

	tcase_set_timeout(rules, 30);
	tcase_add_test(rules, hash_verifies);
	tcase_add_test(rules, hash_normalizes);
	tcase_add_test(rules, dummy_hash);
	tcase_add_test(rules, password_rules);
	tcase_add_test(rules, login_rules);
	suite_add_tcase(s, rules);
	tcase_set_timeout(db_cases, 30);
	tcase_add_checked_fixture(db_cases, db_setup, db_teardown);
	tcase_add_test(db_cases, accounts);
	tcase_add_test(db_cases, sessions);
	tcase_add_test(db_cases, sessions_deleted);
	tcase_add_test(db_cases, throttle);
	tcase_add_test(db_cases, throttle_elapses);
	tcase_add_test(db_cases, throttle_keys);
	tcase_add_test(db_cases, throttle_forgets);
	tcase_add_test(db_cases, ctl_user);
	suite_add_tcase(s, db_cases);
	return s;
}
