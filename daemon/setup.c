#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "date.h"
#include "log.h"
#include "setup.h"
#include "store.h"

struct config *
setup_config(const char *path)
{
	struct diag d = { 0 };
	struct config *c = config_load(path, &d);
	char *err = NULL, now[32];
	int from_env;

	if (c == NULL) {
		diag_print(&d, stderr);
		diag_free(&d);
		exit(EX_CONFIG);
	}
	diag_free(&d);
	if (clock_init(&from_env, &err) < 0)
		fatalx("%s", err);
	if (from_env) {
		time_iso(clock_now(), now);
		log_warnx("NTM_NOW is set: the clock starts at %s, not the system time "
		    "(a testing aid)", now);
	}
	return c;
}

sqlite3 *
setup_database(const struct config *c)
{
	char *err = NULL;
	sqlite3 *db = store_open(c->database, &err);

	if (db == NULL) {
		log_warnx("cannot open the database %s", err);
		free(err);
		exit(EX_CANTCREAT);
	}
	return db;
}

int
setup_db_failed(sqlite3 *db, const char *what)
{
	int rc = sqlite3_errcode(db) & 0xff;

	log_warnx("%s: %s", what, store_error(db));
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return EX_TEMPFAIL;
	if (rc == SQLITE_IOERR || rc == SQLITE_FULL || rc == SQLITE_READONLY)
		return EX_IOERR;
	return EX_SOFTWARE;
}

const char *
setup_operator(void)
{
	const char *sudo = getenv("SUDO_USER"), *user = getenv("USER");

	if (sudo && *sudo)
		return sudo;
	return user && *user ? user : "ntmctl";
}
