/* What ntmd.conf and the plan files share in reading libconfig. */
#include <stdio.h>
#include <string.h>

#include "confutil.h"
#include "text.h"

#define KEY_MAX 40	/* the longest key compared for a suggestion */

/* What libconfig passes over without a word, or calls a syntax error: a byte order
 * mark or UTF-16 (Notepad's "Unicode"), a NUL byte, which ends its input where it
 * stands, and an escaped NUL ("\x00"), which ends a string there and drops the rest of
 * it unseen. 0, or -1 with the first one reported at its line.
 * Also the first string that runs past the end of its line: *open_line, where it
 * opens, and *open_end, where the line ends (0 if none). libconfig reads such a string
 * on to the next quote and reports a syntax error there, often far below the missing
 * '"'. Comments are skipped. */
static int
scan_bytes(const char *path, struct diag *d, int *open_line, int *open_end)
{
	FILE *f = fopen(path, "re");
	unsigned char head[3] = { 0 };
	int c, prev = 0, line = 1, in_string = 0, comment = 0, rc = 0, opened = 0;
	long width = 0;
	char esc[3];
	size_t n;

	*open_line = *open_end = 0;
	if (f == NULL)
		return 0;	/* libconfig says so */
	n = fread(head, 1, sizeof(head), f);
	if ((n >= 2 && ((head[0] == 0xff && head[1] == 0xfe) || (head[0] == 0xfe &&
	    head[1] == 0xff))) || (n >= 2 && (head[0] == 0 || head[1] == 0))) {
		diag_error(d, path, 1, "the file is UTF-16 (\"Unicode\"), not UTF-8: save it "
		    "as UTF-8");
		fclose(f);
		return -1;
	}
	if (n == 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf) {
		diag_error(d, path, 1, "the file begins with a byte order mark (BOM): save it "
		    "as UTF-8 without BOM");
		fclose(f);
		return -1;
	}
	rewind(f);
	while (rc == 0 && (c = getc(f)) != EOF) {
		/* libconfig takes time that grows with the square of a line's length */
		if (c != '\n' && ++width > CONFUTIL_LINE_MAX) {
			diag_error(d, path, line, "a line longer than %d bytes", CONFUTIL_LINE_MAX);
			rc = -1;
		} else if (c == '\0') {
			diag_error(d, path, line, "a NUL byte: this is not a text file (save it "
			    "as UTF-8 text)");
			rc = -1;
		} else if (c == '\n') {
			if (in_string && *open_line == 0)
				*open_line = opened, *open_end = line;
			line++;
			width = 0;
			if (comment == 1)
				comment = 0;
		} else if (comment == 2) {
			if (prev == '*' && c == '/')
				comment = 0, c = 0;
		} else if (comment == 0 && in_string) {
			if (c == '\\') {
				esc[0] = (char)getc(f);
				if (esc[0] == 'x' && fread(esc + 1, 1, 2, f) == 2 && esc[1] == '0' &&
				    esc[2] == '0') {
					diag_error(d, path, line, "\"\\x00\" in a string: libconfig "
					    "would end the text there");
					rc = -1;
				} else if (esc[0] == '\n')
					line++, width = 0;
				c = 0;
			} else if (c == '"')
				in_string = 0;
		} else if (comment == 0) {
			if (c == '"')
				in_string = 1, opened = line;
			else if (c == '#' || (prev == '/' && c == '/'))
				comment = 1;
			else if (prev == '/' && c == '*')
				comment = 2, c = 0;
		}
		prev = c;
	}
	fclose(f);
	return rc;
}

int
confutil_read(config_t *cf, const char *path, struct diag *d)
{
	const char *why;
	int open_line, open_end;

	config_init(cf);
	if (scan_bytes(path, d, &open_line, &open_end) < 0)
		return -1;
	if (config_read_file(cf, path))
		return 0;
	if (config_error_type(cf) == CONFIG_ERR_FILE_IO) {
		diag_error(d, path, 0, "cannot read the file");
		return -1;
	}
	why = config_error_text(cf);
	if (open_line > 0 && open_end < config_error_line(cf))
		diag_error(d, path, open_line, "a string is not closed on its line (a missing "
		    "'\"'?); libconfig read on to line %d", config_error_line(cf));
	else if (why != NULL && !strcmp(why, "memory exhausted"))	/* bison's stack */
		diag_error(d, config_error_file(cf) ? config_error_file(cf) : path,
		    config_error_line(cf), "groups or lists nested too deep");
	else
		diag_error(d, config_error_file(cf) ? config_error_file(cf) : path,
		    config_error_line(cf), "%s", why ? why : "syntax error");
	return -1;
}

int
confutil_line(const config_setting_t *s)
{
	return s ? config_setting_source_line(s) : 0;
}

char *
confutil_text(const char *file, const config_setting_t *g, const char *name, int required,
    struct diag *d)
{
	config_setting_t *s = config_setting_get_member(g, name);
	const char *v;

	if (s == NULL) {
		if (required)
			diag_error(d, file, confutil_line(g), "missing \"%s\"", name);
		return NULL;
	}
	if ((v = config_setting_get_string(s)) == NULL || !text_valid_utf8(v)) {
		diag_error(d, file, confutil_line(s), "\"%s\" must be a UTF-8 string", name);
		return NULL;
	}
	if (strlen(v) > CONFUTIL_TEXT_MAX) {
		diag_error(d, file, confutil_line(s), "\"%s\" is longer than %d bytes", name,
		    CONFUTIL_TEXT_MAX);
		return NULL;
	}
	return text_nfc(v);
}

/* The optimal string alignment distance of a and b (edits, adjacent swaps counting
 * one), or more than max once it is sure to be; ASCII keys only. */
static size_t
distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best, d[KEY_MAX + 1][KEY_MAX + 1];

	if (la > KEY_MAX || lb > KEY_MAX || (la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *
confutil_nearest(const char *key, const char *const *known)
{
	const char *best = NULL;
	size_t i, d, bestd, max = strlen(key) <= 4 ? 1 : 2;

	bestd = max + 1;
	for (i = 0; known[i]; i++)
		if ((d = distance(key, known[i], max)) < bestd) {
			bestd = d;
			best = known[i];
		}
	return best;
}

int
confutil_known(const char *file, const config_setting_t *g, const char *where,
    const char *const *known, struct diag *d)
{
	const config_setting_t *s;
	const char *name, *near;
	int i, k, unknown = 0;

	if (g == NULL || !config_setting_is_group(g))
		return 0;
	for (i = 0; (s = config_setting_get_elem(g, (unsigned int)i)) != NULL; i++) {
		if ((name = config_setting_name(s)) == NULL)
			continue;
		for (k = 0; known[k] && strcmp(known[k], name); k++)
			;
		if (known[k])
			continue;
		unknown++;
		near = confutil_nearest(name, known);
		if (near)
			diag_error(d, file, confutil_line(s), "unknown setting \"%s\"%s%s (did you "
			    "mean \"%s\"?)", name, where ? " in " : "", where ? where : "", near);
		else
			diag_error(d, file, confutil_line(s), "unknown setting \"%s\"%s%s", name,
			    where ? " in " : "", where ? where : "");
	}
	return unknown;
}
