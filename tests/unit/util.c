/* Helpers the suites share: temporary files, diagnostics, iCalendar unfolding. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "store.h"
#include "util.h"
#include "xalloc.h"

sqlite3 *
db_open(const char *path)
{
	char *err = NULL;
	sqlite3 *db = store_open(path, &err);

	ck_assert_msg(db != NULL, "store_open %s: %s", path, err);
	return db;
}

sqlite3 *
db_new(const char *dir, const char *sql)
{
	char *path = xasprintf("%s/ntmd.db", dir);
	sqlite3 *db = db_open(path);

	free(path);
	ck_assert_int_eq(store_exec(db, sql), 0);
	return db;
}

char *
tmpdir_new(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = xasprintf("%s/ntmd-unit-XXXXXX", base && *base ? base : "/tmp");

	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp %s failed", dir);
	return dir;
}

void
tmpdir_remove(char *dir)
{
	DIR *dp;
	struct dirent *e;
	char *path;

	if (dir == NULL)
		return;
	if ((dp = opendir(dir)) != NULL) {
		while ((e = readdir(dp)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			path = xasprintf("%s/%s", dir, e->d_name);
			unlink(path);
			free(path);
		}
		closedir(dp);
	}
	rmdir(dir);
	free(dir);
}

char *
file_write(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "cannot create %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

int
diag_has(const struct diag *d, const char *file, int line, const char *text)
{
	char *prefix = line > 0 ? xasprintf("%s:%d: ", file, line) : xasprintf("%s: ", file);
	size_t i, n = strlen(prefix);
	int found = 0;

	for (i = 0; i < d->n && !found; i++)
		found = !strncmp(d->msgs[i], prefix, n) && strstr(d->msgs[i] + n, text) != NULL;
	free(prefix);
	return found;
}

char *
diag_join(const struct diag *d)
{
	struct buf b = { 0 };
	size_t i;

	buf_puts(&b, "");
	for (i = 0; i < d->n; i++)
		buf_printf(&b, "\n  %s", d->msgs[i]);
	return buf_steal(&b);
}

char *
ical_unfold(const char *text)
{
	char *u = xstrdup(text), *w = u;
	const char *r = text;

	while (*r) {
		if (!strncmp(r, "\r\n ", 3))
			r += 3;
		else
			*w++ = *r++;
	}
	*w = '\0';
	return u;
}

int
count(const char *haystack, const char *needle)
{
	int n = 0;

	while ((haystack = strstr(haystack, needle)) != NULL) {
		n++;
		haystack += strlen(needle);
	}
	return n;
}

sqlite3_int64
db_value(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = store_prepare(db, sql);
	sqlite3_int64 v;

	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}
