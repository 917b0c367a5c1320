/* The SQLite database: opening, numbered migrations, small shared helpers. */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report.h"
#include "state.h"
#include "store.h"
#include "xalloc.h"

/* Migration N brings the schema from version N-1 to N. Never edit one that has shipped. */
static const char *migrations[] = {
	/* 1: units, plans, tasks, occurrences, the reminder outbox, feed tokens, audit */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE org(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL);"
	"CREATE TABLE unit(id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES org(id),"
	"  code TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,"
	"  parent_id INTEGER REFERENCES unit(id), coordinator INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE(org_id, code));"
	"CREATE TABLE unit_alias(unit_id INTEGER NOT NULL REFERENCES unit(id),"
	"  alias TEXT NOT NULL, PRIMARY KEY(unit_id, alias));"
	"CREATE TABLE unit_email(unit_id INTEGER NOT NULL REFERENCES unit(id),"
	"  address TEXT NOT NULL, PRIMARY KEY(unit_id, address));"
	"CREATE TABLE plan(id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES org(id),"
	"  code TEXT NOT NULL UNIQUE, title TEXT NOT NULL, number TEXT, issuer TEXT, issued TEXT,"
	"  year INTEGER NOT NULL, catalog TEXT, source TEXT, file TEXT);"
	"CREATE TABLE task(id INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL REFERENCES plan(id),"
	"  ref TEXT NOT NULL, section TEXT, title TEXT NOT NULL, kind TEXT NOT NULL,"
	"  when_text TEXT NOT NULL, when_kind TEXT NOT NULL, line INTEGER,"
	"  active INTEGER NOT NULL DEFAULT 1, UNIQUE(plan_id, ref));"
	"CREATE TABLE task_unit(task_id INTEGER NOT NULL REFERENCES task(id),"
	"  unit_id INTEGER NOT NULL REFERENCES unit(id),"
	"  role TEXT NOT NULL CHECK(role IN ('direct','lead','support')),"
	"  PRIMARY KEY(task_id, unit_id, role));"
	"CREATE INDEX task_unit_by_unit ON task_unit(unit_id);"
	"CREATE TABLE occurrence(id INTEGER PRIMARY KEY,"
	"  task_id INTEGER NOT NULL REFERENCES task(id), period TEXT NOT NULL,"
	"  start TEXT NOT NULL, due TEXT NOT NULL, latest TEXT,"
	"  tentative INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL DEFAULT 'open'"
	"    CHECK(status IN ('open','done','waived','cancelled')),"
	"  done_at INTEGER, done_by TEXT, note TEXT, sequence INTEGER NOT NULL DEFAULT 0,"
	"  uid TEXT NOT NULL UNIQUE, fingerprint TEXT NOT NULL, changed_at INTEGER NOT NULL,"
	"  UNIQUE(task_id, period));"
	"CREATE TABLE reminder(id INTEGER PRIMARY KEY,"
	"  occurrence_id INTEGER NOT NULL REFERENCES occurrence(id),"
	"  unit_id INTEGER NOT NULL REFERENCES unit(id), kind TEXT NOT NULL,"
	"  fire_at INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN"
	"    ('pending','sending','sent','dead','skipped','cancelled')),"
	"  attempts INTEGER NOT NULL DEFAULT 0, next_try INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT, message_id TEXT, sent_at INTEGER,"
	"  UNIQUE(occurrence_id, unit_id, kind));"
	"CREATE INDEX reminder_by_state ON reminder(state, fire_at);"
	"CREATE TABLE feed_token(unit_id INTEGER PRIMARY KEY REFERENCES unit(id),"
	"  generation INTEGER NOT NULL DEFAULT 1, token_hash TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL,"
	"  action TEXT NOT NULL, detail TEXT);",
	/* 2: criteria sets, people, assignments, commune targets and progress; what a task
	 * produces, whom it reports to, its latest days */
	"CREATE TABLE catalog(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL, decision TEXT NOT NULL, level TEXT NOT NULL, issued TEXT,"
	"  in_force TEXT, file TEXT);"
	"CREATE TABLE criterion(id INTEGER PRIMARY KEY,"
	"  catalog_id INTEGER NOT NULL REFERENCES catalog(id), ref TEXT NOT NULL, name TEXT,"
	"  UNIQUE(catalog_id, ref));"
	"CREATE TABLE person(id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES org(id),"
	"  code TEXT NOT NULL, name TEXT NOT NULL, title TEXT,"
	"  unit_id INTEGER REFERENCES unit(id), UNIQUE(org_id, code));"
	"CREATE TABLE person_email(person_id INTEGER NOT NULL REFERENCES person(id),"
	"  address TEXT NOT NULL, PRIMARY KEY(person_id, address));"
	"CREATE TABLE assignment(plan_id INTEGER NOT NULL REFERENCES plan(id),"
	"  unit_id INTEGER NOT NULL REFERENCES unit(id),"
	"  criterion_id INTEGER NOT NULL REFERENCES criterion(id),"
	"  role TEXT NOT NULL CHECK(role IN ('lead','support')), note TEXT,"
	"  PRIMARY KEY(plan_id, unit_id, criterion_id, role));"
	"CREATE TABLE target(id INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL REFERENCES plan(id),"
	"  commune_id INTEGER NOT NULL REFERENCES unit(id), catalog_id INTEGER REFERENCES"
	"  catalog(id), by_text TEXT, due TEXT,"
	"  status TEXT NOT NULL CHECK(status IN ('open','achieved')), goal TEXT, reason TEXT,"
	"  proposal TEXT, budget TEXT, task_id INTEGER REFERENCES task(id), line INTEGER);"
	"CREATE TABLE target_criterion(target_id INTEGER NOT NULL REFERENCES target(id),"
	"  criterion_id INTEGER NOT NULL REFERENCES criterion(id),"
	"  PRIMARY KEY(target_id, criterion_id));"
	"CREATE TABLE progress(plan_id INTEGER NOT NULL REFERENCES plan(id),"
	"  commune_id INTEGER NOT NULL REFERENCES unit(id), catalog_id INTEGER REFERENCES"
	"  catalog(id), as_of TEXT, criteria_met INTEGER, criteria_total INTEGER,"
	"  indicators_met INTEGER, indicators_total INTEGER);"
	"ALTER TABLE task ADD COLUMN latest_text TEXT;"
	"ALTER TABLE task ADD COLUMN product TEXT;"
	"ALTER TABLE task ADD COLUMN report_to TEXT;",
	/* 3: working days. due and latest are after the deadline rule, *_original the days
	 * the plan gives where the rule moved them; day is what a calendar shows; day_off
	 * names the day off a meeting was set on; shown_state is what the feeds last
	 * published (open, late, overdue) */
	"ALTER TABLE occurrence ADD COLUMN due_original TEXT;"
	"ALTER TABLE occurrence ADD COLUMN latest_original TEXT;"
	"ALTER TABLE occurrence ADD COLUMN day TEXT;"
	"ALTER TABLE occurrence ADD COLUMN day_off TEXT;"
	"ALTER TABLE occurrence ADD COLUMN shown_state TEXT NOT NULL DEFAULT 'open';"
	"UPDATE occurrence SET day = CASE WHEN tentative THEN start ELSE due END;",
	/* 4: the lookups of the send path: when the next reminder wakes ntmd, a unit's
	 * pending reminders, the reminders of one message; a plan's targets and progress,
	 * which sync replaces */
	"CREATE INDEX reminder_wake ON reminder(max(fire_at, next_try)) WHERE state = 'pending';"
	"CREATE INDEX reminder_pending_by_unit ON reminder(unit_id) WHERE state = 'pending';"
	"CREATE INDEX reminder_by_message ON reminder(message_id) WHERE message_id IS NOT NULL;"
	"CREATE INDEX target_by_plan ON target(plan_id);"
	"CREATE INDEX progress_by_plan ON progress(plan_id);",
	/* 5: the items whose reminders must be planned again, noted by whoever changes their
	 * dates or status (ntmctl done, a sync), so that ntmd plans only those after another
	 * writer's change; after a sync, which can also change leads and addresses, ntmd
	 * plans every item anyway */
	"CREATE TABLE replan(occurrence_id INTEGER PRIMARY KEY);"
	"CREATE TRIGGER replan_new AFTER INSERT ON occurrence BEGIN"
	"  INSERT OR IGNORE INTO replan VALUES(new.id); END;"
	"CREATE TRIGGER replan_changed AFTER UPDATE OF due, latest, status, tentative ON occurrence"
	"  WHEN old.due IS NOT new.due OR old.latest IS NOT new.latest"
	"  OR old.status IS NOT new.status OR old.tentative IS NOT new.tentative BEGIN"
	"  INSERT OR IGNORE INTO replan VALUES(new.id); END;"
	"CREATE INDEX audit_by_action ON audit(action, id);",
	/* 6: follow-through. Who marked an item done, from where, with what note and link to
	 * the product; the unit's phone and postal address from the plan; the day each unit
	 * was last mailed (one mail a day); for a dead letter, the reminder it reports; a
	 * repeat for each item still open whose overdue mail went out before (the repeats
	 * follow from an overdue mail claimed since) */
	"ALTER TABLE audit ADD COLUMN occurrence_id INTEGER REFERENCES occurrence(id);"
	"ALTER TABLE audit ADD COLUMN unit_id INTEGER REFERENCES unit(id);"
	"ALTER TABLE audit ADD COLUMN remote TEXT;"
	"ALTER TABLE audit ADD COLUMN note TEXT;"
	"ALTER TABLE audit ADD COLUMN link TEXT;"
	"CREATE INDEX audit_by_occurrence ON audit(occurrence_id) WHERE occurrence_id IS NOT NULL;"
	"ALTER TABLE occurrence ADD COLUMN done_link TEXT;"
	"ALTER TABLE unit ADD COLUMN phone TEXT;"
	"ALTER TABLE unit ADD COLUMN address TEXT;"
	"CREATE TABLE mailed(unit_id INTEGER PRIMARY KEY REFERENCES unit(id), day TEXT NOT NULL);"
	"ALTER TABLE reminder ADD COLUMN about INTEGER REFERENCES reminder(id);"
	"CREATE INDEX unit_coordinator ON unit(org_id) WHERE coordinator;"
	"CREATE INDEX plan_by_org ON plan(org_id);"
	"INSERT OR IGNORE INTO reminder(occurrence_id, unit_id, kind, fire_at) "
	"  SELECT r.occurrence_id, r.unit_id, 'repeat-1', r.fire_at FROM reminder r"
	"  JOIN occurrence o ON o.id = r.occurrence_id"
	"  WHERE r.kind = 'overdue' AND r.state = 'sent' AND o.status = 'open';",
	/* 7: the coordinator's desk. Accounts, each of a unit, with an Argon2id hash of its
	 * password; sessions by the SHA-256 of their cookie, each with its anti-forgery
	 * token; failed sign-ins counted per account and per address (keys "login:…",
	 * "addr:…"), to slow guessing down */
	"CREATE TABLE account(id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE,"
	"  unit_id INTEGER NOT NULL REFERENCES unit(id), hash TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE session(token_hash TEXT PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES account(id), csrf TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
	"CREATE INDEX session_by_account ON session(account_id);"
	"CREATE TABLE signin_failure(key TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
	"  last_at INTEGER NOT NULL);",
	/* 8: a plan's own feed, everything in it, with its own token as a unit's */
	"CREATE TABLE plan_token(plan_id INTEGER PRIMARY KEY REFERENCES plan(id),"
	"  generation INTEGER NOT NULL DEFAULT 1, token_hash TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL);",
	/* 9: the groups a unit belongs to ("UBND các xã" holds each commune): a unit's feed
	 * shows what its groups are given */
	("CREATE TABLE unit_group(member_id INTEGER NOT NULL REFERENCES unit(id),"
	"  group_id INTEGER NOT NULL REFERENCES unit(id), PRIMARY KEY(member_id, group_id));"),
	/* 10: meetings set by a coordinator (ntmctl schedule, the desk): the day, hours and
	 * place of a meeting the plan dates only by a month, apart from the plan so that a
	 * reload keeps them; day_off names the day off a forced one is on; start_time is NULL
	 * for a meeting cancelled before it was set. Invitations ("invite-N", N the item's
	 * SEQUENCE) go out at once, not with a unit's daily mail, so the daily mail's index
	 * leaves them out and they have their own */
	"CREATE TABLE meeting(occurrence_id INTEGER PRIMARY KEY REFERENCES occurrence(id),"
	"  day TEXT NOT NULL, start_time TEXT, end_time TEXT, place TEXT, note TEXT,"
	"  day_off TEXT, forced INTEGER NOT NULL DEFAULT 0,"
	"  cancelled INTEGER NOT NULL DEFAULT 0, set_at INTEGER NOT NULL, set_by TEXT NOT NULL);"
	"DROP INDEX reminder_wake;"
	"CREATE INDEX reminder_wake ON reminder(max(fire_at, next_try))"
	"  WHERE state = 'pending' AND kind NOT LIKE 'invite-%';"
	"CREATE INDEX reminder_invite_wake ON reminder(max(fire_at, next_try))"
	"  WHERE state = 'pending' AND kind LIKE 'invite-%';",
	/* 11: a weekly campaign ("vào thứ 7 hàng tuần") is one item that repeats: its RFC 5545
	 * RRULE; it has no deadline, no state but its status and no reminders */
	"ALTER TABLE occurrence ADD COLUMN rrule TEXT;",
	/* 12: the instant of a unit's last daily mail, beside its day: what a coordination
	 * unit was last told, for the notice of an outage that ended after it */
	"ALTER TABLE mailed ADD COLUMN sent_at INTEGER;",
};

