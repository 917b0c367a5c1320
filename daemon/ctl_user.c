/* ntmctl user: the desk's accounts, added, deleted and listed. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

#include "account.h"
#include "ctl_user.h"
#include "date.h"
#include "log.h"
#include "setup.h"
#include "store.h"
#include "table.h"
#include "xalloc.h"

static const char sql_list[] = "SELECT a.login, u.code, o.code, u.name, a.created_at "
	"FROM account a JOIN unit u ON u.id = a.unit_id JOIN org o ON o.id = u.org_id "
	"ORDER BY a.login";

static const struct column text_cols[] = {
	{ "login", "LOGIN", COL_TEXT, NULL },
	{ "unit", "UNIT", COL_TEXT, NULL },
	{ "name", "NAME", COL_TEXT, NULL },
	{ "created", "CREATED", COL_TEXT, NULL },
};
static const struct column json_cols[] = {
	{ "login", "LOGIN", COL_TEXT, NULL },
	{ "unit", "UNIT", COL_TEXT, NULL },
	{ "org", "ORG", COL_TEXT, NULL },
	{ "name", "NAME", COL_TEXT, NULL },
	{ "created", "CREATED", COL_TEXT, NULL },
};

/* The signals that would leave the terminal without echo, caught while it has none. */
static const int quit_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NQUIT	(sizeof(quit_signals) / sizeof(*quit_signals))
static volatile sig_atomic_t caught;

static void
catch_signal(int sig)
{
	caught = sig;
}

/* The exit code for an account_*() call that failed (and logged why). */
static int
db_failed(sqlite3 *db)
{
	int rc = sqlite3_errcode(db) & 0xff;

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return EX_TEMPFAIL;
	return rc == SQLITE_IOERR || rc == SQLITE_FULL ? EX_IOERR : EX_SOFTWARE;
}

/* One line of standard input without its line end: allocated, NULL at the end of the
 * input or when a read is interrupted. */
static char *
read_line(void)
{
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;

	if ((n = getline(&line, &cap, stdin)) < 0) {
		free(line);
		return NULL;
	}
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	/* a NUL would cut the password short unseen: a control character is refused */
	for (i = 0; i < (size_t)n; i++)
		if (line[i] == '\0')
			line[i] = '\x01';
	return line;
}

/* A line typed on the terminal without echo, after prompt: allocated, NULL at the end of
 * the input. A signal that would end ntmctl does, once the echo is back. */
static char *
read_hidden(const char *prompt)
{
	struct sigaction sa = { .sa_handler = catch_signal }, old[NQUIT];
	struct termios saved, quiet;
	char *line;
	size_t i;

	if (tcgetattr(STDIN_FILENO, &saved) < 0) {
		log_warn("cannot turn the terminal's echo off");
		return NULL;
	}
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	sigemptyset(&sa.sa_mask);	/* no SA_RESTART: the signal ends the read */
	caught = 0;
	for (i = 0; i < NQUIT; i++)
		sigaction(quit_signals[i], &sa, &old[i]);
	fputs(prompt, stderr);
	fflush(stderr);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	line = read_line();
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	fputc('\n', stderr);
	for (i = 0; i < NQUIT; i++)
		sigaction(quit_signals[i], &old[i], NULL);
	if (caught) {
		free_secret(line);
		raise(caught);
		return NULL;
	}
	return line;
}

/* The new account's password, acceptable: 0 with *out (allocated, for free_secret()),
 * else the exit code, having said why. */
static int
read_password(char **out)
{
	int tty = isatty(STDIN_FILENO), differ;
	const char *why;
	char *pw, *again;

	if ((pw = tty ? read_hidden("Password: ") : read_line()) == NULL) {
		fprintf(stderr, "ntmctl: no password %s\n", tty ? "typed" :
		    "on standard input");
		return EX_DATAERR;
	}
	if ((why = account_password_problem(pw)) != NULL) {
		fprintf(stderr, "ntmctl: %s\n", why);
		free_secret(pw);
		return EX_DATAERR;
	}
	if (tty) {
		again = read_hidden("Again: ");
		differ = again == NULL || strcmp(pw, again) != 0;
		free_secret(again);
		if (differ) {
			fprintf(stderr, "ntmctl: the two passwords differ; nothing added\n");
			free_secret(pw);
			return EX_DATAERR;
		}
	}
	*out = pw;
	return 0;
}

