#ifndef NTM_DONE_H
#define NTM_DONE_H

#include <sqlite3.h>
#include <time.h>

/* A unit's report that an item is done: from a done link (unit set, remote the
 * client's address) or from ntmctl done (unit 0, remote NULL). */
struct done_report {
	sqlite3_int64	 item, unit;
	const char	*actor;		/* the unit's code, or the operator's user name */
	const char	*remote;	/* NULL: not over HTTP */
	const char	*note, *link;	/* optional: the officer's note, the product's URL */
	time_t		 now;
	int		 waive;		/* waive the item (a coordinator's decision) instead;
					 * audited as 'waive' */
};

enum done_result {
	DONE_MARKED,	/* open until now: done, SEQUENCE raised, reminders cancelled */
	DONE_ALREADY,	/* was done already: nothing changed */
	DONE_CLOSED,	/* waived or cancelled: nothing changed */
	DONE_NO_ITEM,	/* no such item */
	DONE_FAILED	/* the database failed (logged): nothing changed */
};

/* Mark the item done in one transaction of its own (BEGIN IMMEDIATE … COMMIT): its
 * status, done_at/done_by/note/done_link, SEQUENCE raised, its pending reminders
 * cancelled, and an audit row 'done' with the unit, the time, the remote address, the
 * note and the link. The one code path for the done link and for ntmctl done.
 * After DONE_FAILED, sqlite3_errcode(db) still tells why when the transaction never
 * began (SQLITE_BUSY) or SQLite ended it itself (I/O errors); otherwise it was rolled
 * back and the code is SQLITE_OK. */
enum done_result done_mark(sqlite3 *db, const struct done_report *r);

/* The longest note and product link accepted, in characters (a form's maxlength). */
#define DONE_NOTE_MAX	2000
#define DONE_LINK_MAX	2000

/* Whether url may stand as an item's product link: http:// or https://, a host, no
 * white space or control characters, at most DONE_LINK_MAX characters. */
int done_link_ok(const char *url);
/* Whether the unit may report the item done: it directs, leads or supports the item's
 * task, or coordinates the organisation of the item's plan. 1 or 0; -1 (logged) on a
 * database error. */
int done_unit_may(sqlite3 *db, sqlite3_int64 item, sqlite3_int64 unit);

#endif
