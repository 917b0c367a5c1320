#!/bin/sh
# ntmctl when a statement fails: a clear message, a non-zero exit, and for "done" the
# database exactly as it was (the failed step, BEGIN IMMEDIATE and COMMIT are all caught).
. "$(dirname "$0")/test.common"

write_config
ctl sync >/dev/null 2>&1 || fail "sync"
id=$(sql "SELECT min(id) FROM occurrence WHERE status = 'open'")
[ -n "$id" ] || fail "no open item"
dump() { sqlite3 "$T/ntmd.db" .dump; }
# expect_failure CODE MESSAGE — ntmctl done $id exits with CODE, says MESSAGE, changes nothing.
expect_failure() {
	dump >"$T/before.sql"
	ctl done "$id" >"$T/out" 2>"$T/err" && fail "done succeeded: $(cat "$T/out")"
	code=$?
	assert_eq "$code" "$1" "exit status"
	assert_contains "$(cat "$T/err")" "ntmctl: item $id not marked done, nothing changed: $2" "message"
	dump >"$T/after.sql"
	cmp -s "$T/before.sql" "$T/after.sql" || fail "the database changed: $(diff "$T/before.sql" "$T/after.sql")"
}

say "the update fails"
sql "CREATE TRIGGER refuse BEFORE UPDATE ON occurrence BEGIN SELECT RAISE(ABORT, 'refused'); END;"
expect_failure 70 "refused"
sql "DROP TRIGGER refuse"

say "COMMIT fails (a deferred foreign key), after the updates went through"
sql "CREATE TABLE trap(occurrence_id INTEGER REFERENCES occurrence(id) DEFERRABLE INITIALLY DEFERRED);
CREATE TRIGGER trap AFTER UPDATE ON occurrence BEGIN INSERT INTO trap VALUES(-1); END;"
expect_failure 70 "FOREIGN KEY constraint failed"
sql "DROP TRIGGER trap; DROP TABLE trap"

say "another writer holds the database past the busy timeout: BEGIN IMMEDIATE fails"
$PY - "$T/ntmd.db" "$T/locked" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(8)
db.execute("ROLLBACK")
PY
LOCKER=$!
wait_for "the lock" 5 test -e "$T/locked"
expect_failure 75 "the database is busy: another ntmctl or ntmd kept it for writing"
kill "$LOCKER" 2>/dev/null
wait "$LOCKER" 2>/dev/null || true

say "a query fails: units"
sql "ALTER TABLE unit_email RENAME TO unit_email_gone"
if ctl units >"$T/out" 2>"$T/err"; then fail "units succeeded"; fi
assert_contains "$(cat "$T/err")" "no such table: unit_email" "units message"
sql "ALTER TABLE unit_email_gone RENAME TO unit_email"

say "with nothing in the way, done works"
assert_eq "$(ctl done "$id")" "item $id marked done" "done"
assert_eq "$(sql "SELECT status FROM occurrence WHERE id = $id")" done "status"
assert_eq "$(ctl done "$id")" "item $id is already done" "done again"
echo ok