/* Statements kept prepared for a connection's lifetime, found by their SQL's address. */
struct cached {
	sqlite3		*db;
	const char	*sql;
	sqlite3_stmt	*st;
};
static struct cached *cache;
static size_t ncache;

const char *
store_error(sqlite3 *db)
{
	/* SQLite's "database is locked" reads as a fault; it is a wait that ran out */
	if ((sqlite3_errcode(db) & 0xff) == SQLITE_BUSY)
		return "the database is busy: another ntmctl or ntmd kept it for writing "
		    "longer than this one could wait; try again";
	return sqlite3_errmsg(db);
}

int
store_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("database: %s", store_error(db));
		return -1;
	}
	return 0;
}

sqlite3_stmt *
store_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("database: cannot prepare \"%.60s…\": %s", sql, store_error(db));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

sqlite3_stmt *
store_stmt(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < ncache; i++)
		if (cache[i].db == db && cache[i].sql == sql) {
			sqlite3_reset(cache[i].st);
			sqlite3_clear_bindings(cache[i].st);
			return cache[i].st;
		}
	if ((st = store_prepare(db, sql)) == NULL)
		return NULL;
	cache = xrealloc(cache, (ncache + 1) * sizeof(*cache));
	cache[ncache++] = (struct cached){ db, sql, st };
	return st;
}