/* Whether login may be a new account's: 0, else the exit code, having said why. */
static int
login_free(sqlite3 *db, const char *login)
{
	struct account a;
	int found;

	if (!account_login_ok(login)) {
		fprintf(stderr, "ntmctl: a login is 1 to %d of a-z, 0-9, '.', '_' and '-', "
		    "starting with a letter or digit\n", ACCOUNT_LOGIN_MAX);
		return EX_DATAERR;
	}
	if ((found = account_find(db, login, &a, NULL)) < 0)
		return db_failed(db);
	account_free(&a);
	if (found) {
		fprintf(stderr, "ntmctl: there is already an account \"%s\"\n", login);
		return EX_DATAERR;
	}
	return 0;
}

int
ctl_user_add(sqlite3 *db, const char *login, sqlite3_int64 unit, time_t now)
{
	char *password, *hash;
	int rc;

	if ((rc = login_free(db, login)) != 0 || (rc = read_password(&password)) != 0)
		return rc;
	hash = account_hash(password);
	free_secret(password);
	if (hash == NULL)
		return EX_SOFTWARE;
	rc = account_add(db, login, unit, hash, now);
	free(hash);
	if (rc == 1) {
		fprintf(stderr, "ntmctl: there is already an account \"%s\"\n", login);
		return EX_DATAERR;
	}
	if (rc < 0)
		return db_failed(db);
	printf("account %s added\n", login);
	return 0;
}

int
ctl_user_del(sqlite3 *db, const char *login)
{
	switch (account_del(db, login)) {
	case 0:
		printf("account %s deleted, its sessions ended\n", login);
		return 0;
	case 1:
		fprintf(stderr, "ntmctl: no account \"%s\" (see ntmctl user list)\n", login);
		return EX_DATAERR;
	}
	return db_failed(db);
}

/* A row of the list from st's columns (login, unit, org, name, created). */
static void
list_row(struct table *t, sqlite3_stmt *st, int json)
{
	size_t r = table_row(t), c = 0;
	const char *unit = (const char *)sqlite3_column_text(st, 1);
	const char *org = (const char *)sqlite3_column_text(st, 2);
	char day[11], *both;

	date_iso(date_of((time_t)sqlite3_column_int64(st, 4)), day);
	table_set(t, r, c++, (const char *)sqlite3_column_text(st, 0));
	if (json) {
		table_set(t, r, c++, unit);
		table_set(t, r, c++, org);
	} else {
		both = xasprintf("%s/%s", org ? org : "", unit ? unit : "");
		table_set(t, r, c++, both);
		free(both);
	}
	table_set(t, r, c++, (const char *)sqlite3_column_text(st, 3));
	table_set(t, r, c, day);
}

int
ctl_user_list(sqlite3 *db, int json)
{
	sqlite3_stmt *st = store_prepare(db, sql_list);
	struct table t;
	struct buf b = { 0 };
	int rc;

	if (json)
		table_init(&t, json_cols, sizeof(json_cols) / sizeof(*json_cols), NULL);
	else
		table_init(&t, text_cols, sizeof(text_cols) / sizeof(*text_cols), NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		list_row(&t, st, json);
	if (rc != SQLITE_DONE)
		rc = setup_db_failed(db, "cannot read the accounts");
	else if (json) {
		table_json(&t, &b);
		fputs(b.s, stdout);
		rc = 0;
	} else {
		table_text(&t, stdout);
		rc = 0;
	}
	sqlite3_finalize(st);
	buf_free(&b);
	table_free(&t);
	return rc;
}
