/* An item reported done: from a done link or from ntmctl, one transaction, one path. */
#include <stdlib.h>
#include <string.h>

#include "done.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "xalloc.h"

static const char sql_status[] = "SELECT status FROM occurrence WHERE id = ?";
static const char sql_mark[] = "UPDATE occurrence SET status = CASE WHEN ?6 THEN 'waived' "
	"ELSE 'done' END, done_at = ?2, "
	"done_by = ?3, note = ?4, done_link = ?5, sequence = sequence + 1, changed_at = ?2 "
	"WHERE id = ?1 AND status = 'open'";
static const char sql_cancel[] = "UPDATE reminder SET state = 'cancelled' "
	"WHERE occurrence_id = ? AND state = 'pending'";
static const char sql_audit[] = "INSERT INTO audit(at, actor, action, detail, "
	"occurrence_id, unit_id, remote, note, link) "
	"VALUES(?1, ?2, CASE WHEN ?9 THEN 'waive' ELSE 'done' END, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char sql_may[] = "SELECT EXISTS(SELECT 1 FROM occurrence o "
	"JOIN task_unit tu ON tu.task_id = o.task_id WHERE o.id = ?1 AND tu.unit_id = ?2) "
	"OR EXISTS(SELECT 1 FROM occurrence o JOIN task t ON t.id = o.task_id "
	"JOIN plan p ON p.id = t.plan_id JOIN unit u ON u.org_id = p.org_id "
	"WHERE o.id = ?1 AND u.id = ?2 AND u.coordinator)";

/* The item's status: 1 with *closed set to the result it gives when not open, 0 if there
 * is no such item, -1 on an error. */
static int
status_of(sqlite3 *db, sqlite3_int64 item, enum done_result *closed)
{
	sqlite3_stmt *st = store_stmt(db, sql_status);
	const char *s;
	int rc;

	sqlite3_bind_int64(st, 1, item);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 0);
		*closed = !strcmp(s, "open") ? DONE_MARKED : !strcmp(s, "done") ?
		    DONE_ALREADY : DONE_CLOSED;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Inside the transaction, the item open: the changes. 0, or -1 on an error. */
static int
mark(sqlite3 *db, const struct done_report *r)
{
	sqlite3_stmt *st = store_stmt(db, sql_mark);
	char *detail;
	int rc;

	sqlite3_bind_int64(st, 1, r->item);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)r->now);
	sqlite3_bind_text(st, 3, r->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->link, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, r->waive);
	if (store_step(st) < 0 || sqlite3_changes(db) != 1)
		return -1;
	st = store_stmt(db, sql_cancel);
	sqlite3_bind_int64(st, 1, r->item);
	if (store_step(st) < 0)
		return -1;
	detail = xasprintf("occurrence %lld%s%s", (long long)r->item, r->note ? ": " : "",
	    r->note ? r->note : "");
	st = store_stmt(db, sql_audit);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)r->now);
	sqlite3_bind_text(st, 2, r->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->item);
	if (r->unit > 0)
		sqlite3_bind_int64(st, 5, r->unit);
	sqlite3_bind_text(st, 6, r->remote, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->link, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, r->waive);
	rc = store_step(st);
	free(detail);
	return rc;
}

/* Log why, then end the transaction if SQLite has not. */
static enum done_result
failed(sqlite3 *db, const struct done_report *r)
{
	log_warnx("item %lld not marked %s, nothing changed: %s", (long long)r->item,
	    r->waive ? "waived" : "done", store_error(db));
	store_rollback(db);
	return DONE_FAILED;
}

enum done_result
done_mark(sqlite3 *db, const struct done_report *r)
{
	enum done_result res = DONE_NO_ITEM;
	int found;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    (found = status_of(db, r->item, &res)) < 0)
		return failed(db, r);
	if (found && res == DONE_MARKED && mark(db, r) < 0)
		return failed(db, r);
	/* nothing was written when the item was not open, but the ending is checked alike */
	if (sqlite3_exec(db, found && res == DONE_MARKED ? "COMMIT" : "ROLLBACK", NULL, NULL,
	    NULL) != SQLITE_OK)
		return failed(db, r);
	return res;
}

int
done_link_ok(const char *url)
{
	size_t i, n = strlen(url), host;

	if (!strncmp(url, "http://", 7))
		host = 7;
	else if (!strncmp(url, "https://", 8))
		host = 8;
	else
		return 0;
	if (text_chars(url) > DONE_LINK_MAX || n == host || strchr("/?#", url[host]))
		return 0;
	/* RFC 3986 §2: never in a URI unencoded */
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f ||
		    strchr("\"<>\\^`{|}", url[i]))
			return 0;
	return 1;
}

int
done_unit_may(sqlite3 *db, sqlite3_int64 item, sqlite3_int64 unit)
{
	sqlite3_stmt *st = store_stmt(db, sql_may);
	int rc, may = 0;

	sqlite3_bind_int64(st, 1, item);
	sqlite3_bind_int64(st, 2, unit);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		may = sqlite3_column_int(st, 0);
	else
		log_warnx("database: %s", store_error(db));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? may : -1;
}