int
store_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
store_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db) &&
	    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		log_warnx("database: rollback: %s", store_error(db));
}

int
store_step_done(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		log_warnx("database: %s", st ? store_error(db) : "statement not prepared");
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int
store_version(sqlite3 *db)
{
	sqlite3_stmt *st = store_prepare(db, "PRAGMA user_version");
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;

	sqlite3_finalize(st);
	return v;
}

static int
migrate(sqlite3 *db, char **err)
{
	int have = store_version(db), want = (int)(sizeof(migrations) / sizeof(*migrations));
	char pragma[64];

	if (have > want) {
		*err = xasprintf("the database is at schema %d, newer than this ntmd (%d)",
		    have, want);
		return -1;
	}
	for (; have < want; have++) {
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", have + 1);
		if (store_exec(db, "BEGIN IMMEDIATE") < 0 || store_exec(db, migrations[have]) < 0 ||
		    store_exec(db, pragma) < 0 || store_exec(db, "COMMIT") < 0) {
			store_exec(db, "ROLLBACK");
			*err = xasprintf("migration %d failed", have + 1);
			return -1;
		}
		log_info("database migrated to schema %d", have + 1);
	}
	return 0;
}

sqlite3 *
store_open(const char *path, char **err)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
	    != SQLITE_OK) {
		*err = xasprintf("%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	if (state_register(db) < 0 || report_register(db) < 0 || store_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;") < 0 || migrate(db, err) < 0) {
		if (*err == NULL)
			*err = xasprintf("%s: %s", path, store_error(db));
		sqlite3_close(db);
		return NULL;
	}
	store_changed_elsewhere(db);
	return db;
}

