#ifndef NTM_TEST_UTIL_H
#define NTM_TEST_UTIL_H

#include <sqlite3.h>
#include <sys/types.h>

#include "diag.h"

/* A new private directory under $TMPDIR (or /tmp); allocated. */
char *tmpdir_new(void);
/* The database at path, migrated (store_open()); the test fails if it cannot be. */
sqlite3 *db_open(const char *path);
/* A new database dir/ntmd.db holding the fixture sql. */
sqlite3 *db_new(const char *dir, const char *sql);
/* The first column of sql's one row; the test fails if there is none. */
sqlite3_int64 db_value(sqlite3 *db, const char *sql);
/* Remove dir and the plain files in it. */
void tmpdir_remove(char *dir);
/* dir/name holding text, with the given mode; the path, allocated. */
char *file_write(const char *dir, const char *name, const char *text, mode_t mode);
/* Whether some message of d starts with "file:line: " (or "file: " for line 0) and
 * contains text. */
int diag_has(const struct diag *d, const char *file, int line, const char *text);
/* Every message of d, one a line, for failure messages; allocated. */
char *diag_join(const struct diag *d);
/* text with RFC 5545 §3.1 folding undone (CRLF followed by one space removed); allocated. */
char *ical_unfold(const char *text);
/* How many times needle occurs in haystack. */
int count(const char *haystack, const char *needle);

#endif