void
store_close(sqlite3 *db)
{
	size_t i, kept = 0;

	for (i = 0; i < ncache; i++) {
		if (cache[i].db == db)
			sqlite3_finalize(cache[i].st);
		else
			cache[kept++] = cache[i];
	}
	if ((ncache = kept) == 0) {
		free(cache);
		cache = NULL;
	}
	sqlite3_close(db);
}

int
store_changed_elsewhere(sqlite3 *db)
{
	static sqlite3 *seen_db;
	static int seen = -1;
	sqlite3_stmt *st = store_stmt(db, "PRAGMA data_version");
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	int changed = seen_db == db && v != seen;

	sqlite3_reset(st);
	seen_db = db;
	seen = v;
	return changed;
}

char *
store_secret(sqlite3 *db)
{
	static const char *get = "SELECT value FROM meta WHERE key = 'secret'";
	static const char *put = "INSERT OR IGNORE INTO meta(key, value) VALUES('secret', ?)";
	sqlite3_stmt *st = store_stmt(db, get);
	unsigned char raw[32];
	char hex[65], *s = NULL;

	if (sqlite3_step(st) == SQLITE_ROW)
		s = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (s)
		return s;
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		log_warnx("no randomness for the installation secret");
		return NULL;
	}
	hex_encode(raw, sizeof(raw), hex);
	st = store_stmt(db, put);
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	if (store_step_done(db, st) < 0)
		return NULL;
	st = store_stmt(db, get);
	if (sqlite3_step(st) == SQLITE_ROW)
		s = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return s;
}

sqlite3_int64
store_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = store_stmt(db, sql);
	sqlite3_int64 v;
	int rc = sqlite3_step(st);

	v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return v;
}

sqlite3_int64
store_last_sync(sqlite3 *db)
{
	return store_int(db, "SELECT id FROM audit WHERE action = 'sync' ORDER BY id DESC LIMIT 1");
}

int
store_audit(sqlite3 *db, long long at, const char *actor, const char *action,
    const char *detail)
{
	sqlite3_stmt *st = store_stmt(db,
	    "INSERT INTO audit(at, actor, action, detail) VALUES(?, ?, ?, ?)");

	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, detail, -1, SQLITE_STATIC);
	return store_step_done(db, st);
}
