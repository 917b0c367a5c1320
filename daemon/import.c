/*
 * A plan's task table as people have it, pasted from Word or saved from Excel, into a
 * plan file (calendars/README.md). TSV or CSV with RFC 4180 quoting, UTF-8 with or
 * without BOM, NFC or NFD; columns found by their header, page breaks undone. Pure:
 * the caller reads the table and writes the result.
 *
 * Three passes: the bytes (UTF-8, control characters), the rows (header, sections,
 * tasks, continued cells), then the cells (units, times). Output is written only when
 * no pass found an error, so that what is written loads with plan_load() as it is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "import.h"
#include "plan.h"
#include "text.h"
#include "when.h"

#define MAX_INPUT	(64u << 20)	/* bytes of the whole table */
#define MAX_CELL	4096		/* bytes of one cell, also after a page-break rejoin */
#define MAX_ROWS	100000
#define MAX_CELLS	64		/* cells of one row */
#define MAX_ERRORS	100
#define MAX_RUN		8		/* comma-joined pieces one unit name may span */
#define MAX_SLUG	48
#define HEADER_SEARCH	30		/* title rows the header may come after */
#define QUOTE_MAX	60		/* characters of offending text in a message */
#define AMBIGUOUS	(-2L)

enum col { C_TT, C_CONTENT, C_DIRECT, C_LEAD, C_SUPPORT, C_WHEN, NCOLS,
    C_NONE = -1, C_UNNAMED = -2 };

static const char *col_names[NCOLS] = { "TT", "Nội dung công việc", "Chỉ đạo",
    "Cơ quan thực hiện", "Cơ quan phối hợp", "Thời gian" };

/* Header names as text_fold_ascii() gives them. */
static const struct {
	const char	*name;
	enum col	 col;
} header_names[] = {
	{ "tt", C_TT }, { "stt", C_TT }, { "so tt", C_TT }, { "so thu tu", C_TT },
	{ "noi dung cong viec", C_CONTENT }, { "noi dung", C_CONTENT },
	{ "noi dung nhiem vu", C_CONTENT }, { "nhiem vu", C_CONTENT },
	{ "noi dung thuc hien", C_CONTENT }, { "cong viec", C_CONTENT },
	{ "chi dao", C_DIRECT }, { "chi dao thuc hien", C_DIRECT }, { "cap chi dao", C_DIRECT },
	{ "co quan thuc hien", C_LEAD }, { "co quan chu tri", C_LEAD },
	{ "don vi thuc hien", C_LEAD }, { "don vi chu tri", C_LEAD }, { "chu tri", C_LEAD },
	{ "co quan chu tri thuc hien", C_LEAD }, { "don vi chu tri thuc hien", C_LEAD },
	{ "co quan phoi hop", C_SUPPORT }, { "don vi phoi hop", C_SUPPORT },
	{ "phoi hop", C_SUPPORT }, { "co quan, don vi phoi hop", C_SUPPORT },
	{ "thoi gian", C_WHEN }, { "thoi gian thuc hien", C_WHEN },
	{ "thoi gian hoan thanh", C_WHEN }, { "thoi han", C_WHEN },
	{ "thoi han hoan thanh", C_WHEN }, { "tien do", C_WHEN }, { "tien do thuc hien", C_WHEN },
};

/* The tokenizer's position; the column is counted lazily, in characters. */
struct reader {
	const char	*p, *end;
	char		 delim;
	int		 line;
	const char	*cpos;
	int		 ccol;
};

struct cell {
	size_t	 off, len;
	int	 line, col, too_long;
};

struct record {
	struct cell	 c[MAX_CELLS];
	size_t		 n;		/* cells in the row; those past MAX_CELLS not kept */
	struct buf	 text;		/* the kept cells' bytes, each ended by '\0' */
	int		 line;
};

struct field {
	char	*text;			/* cleaned and NFC; "" when empty */
	int	 line, col;		/* 0 when the row has no such cell */
};

struct refs {
	char	**text;			/* as the table writes them */
	size_t	 *unit;			/* into ctx.units */
	size_t	  n;
};

/* A section or task row, after page-break rejoins. */
struct trow {
	struct field	 f[NCOLS];
	int		 section;	/* a Roman-numbered heading */
	size_t		 sec;		/* a task's section, an index into rows */
	int		 line, joined;	/* joined: line of the last continuation, or 0 */
	char		*id;
	struct refs	 refs[NROLES];
	char		*when;		/* empty: no time given */
	int		 report;	/* "Báo cáo …" under the reporting regime */
};

/* A unit of the output: a known one (copied) or one the table names first. */
struct ounit {
	long	  known;		/* index into o->units, or -1 */
	char	 *code, *name, *kind, *parent;
	char	**aliases, **emails;
	size_t	  naliases, nknown_aliases, nemails;
	long	  up;			/* the parent's index, -1 if none, AMBIGUOUS, or -3 */
	int	  line, used, chained, bad;
};

struct ctx {
	const char		 *file;
	const struct import_opts *o;
	struct diag		 *d;
	int			  nerr, stop;
	char			  qbuf[2][4 * QUOTE_MAX + 8];
	int			  qi;
	int			  colof[NCOLS];
	int			 *head_role;	/* per header cell: its column or C_NONE */
	size_t			  nhead;
	int			  head_line, unnamed_warned;
	struct trow		 *rows;
	size_t			  nrows, caprows;
	struct ounit		 *units;
	size_t			  nunits, capunits, nknown, nnew;
	struct text_map		  strict, loose, first, codes, ids;
	int			  max_run;
};

/* ---- small helpers ---- */

/* key names unit u: a second unit under the same key makes it ambiguous. */
static void
map_name(struct text_map *m, const char *key, long u)
{
	long v = text_map_get(m, key);

	if (v < 0)
		text_map_set(m, key, u);
	else if (v != u)
		text_map_set(m, key, AMBIGUOUS);
}

static char *
dupn(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* UTF-8 without control characters: what the plan file holds without \x escapes. */
static int
plain_text(const char *s)
{
	const char *p;

	for (p = s; *p && (unsigned char)*p >= 0x20; p++)
		;
	return *p == '\0' && text_valid_utf8(s);
}

static const char *
code_of(const struct ounit *u)
{
	return u->code ? u->code : "?";
}

/* White space in a cell; \v is Word's manual line break, \f a page break. */
static int
is_space(const char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
		return 1;
	return !strncmp(s, "\xc2\xa0", 2) ? 2 : 0;
}

static int
blank(const char *s)
{
	int n;

	while ((n = is_space(s)) > 0)
		s += n;
	return *s == '\0';
}

/* Offending text for a message: at most QUOTE_MAX characters, control characters as
 * spaces. Two buffers, so that one message may quote twice. */
static const char *
q(struct ctx *x, const char *s)
{
	char *out = x->qbuf[x->qi ^= 1], *w = out;
	int n = 0;

	for (; *s && n < QUOTE_MAX && w - out < 4 * QUOTE_MAX; s++) {
		*w++ = (unsigned char)*s < 0x20 ? ' ' : *s;
		n += ((unsigned char)s[1] & 0xc0) != 0x80;
	}
	if (*s) {
		memcpy(w, "…", strlen("…"));
		w += strlen("…");
	}
	*w = '\0';
	return out;
}

static void __attribute__((format(printf, 4, 5)))
err_at(struct ctx *x, int line, int col, const char *fmt, ...)
{
	va_list ap;
	char *msg, *where;

	if (x->stop)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (col > 0 && line > 0) {
		where = xasprintf("%s:%d", x->file, line);
		diag_error(x->d, where, col, "%s", msg ? msg : "out of memory");
		free(where);
	} else
		diag_error(x->d, x->file, line, "%s", msg ? msg : "out of memory");
	free(msg);
	if (++x->nerr >= MAX_ERRORS) {
		diag_error(x->d, x->file, 0, "too many errors; the rest of the table is not "
		    "checked");
		x->stop = 1;
	}
}

/* ---- pass 1: the bytes ---- */

/* A character that plan_load() refuses in a title or a name: a C1 control, a line
 * separator, a bidirectional control (text that shows other than it reads). */
static void
check_char(struct ctx *x, int line, int col, const char *p, size_t n)
{
	char one[8];
	const char *why;
	long cp;
	size_t i;

	memcpy(one, p, n);
	one[n] = '\0';
	if ((why = text_line_problem(one)) == NULL)
		return;
	cp = (unsigned char)*p & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	for (i = 1; i < n; i++)
		cp = cp << 6 | ((unsigned char)p[i] & 0x3f);
	err_at(x, line, col, "%s U+%04lX", why + (strncmp(why, "a ", 2) ? 0 : 2), cp);
}

/* Every byte sequence that is not UTF-8, and every control character but white space,
 * reported with its line and column. */
static void
check_bytes(struct ctx *x, const char *p, const char *end)
{
	int line = 1, col = 1;
	size_t n;

	while (p < end && !x->stop) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n' || c == '\r') {
			p += (c == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
			line++, col = 1;
			continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\v' && c != '\f') || c == 0x7f)
			err_at(x, line, col, "control character U+%04X (is this a text file?)", c);
		if ((n = text_utf8_charlen(p, (size_t)(end - p))) == 0) {
			err_at(x, line, col, "invalid UTF-8 (byte 0x%02X); save the table as "
			    "UTF-8 text", c);
			n = 1;
		} else if (n > 1)
			check_char(x, line, col, p, n);
		p += n, col++;
	}
}

/* ---- pass 2: the rows ---- */

static size_t
newline_at(const struct reader *r, const char *p)
{
	if (p >= r->end)
		return 0;
	if (*p == '\r')
		return p + 1 < r->end && p[1] == '\n' ? 2 : 1;
	return *p == '\n';
}

static void
next_line(struct reader *r, size_t nl)
{
	r->p += nl;
	r->line++;
	r->cpos = r->p;
	r->ccol = 1;
}

static int
column(struct reader *r)
{
	for (; r->cpos < r->p; r->cpos++)
		if (((unsigned char)*r->cpos & 0xc0) != 0x80)
			r->ccol++;
	return r->ccol;
}

static void
put(struct record *rec, struct cell *c, const char *p, size_t n)
{
	if (c->len + n > MAX_CELL) {
		/* keep what fits, for the message to quote its beginning */
		buf_append(&rec->text, p, MAX_CELL - c->len);
		c->len = MAX_CELL;
		c->too_long = 1;
		return;
	}
	buf_append(&rec->text, p, n);
	c->len += n;
}

static void
read_plain(struct reader *r, struct record *rec, struct cell *c)
{
	const char *s = r->p;

	while (r->p < r->end && *r->p != r->delim && *r->p != '\n' && *r->p != '\r')
		r->p++;
	put(rec, c, s, (size_t)(r->p - s));
}

/* RFC 4180: "…" with "" for a quote and line ends inside; r is left after the closing
 * quote. 0, or -1 if the quote does not end within MAX_CELL bytes. */
static int
read_quoted(struct reader *r, struct record *rec, struct cell *c)
{
	const char *s;
	size_t nl;

	for (r->p++;;) {
		if (r->p >= r->end || c->too_long)
			return -1;
		if (*r->p == '"') {
			if (r->p + 1 < r->end && r->p[1] == '"') {
				put(rec, c, "\"", 1);
				r->p += 2;
				continue;
			}
			r->p++;
			break;
		}
		if ((nl = newline_at(r, r->p)) > 0) {
			put(rec, c, "\n", 1);
			next_line(r, nl);
			continue;
		}
		for (s = r->p; r->p < r->end && *r->p != '"' && !newline_at(r, r->p); r->p++)
			;
		put(rec, c, s, (size_t)(r->p - s));
	}
	return 0;
}

/* One cell. Word pastes text that merely starts with '"' as it is, so in TSV a quote
 * that does not end, or is followed by more text, is plain text. In CSV such text is
 * kept after the quoted part, as Excel does; a quote that does not end is an error. */
static int
read_cell(struct reader *r, struct record *rec)
{
	struct cell c = { rec->text.len, 0, r->line, column(r), 0 };
	struct reader save = *r;
	int rc;

	if (r->p < r->end && *r->p == '"') {
		rc = read_quoted(r, rec, &c);
		if (rc < 0 && r->delim != '\t') {
			rec->c[rec->n < MAX_CELLS ? rec->n : 0] = c;
			return -1;
		}
		if (r->delim == '\t' && (rc < 0 || (r->p < r->end && *r->p != '\t' &&
		    !newline_at(r, r->p)))) {
			*r = save;
			rec->text.len = c.off;
			c.len = 0, c.too_long = 0;
		}
	}
	read_plain(r, rec, &c);
	buf_append(&rec->text, "", 1);
	if (rec->n < MAX_CELLS)
		rec->c[rec->n] = c;
	rec->n++;
	return 0;
}

/* One row: 1, 0 at the end of the data, -1 on a quote that never ends. */
static int
read_record(struct reader *r, struct record *rec)
{
	size_t nl;

	rec->n = 0;
	rec->text.len = 0;
	rec->line = r->line;
	if (r->p >= r->end)
		return 0;
	for (;;) {
		if (read_cell(r, rec) < 0)
			return -1;
		if (r->p >= r->end)
			return 1;
		if (*r->p == r->delim) {
			r->p++;
			continue;
		}
		if ((nl = newline_at(r, r->p)) > 0)
			next_line(r, nl);
		return 1;
	}
}

static const char *
cell_text(const struct record *rec, int i)
{
	if (i < 0 || (size_t)i >= rec->n || i >= MAX_CELLS)
		return "";
	return rec->text.s + rec->c[i].off;
}

static int
record_blank(const struct record *rec)
{
	size_t i;

	for (i = 0; i < rec->n && i < MAX_CELLS; i++)
		if (!blank(cell_text(rec, (int)i)))
			return 0;
	return 1;
}

/* Trimmed, each line break (with the spaces about it) one space, each tab a space, NFC;
 * allocated. Without tabs the plan file needs no escape that a combining mark after it
 * could compose with ("\\t" + U+0323 would read as "\\ṭ" in NFC). */
static char *
clean(const char *s)
{
	struct buf b = { 0 };
	char *nfc;
	int n;

	while ((n = is_space(s)) > 0)
		s += n;
	buf_puts(&b, "");
	while (*s) {
		if (*s == '\n' || *s == '\r' || *s == '\v' || *s == '\f') {
			while (b.len > 0 && (b.s[b.len - 1] == ' ' || b.s[b.len - 1] == '\t'))
				b.len--;
			while ((n = is_space(s)) > 0)
				s += n;
			buf_append(&b, " ", 1);
			continue;
		}
		buf_append(&b, *s == '\t' ? " " : s, 1);
		s++;
	}
	for (;;) {
		if (b.len > 0 && (b.s[b.len - 1] == ' ' || b.s[b.len - 1] == '\t'))
			b.len--;
		else if (b.len > 1 && !memcmp(b.s + b.len - 2, "\xc2\xa0", 2))
			b.len -= 2;
		else
			break;
	}
	b.s[b.len] = '\0';
	nfc = text_nfc(b.s);
	buf_free(&b);
	return nfc ? nfc : xstrdup("");
}

/* The column a header cell names, or C_NONE. "(…)" after the name is ignored. */
static enum col
header_col(const char *cell)
{
	char *f, *paren, one[81];
	enum col c = C_NONE;
	size_t i, n;

	if (strlen(cell) > 80)
		return C_NONE;
	strcpy(one, cell);
	for (paren = one; *paren; paren++)
		if (*paren == '\v' || *paren == '\f')
			*paren = ' ';
	if ((f = text_fold_ascii(one)) == NULL)
		return C_NONE;
	if ((paren = strchr(f, '(')) != NULL)
		*paren = '\0';
	n = strlen(f);
	while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == ':' || f[n - 1] == '.'))
		f[--n] = '\0';
	for (i = 0; i < sizeof(header_names) / sizeof(*header_names); i++)
		if (!strcmp(f, header_names[i].name))
			c = header_names[i].col;
	free(f);
	return c;
}

/* How many different columns rec names as a header would. */
static int
header_score(const struct record *rec)
{
	int seen[NCOLS] = { 0 }, n = 0;
	size_t i;
	enum col c;

	for (i = 0; i < rec->n && i < MAX_CELLS; i++)
		if ((c = header_col(cell_text(rec, (int)i))) != C_NONE && !seen[c]++)
			n++;
	return n;
}

/* Find the header row (after at most HEADER_SEARCH title rows), trying tab, comma and
 * semicolon as the delimiter; r is left after it, *first is the first title row. */
static int
find_header(struct reader *r, struct record *rec, int *first)
{
	static const char delims[] = "\t,;";
	struct reader start = *r;
	int i, k, rc;

	for (i = 0; delims[i]; i++) {
		*r = start;
		r->delim = delims[i];
		for (k = 0, *first = 0; k < HEADER_SEARCH; ) {
			if ((rc = read_record(r, rec)) <= 0)
				break;
			if (record_blank(rec))
				continue;
			if (header_score(rec) >= 2)
				return k;
			if (k++ == 0)
				*first = rec->line;
		}
	}
	*r = start;
	return -1;
}

static void
read_header(struct ctx *x, const struct record *rec)
{
	size_t i;
	enum col c;

	x->head_line = rec->line;
	x->nhead = rec->n < MAX_CELLS ? rec->n : MAX_CELLS;
	x->head_role = xcalloc(x->nhead, sizeof(int));
	for (i = 0; i < NCOLS; i++)
		x->colof[i] = -1;
	for (i = 0; i < x->nhead; i++) {
		const char *s = cell_text(rec, (int)i);

		x->head_role[i] = c = header_col(s);
		if (c == C_NONE && blank(s))
			x->head_role[i] = C_UNNAMED;
		else if (c != C_NONE && x->colof[c] >= 0) {
			err_at(x, rec->line, rec->c[i].col, "column \"%s\" comes twice (as \"%s\" "
			    "and \"%s\")", col_names[c], q(x, cell_text(rec, x->colof[c])), s);
			x->head_role[i] = C_NONE;
		} else if (c != C_NONE)
			x->colof[c] = (int)i;
		else if (!blank(s))
			diag_warning(x->d, x->file, rec->line, "column \"%s\" is not read", q(x, s));
	}
	for (c = 0; c < NCOLS; c++)
		if (x->colof[c] < 0 && (c == C_TT || c == C_CONTENT || c == C_WHEN))
			err_at(x, rec->line, 0, "the header has no column \"%s\"", col_names[c]);
}

/* The header again, as Word repeats it at the top of every page. */
static int
header_repeat(const struct ctx *x, const struct record *rec)
{
	size_t i;
	int named = 0;

	if (blank(cell_text(rec, x->colof[C_TT])) ||
	    header_col(cell_text(rec, x->colof[C_TT])) != C_TT)
		return 0;
	for (i = 0; i < rec->n && i < MAX_CELLS; i++) {
		const char *s = cell_text(rec, (int)i);
		int want = i < x->nhead ? x->head_role[i] : C_NONE;

		if (blank(s))
			continue;
		if (want < 0 || (int)header_col(s) != want)
			return 0;
		named++;
	}
	return named >= 2;
}

/* "1 2 3 4 5 6" or "(1) (2) …" under the header: column numbers, not a task. */
static int
column_numbers(const struct record *rec)
{
	size_t i;
	int n = 0;
	char want[16];

	for (i = 0; i < rec->n && i < MAX_CELLS; i++) {
		char *s = clean(cell_text(rec, (int)i));
		int ok = *s == '\0';

		if (!ok) {
			snprintf(want, sizeof(want), "%zu", i + 1);
			ok = !strcmp(s, want);
			snprintf(want, sizeof(want), "(%zu)", i + 1);
			ok = ok || !strcmp(s, want);
			n += ok;
		}
		free(s);
		if (!ok)
			return 0;
	}
	return n >= 3;
}

static int
roman_digit(char c)
{
	switch (c) {
	case 'I': return 1;
	case 'V': return 5;
	case 'X': return 10;
	case 'L': return 50;
	case 'C': return 100;
	case 'D': return 500;
	case 'M': return 1000;
	default: return 0;
	}
}

/* Value of an upper-case Roman numeral in its canonical form ("IV", not "IIII"), or 0. */
static int
roman(const char *s)
{
	static const struct {
		const char	*r;
		int		 v;
	} t[] = { { "M", 1000 }, { "CM", 900 }, { "D", 500 }, { "CD", 400 }, { "C", 100 },
	    { "XC", 90 }, { "L", 50 }, { "XL", 40 }, { "X", 10 }, { "IX", 9 }, { "V", 5 },
	    { "IV", 4 }, { "I", 1 } };
	char canon[64] = "";
	int v = 0, k, d, i;
	size_t n = strlen(s);

	if (n == 0 || n > 15)
		return 0;
	for (i = 0; s[i]; i++) {
		if ((d = roman_digit(s[i])) == 0)
			return 0;
		v += d < roman_digit(s[i + 1]) ? -d : d;
	}
	if (v <= 0 || v > 3999)
		return 0;
	for (k = v, i = 0; i < 13; i++)
		for (; k >= t[i].v; k -= t[i].v)
			strcat(canon, t[i].r);
	return strcmp(canon, s) ? 0 : v;
}

static struct trow *
new_row(struct ctx *x, const struct record *rec)
{
	struct trow *t;
	int c;

	if (x->nrows == x->caprows) {
		x->caprows = x->caprows ? x->caprows * 2 : 64;
		x->rows = xrealloc(x->rows, x->caprows * sizeof(*x->rows));
	}
	t = &x->rows[x->nrows++];
	memset(t, 0, sizeof(*t));
	t->line = rec->line;
	for (c = 0; c < NCOLS; c++) {
		int i = x->colof[c];

		t->f[c].text = clean(cell_text(rec, i));
		if (i >= 0 && (size_t)i < rec->n && i < MAX_CELLS) {
			t->f[c].line = rec->c[i].line;
			t->f[c].col = rec->c[i].col;
		}
	}
	return t;
}

/* A page break split the previous row: its non-empty cells go on, after one space. */
static void
continue_row(struct ctx *x, struct trow *t, const struct record *rec)
{
	int c, i;
	char *s, *j;

	for (c = 0; c < NCOLS; c++) {
		if ((i = x->colof[c]) < 0 || blank(s = (char *)cell_text(rec, i)))
			continue;
		s = clean(s);
		if (*t->f[c].text == '\0') {
			free(t->f[c].text);
			t->f[c].text = s;
			t->f[c].line = rec->c[i].line;
			t->f[c].col = rec->c[i].col;
		} else {
			j = xasprintf("%s %s", t->f[c].text, s);
			free(t->f[c].text);
			free(s);
			t->f[c].text = j;
			if (strlen(j) > MAX_CELL)
				err_at(x, rec->c[i].line, rec->c[i].col, "cell \"%s\" is longer than "
				    "%d bytes with the row it continues", q(x, j), MAX_CELL);
		}
	}
	t->joined = rec->line;
}

/* Cells of rec that cannot be read: too long, or past the header. */
static void
bad_cells(struct ctx *x, const struct record *rec)
{
	size_t i;

	if (rec->n > MAX_CELLS) {
		err_at(x, rec->line, 0, "row has %zu cells, more than %d", rec->n, MAX_CELLS);
		return;
	}
	for (i = 0; i < rec->n; i++) {
		const struct cell *c = &rec->c[i];
		const char *s = cell_text(rec, (int)i);

		if (c->too_long) {
			err_at(x, c->line, c->col, "cell \"%s\" is longer than %d bytes", q(x, s),
			    MAX_CELL);
		} else if (i >= x->nhead && !blank(s)) {
			err_at(x, c->line, c->col, "row has %zu cells, the header %zu: \"%s\"",
			    rec->n, x->nhead, q(x, s));
		} else if (i < x->nhead && x->head_role[i] == C_UNNAMED && !blank(s) &&
		    !x->unnamed_warned) {
			x->unnamed_warned = 1;
			diag_warning(x->d, x->file, c->line, "column %zu has no header: its cells "
			    "are not read (\"%s\")", i + 1, q(x, s));
		}
	}
}

static void
add_row(struct ctx *x, const struct record *rec, struct trow **last, size_t *sec)
{
	char *tt = clean(cell_text(rec, x->colof[C_TT]));
	size_t n = strlen(tt);
	struct trow *t;

	if (n > 1 && tt[n - 1] == '.')
		tt[n - 1] = '\0';
	if (*tt == '\0') {
		if (*last != NULL)
			continue_row(x, *last, rec);
		else
			err_at(x, rec->line, 0, "row with an empty TT continues no row above it");
		free(tt);
		return;
	}
	if (roman(tt) > 0) {
		t = new_row(x, rec);
		t->section = 1;
		*sec = x->nrows - 1;
	} else if (*sec == (size_t)-1) {
		err_at(x, rec->line, rec->c[x->colof[C_TT]].col, "task \"%s\" comes before any "
		    "section (a row whose TT is I, II, …)", q(x, tt));
		free(tt);
		return;
	} else {
		t = new_row(x, rec);
		t->sec = *sec;
	}
	t->id = tt;
	*last = t;
}

/* Header, then every row: sections, tasks, page-break repeats and continuations. */
static void
read_rows(struct ctx *x, const char *data, size_t len)
{
	struct reader r = { data, data + len, '\t', 1, data, 1 };
	struct record rec = { .n = 0 };
	struct trow *last = NULL;
	size_t sec = (size_t)-1, nrec = 0;
	int after_header = 1, rc, skipped, first;

	if ((skipped = find_header(&r, &rec, &first)) < 0) {
		r.delim = '\t';
		while ((rc = read_record(&r, &rec)) > 0 && record_blank(&rec))
			;
		if (rc <= 0)
			err_at(x, 0, 0, "empty table: no rows");
		else
			err_at(x, rec.line, 0, "no header row: want columns \"TT\", \"Nội dung "
			    "công việc\" and \"Thời gian\" (also \"Chỉ đạo\", \"Cơ quan thực hiện\", "
			    "\"Cơ quan phối hợp\"), found \"%s\"", q(x, cell_text(&rec, 0)));
		buf_free(&rec.text);
		return;
	}
	read_header(x, &rec);
	if (skipped > 0)
		diag_warning(x->d, x->file, first, "%d row%s above the header row %s not read "
		    "(a title?)", skipped, skipped > 1 ? "s" : "", skipped > 1 ? "are" : "is");
	while (!x->stop && (rc = read_record(&r, &rec)) != 0) {
		if (rc < 0) {
			err_at(x, rec.line, rec.c[rec.n < MAX_CELLS ? rec.n : 0].col, "quoted cell "
			    "never ends (or is longer than %d bytes)", MAX_CELL);
			break;
		}
		if (record_blank(&rec))
			continue;
		if (++nrec > MAX_ROWS) {
			err_at(x, rec.line, 0, "more than %d rows", MAX_ROWS);
			break;
		}
		if (header_repeat(x, &rec) || (after_header && column_numbers(&rec))) {
			after_header = 1;
			continue;
		}
		after_header = 0;
		bad_cells(x, &rec);	/* reported; the row is still read, for later checks */
		add_row(x, &rec, &last, &sec);
	}
	if (x->nerr == 0 && x->nrows == 0)
		err_at(x, x->head_line, 0, "empty table: no rows under the header");
	buf_free(&rec.text);
}

/* ---- pass 3: units ---- */

static struct ounit *
new_unit(struct ctx *x)
{
	struct ounit *u;

	if (x->nunits == x->capunits) {
		x->capunits = x->capunits ? x->capunits * 2 : 16;
		x->units = xrealloc(x->units, x->capunits * sizeof(*u));
	}
	u = &x->units[x->nunits++];
	memset(u, 0, sizeof(*u));
	u->known = -1;
	u->up = -1;
	return u;
}

static void
push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = s;
}

/* NFC copy of s; NULL (and *bad set) if s is not UTF-8 or holds a control character. */
static char *
nfc(const char *s, int *bad)
{
	if (s == NULL)
		return NULL;
	if (!plain_text(s)) {
		*bad = 1;
		return NULL;
	}
	return text_nfc(s);
}

/* name stands for unit k: under its strict key and its loose key, and the loose key's
 * first comma-joined piece remembers how many pieces such names have. */
static void
index_name(struct ctx *x, const char *name, long k)
{
	char *f, *sep, *p;
	long pieces = 1;

	if (name == NULL || (f = text_fold(name)) == NULL)
		return;
	map_name(&x->strict, f, k);
	text_tighten(f);
	map_name(&x->loose, f, k);
	if ((sep = strpbrk(f, ",;")) != NULL) {
		for (p = f; *p; p++)
			pieces += *p == ',' || *p == ';';
		*sep = '\0';
		if (pieces > text_map_get(&x->first, f))
			text_map_set(&x->first, f, pieces);
		if (pieces > x->max_run)
			x->max_run = (int)pieces;
	}
	free(f);
}

static void
load_units(struct ctx *x)
{
	const struct import_opts *o = x->o;
	size_t i, j;

	for (i = 0; i < o->nunits; i++) {
		const struct import_unit *k = &o->units[i];
		struct ounit *u = new_unit(x);

		u->known = (long)i;
		u->code = nfc(k->code, &u->bad);
		u->name = nfc(k->name, &u->bad);
		u->kind = nfc(k->kind, &u->bad);
		for (j = 0; j < k->naliases && k->aliases; j++)
			if (k->aliases[j])
				push(&u->aliases, &u->naliases, nfc(k->aliases[j], &u->bad));
		u->nknown_aliases = u->naliases;
		for (j = 0; j < k->nemails && k->emails; j++)
			if (k->emails[j])
				push(&u->emails, &u->nemails, nfc(k->emails[j], &u->bad));
		index_name(x, u->code, (long)i);
		index_name(x, u->name, (long)i);
		for (j = 0; j < u->naliases; j++)
			index_name(x, u->aliases[j], (long)i);
		if (u->code)
			text_map_set(&x->codes, u->code, (long)i);
	}
	x->nknown = x->nunits;
	for (i = 0; i < x->nknown; i++) {
		char *f = o->units[i].parent ? text_fold(o->units[i].parent) : NULL;

		if (o->units[i].parent)
			x->units[i].up = f ? text_map_get(&x->strict, f) : -3;
		if (x->units[i].up == -1 && o->units[i].parent)
			x->units[i].up = -3;
		free(f);
	}
}

/* Kinds by how names begin (text_fold), collectives first. */
static const char *
guess_kind(const char *name)
{
	static const struct {
		const char	*prefix, *kind;
	} t[] = {
		{ "các ", "group" }, { "thành viên ", "group" }, { "tv ", "group" },
		{ "văn phòng ", "office" }, { "vpđp", "office" }, { "vpdp", "office" },
		{ "phòng ", "department" },
		{ "ubnd xã ", "commune" }, { "ủy ban nhân dân xã ", "commune" },
		{ "uỷ ban nhân dân xã ", "commune" }, { "xã ", "commune" },
		{ "ban ", "board" }, { "bcđ", "board" }, { "bcd", "board" }, { "bql", "board" },
	};
	char *f = text_fold(name), *g;
	const char *kind = "organisation";
	size_t i;

	if (f == NULL)
		return kind;
	g = xasprintf(" %s ", f);
	for (i = 0; i < sizeof(t) / sizeof(*t) && !strcmp(kind, "organisation"); i++)
		if (!strncmp(g + 1, t[i].prefix, strlen(t[i].prefix)))
			kind = t[i].kind;
	if (strstr(g, " các ") != NULL)
		kind = "group";
	free(g);
	free(f);
	return kind;
}

/* A code for a new unit: its name's slug, made unique among codes and names. */
static char *
new_code(struct ctx *x, const char *name)
{
	char *base = text_slug(name, MAX_SLUG), *code;
	int n = 2;

	if (base == NULL || *base == '\0') {
		free(base);
		base = xstrdup("unit");
	}
	code = xstrdup(base);
	while (text_map_get(&x->codes, code) >= 0 || text_map_get(&x->strict, code) >= 0) {
		free(code);
		code = xasprintf("%s-%d", base, n++);
	}
	free(base);
	return code;
}

static long
add_new_unit(struct ctx *x, const char *text, const char *strict, const char *loose,
    const struct field *f)
{
	struct ounit *u = new_unit(x);
	long k = (long)(x->nunits - 1);

	u->name = xstrdup(text);
	u->kind = xstrdup(guess_kind(text));
	u->code = new_code(x, text);
	u->line = f->line;
	text_map_set(&x->codes, u->code, k);
	map_name(&x->strict, strict, k);
	map_name(&x->loose, loose, k);
	map_name(&x->strict, u->code, k);	/* a code folds to itself */
	map_name(&x->loose, u->code, k);
	x->nnew++;
	diag_warning(x->d, x->file, f->line, "new unit \"%s\" (no address)", q(x, text));
	return k;
}

/* Which units answer to key (for a message); allocated. */
static char *
who(struct ctx *x, const char *key, int tight)
{
	struct buf b = { 0 };
	size_t i, j;
	char *f;

	buf_puts(&b, "");
	for (i = 0; i < x->nunits; i++) {
		struct ounit *u = &x->units[i];
		int hit = 0;

		for (j = 0; j < 2 + u->naliases && !hit; j++) {
			const char *n = j == 0 ? u->code : j == 1 ? u->name : u->aliases[j - 2];

			if (n && (f = text_fold(n)) != NULL) {
				if (tight)
					text_tighten(f);
				hit = !strcmp(f, key);
				free(f);
			}
		}
		if (hit)
			buf_printf(&b, "%s\"%s\"", b.len ? " and " : "", q(x, code_of(u)));
	}
	return buf_steal(&b);
}

/* The unit text names: known under this spelling, known under another spacing (then
 * this spelling becomes an alias, so that the plan keeps it), or new. -1 if ambiguous. */
static long
resolve(struct ctx *x, const char *text, const char *strict, const char *loose,
    const struct field *f)
{
	long k = text_map_get(&x->strict, strict);
	char *names;

	if (k == -1)
		k = text_map_get(&x->loose, loose);
	if (k == AMBIGUOUS) {
		names = who(x, text_map_get(&x->strict, strict) == AMBIGUOUS ? strict : loose,
		    text_map_get(&x->strict, strict) != AMBIGUOUS);
		err_at(x, f->line, f->col, "\"%s\" names more than one unit (%s)", q(x, text),
		    names);
		free(names);
		return -1;
	}
	if (k == -1)
		return add_new_unit(x, text, strict, loose, f);
	if (text_map_get(&x->strict, strict) == -1) {
		push(&x->units[k].aliases, &x->units[k].naliases, xstrdup(text));
		text_map_set(&x->strict, strict, k);
	}
	return k;
}

static void
add_ref(struct refs *r, const char *text, long k)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->unit[i] == (size_t)k)
			return;		/* the same unit twice in one cell */
	r->text = xrealloc(r->text, (r->n + 1) * sizeof(char *));
	r->unit = xrealloc(r->unit, (r->n + 1) * sizeof(size_t));
	r->text[r->n] = xstrdup(text);
	r->unit[r->n++] = (size_t)k;
}

/* One piece of a cell between ',' and ';', trimmed, without a closing full stop. */
struct piece {
	size_t	 start, end;
	char	 sep;
	int	 dot;
	char	*strict, *loose;
};

static size_t
trim_end(const char *s, size_t a, size_t b)
{
	for (;;) {
		if (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
			b--;
		else if (b > a + 1 && !memcmp(s + b - 2, "\xc2\xa0", 2))
			b -= 2;
		else
			return b;
	}
}

static size_t
split(const char *s, struct piece **out)
{
	struct piece *v = NULL;
	size_t n = 0, i = 0, a, b;
	int sp;

	for (;;) {
		for (a = i; s[i] && s[i] != ',' && s[i] != ';'; i++)
			;
		b = i;
		while (a < b && (sp = is_space(s + a)) > 0)
			a += (size_t)sp;
		b = trim_end(s, a, b);
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n] = (struct piece){ a, b, s[i], 0, NULL, NULL };
		if (b > a + 1 && s[b - 1] == '.') {
			v[n].end = trim_end(s, a, b - 1);
			v[n].dot = 1;
		}
		n++;
		if (s[i] == '\0')
			break;
		i++;
	}
	*out = v;
	return n;
}

/* The loose key of pieces i..j-1 joined by their separators. */
static char *
run_key(const struct piece *p, size_t i, size_t j)
{
	struct buf b = { 0 };

	for (; i < j; i++) {
		buf_puts(&b, p[i].loose);
		if (i + 1 < j) {
			if (p[i].dot)
				buf_append(&b, ".", 1);
			buf_append(&b, &p[i].sep, 1);
		}
	}
	return buf_steal(&b);
}

/* The longest run of pieces from i that a known unit is called by ("Các phòng, ban,
 * ngành"); its length, or 1. */
static size_t
longest_run(struct ctx *x, const struct piece *p, size_t i, size_t n, long *unit)
{
	long most = text_map_get(&x->first, p[i].loose), k;
	size_t j;
	char *key;

	if (most < 2)
		return 1;
	for (j = i + (size_t)(most < MAX_RUN ? most : MAX_RUN); j > i + 1; j--) {
		if (j > n)
			continue;
		key = run_key(p, i, j);
		k = text_map_get(&x->loose, key);
		free(key);
		if (k >= 0) {
			*unit = k;
			return j - i;
		}
	}
	return 1;
}

static void
resolve_cell(struct ctx *x, struct refs *r, const struct field *f)
{
	struct piece *p;
	size_t n = split(f->text, &p), i, m;
	long k;
	char *text, *strict, *loose;

	for (i = 0; i < n; i++) {
		char *sub = dupn(f->text + p[i].start, p[i].end - p[i].start);

		p[i].strict = text_fold(sub);
		p[i].loose = xstrdup(p[i].strict ? p[i].strict : "");
		text_tighten(p[i].loose);
		free(sub);
	}
	for (i = 0; i < n; i += m) {
		m = 1;
		if (p[i].end == p[i].start || p[i].strict == NULL)
			continue;
		k = -1;
		m = longest_run(x, p, i, n, &k);
		text = dupn(f->text + p[i].start, p[i + m - 1].end - p[i].start);
		strict = m > 1 ? text_fold(text) : xstrdup(p[i].strict);
		loose = m > 1 ? run_key(p, i, i + m) : xstrdup(p[i].loose);
		if ((k = resolve(x, text, strict, loose, f)) >= 0)
			add_ref(r, text, k);
		free(text), free(strict), free(loose);
	}
	for (i = 0; i < n; i++)
		free(p[i].strict), free(p[i].loose);
	free(p);
}

/* A unit and the units above it go into the plan. */
static void
use_unit(struct ctx *x, long k)
{
	while (k >= 0 && !x->units[k].chained) {
		x->units[k].used = x->units[k].chained = 1;
		k = x->units[k].up;
	}
}

/* What plan_load() would refuse in a known unit the plan names. */
static void
check_known(struct ctx *x, const struct ounit *u)
{
	const struct import_unit *k = &x->o->units[u->known];
	const char *code = k->code ? k->code : "?";
	char *parent;
	size_t i;

	if (u->bad)
		err_at(x, 0, 0, "unit \"%s\": a name, alias or address is not UTF-8 "
		    "text (or holds a control character)", q(x, code));
	if (!plan_valid_code(u->code))
		err_at(x, 0, 0, "unit code \"%s\" may hold only a-z, 0-9 and '-'", q(x, code));
	if (u->name == NULL || *u->name == '\0')
		err_at(x, 0, 0, "unit \"%s\" has no name", q(x, code));
	if (u->kind == NULL || !plan_valid_unit_kind(u->kind))
		err_at(x, 0, 0, "unit \"%s\": kind \"%s\" is not one of department, commune, "
		    "board, office, organisation, group", q(x, code), u->kind ? u->kind : "");
	for (i = 0; i < u->nemails; i++)
		if (u->emails[i] && !plan_valid_email(u->emails[i]))
			err_at(x, 0, 0, "unit \"%s\": \"%s\" is not an email address", q(x, code),
			    q(x, u->emails[i]));
	if (u->up < -1) {
		parent = xstrdup(q(x, k->parent));
		err_at(x, 0, 0, "unit \"%s\": parent \"%s\" is %s", q(x, code), parent,
		    u->up == AMBIGUOUS ? "more than one unit" : "not a unit of the organisation");
		free(parent);
	}
}

/* No two units of the plan may answer to the same name, as plan_load() checks. */
static void
check_names(struct ctx *x)
{
	struct text_map m = { 0 };
	size_t i, j;
	long other;
	char *f;

	for (i = 0; i < x->nunits; i++) {
		struct ounit *u = &x->units[i];

		if (!u->used)
			continue;
		if (u->known >= 0)
			check_known(x, u);
		for (j = 0; j < 2 + u->naliases; j++) {
			const char *n = j == 0 ? u->code : j == 1 ? u->name : u->aliases[j - 2];

			if (n == NULL || (f = text_fold(n)) == NULL)
				continue;
			if ((other = text_map_get(&m, f)) >= 0 && other != (long)i)
				err_at(x, 0, 0, "units \"%s\" and \"%s\" are both called \"%s\"",
				    code_of(&x->units[other]), code_of(u), q(x, n));
			else
				text_map_set(&m, f, (long)i);
			free(f);
		}
	}
	text_map_free(&m);
}

/* ---- pass 3: sections and tasks ---- */

static int
starts_with_fold(const char *s, const char *prefix)
{
	char *f = text_fold(s);
	int yes = f && !strncmp(f, prefix, strlen(prefix));

	free(f);
	return yes;
}

static void
check_when(struct ctx *x, struct trow *t, const char *id)
{
	const struct field *f = &t->f[C_WHEN];
	struct when w;

	if (*f->text == '\0') {
		diag_warning(x->d, x->file, t->line, "task %s: no time given (\"Thời gian\" is "
		    "empty), so it is unscheduled", q(x, id));
		return;
	}
	if (x->o->year < 1900 || x->o->year > 2100)
		return;
	if (when_parse(f->text, x->o->year, date_from_ymd(x->o->year, 1, 1), &w) < 0)
		err_at(x, f->line, f->col, "task %s: cannot read the time \"%s\": %s", q(x, id),
		    q(x, f->text), w.error ? w.error : "not a time");
	else if (w.kind == WHEN_REGIME && starts_with_fold(t->f[C_CONTENT].text, "báo cáo"))
		t->report = 1;
	when_free(&w);
}

static void
check_section(struct ctx *x, struct trow *t)
{
	int c;

	if (*t->f[C_CONTENT].text == '\0')
		err_at(x, t->line, t->f[C_TT].col, "section %s has no title (\"%s\")", q(x, t->id),
		    col_names[C_CONTENT]);
	for (c = C_DIRECT; c < NCOLS; c++)
		if (*t->f[c].text != '\0')
			diag_warning(x->d, x->file, t->f[c].line, "section %s: \"%s\" of a section "
			    "row is not read: \"%s\"", q(x, t->id), col_names[c], t->f[c].text);
}

static void
check_task(struct ctx *x, struct trow *t)
{
	char *id = xasprintf("%s.%s", x->rows[t->sec].id, t->id);
	long first = text_map_get(&x->ids, id);
	int c;

	if (first >= 0)
		err_at(x, t->line, t->f[C_TT].col, "task %s is used twice (first at line %ld)",
		    q(x, id), first);
	else
		text_map_set(&x->ids, id, t->line);
	if (*t->f[C_CONTENT].text == '\0')
		err_at(x, t->line, t->f[C_TT].col, "task %s has no \"%s\"", q(x, id),
		    col_names[C_CONTENT]);
	for (c = C_DIRECT; c <= C_SUPPORT; c++)
		resolve_cell(x, &t->refs[c - C_DIRECT], &t->f[c]);
	check_when(x, t, id);
	free(id);
}

static void
check_rows(struct ctx *x)
{
	size_t i, j;
	int r;

	for (i = 0; i < x->nrows && !x->stop; i++) {
		if (x->rows[i].section)
			check_section(x, &x->rows[i]);
		else
			check_task(x, &x->rows[i]);
	}
	for (i = 0; i < x->nrows; i++)
		for (r = 0; r < 3; r++)
			for (j = 0; j < x->rows[i].refs[r].n; j++)
				use_unit(x, (long)x->rows[i].refs[r].unit[j]);
	check_names(x);
}

static void
check_opts(struct ctx *x)
{
	const struct import_opts *o = x->o;

	if (!plan_valid_code(o->plan_code))
		err_at(x, 0, 0, "plan code \"%s\" may hold only a-z, 0-9 and '-'",
		    o->plan_code ? q(x, o->plan_code) : "");
	if (!plan_valid_code(o->org_code))
		err_at(x, 0, 0, "organisation code \"%s\" may hold only a-z, 0-9 and '-'",
		    o->org_code ? q(x, o->org_code) : "");
	if (o->org_name == NULL || *o->org_name == '\0' || !plain_text(o->org_name))
		err_at(x, 0, 0, "the organisation needs a name (UTF-8 text)");
	if (o->title && (*o->title == '\0' || !plain_text(o->title)))
		err_at(x, 0, 0, "the plan title must be UTF-8 text");
	if (o->year < 1900 || o->year > 2100)
		err_at(x, 0, 0, "year %d is not a year 1900–2100", o->year);
	if (o->nunits > 0 && o->units == NULL)
		err_at(x, 0, 0, "%zu units but no list of them", o->nunits);
}

/* ---- the plan file ---- */

/* A libconfig string: backslash and quote escaped, control characters as \xNN. */
static void
put_str(struct buf *b, const char *s)
{
	const char *run;

	buf_append(b, "\"", 1);
	for (;;) {
		for (run = s; *s && *s != '"' && *s != '\\' && (unsigned char)*s >= 0x20; s++)
			;
		buf_append(b, run, (size_t)(s - run));
		if (*s == '\0')
			break;
		if (*s == '"' || *s == '\\')
			buf_printf(b, "\\%c", *s);
		else if (*s == '\t')
			buf_puts(b, "\\t");
		else
			buf_printf(b, "\\x%02x", (unsigned char)*s);
		s++;
	}
	buf_append(b, "\"", 1);
}

static void
put_list(struct buf *b, const char *indent, const char *key, char **v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	buf_printf(b, "%s%s = [ ", indent, key);
	for (i = 0; i < n; i++) {
		if (i)
			buf_puts(b, ", ");
		put_str(b, v[i]);
	}
	buf_puts(b, " ];\n");
}

/* file as UTF-8 NFC text, other bytes and control characters as '?'; allocated. */
static char *
printable(const char *file)
{
	char *s = xstrdup(file), *p, *n;
	size_t len = strlen(s), k;

	for (p = s; *p; p += k)
		if ((k = text_utf8_charlen(p, len - (size_t)(p - s))) == 0 ||
		    (unsigned char)*p < 0x20) {
			*p = '?';
			k = 1;
		}
	n = text_nfc(s);
	free(s);
	return n ? n : xstrdup("?");
}

static void
write_header(struct ctx *x, struct buf *b)
{
	const struct import_opts *o = x->o;
	char *src = printable(x->file), *title;
	size_t i, ns = 0;

	for (i = 0; i < x->nrows; i++)
		ns += x->rows[i].section;
	buf_printf(b, "# Generated by ntmctl import-table from %s\n# (%zu sections, %zu tasks",
	    src, ns, x->nrows - ns);
	if (x->nnew)
		buf_printf(b, "; %zu new units without an address: give each real one an "
		    "email", x->nnew);
	buf_puts(b, ").\n# Format: calendars/README.md. Check it with: ntmctl check FILE\n\n");
	buf_puts(b, "plan = {\n  code   = ");
	put_str(b, o->plan_code);
	buf_puts(b, ";\n  org    = { code = ");
	put_str(b, o->org_code);
	buf_puts(b, "; name = ");
	title = text_nfc(o->org_name);
	put_str(b, title);
	free(title);
	buf_puts(b, "; };\n  title  = ");
	title = o->title ? text_nfc(o->title) : xasprintf("Kế hoạch %s", o->plan_code);
	put_str(b, title);
	free(title);
	buf_printf(b, ";\n  year   = %d;\n  source = ", o->year);
	put_str(b, src);
	buf_puts(b, ";\n};\n\n");
	free(src);
}

static void
write_unit(struct ctx *x, struct buf *b, const struct ounit *u)
{
	buf_puts(b, "  { code = ");
	put_str(b, u->code);
	if (u->known < 0)
		buf_printf(b, ";\t\t# new: table line %d, no address yet", u->line);
	buf_puts(b, u->known < 0 ? "\n    name = " : ";\n    name = ");
	put_str(b, u->name);
	buf_puts(b, ";\n    kind = ");
	put_str(b, u->kind);
	buf_puts(b, u->known < 0 ? ";\t\t# guessed from the name\n" : ";\n");
	if (u->naliases > u->nknown_aliases)
		buf_puts(b, "    # aliases after the known ones: spellings of this table\n");
	put_list(b, "    ", "aliases", u->aliases, u->naliases);
	put_list(b, "    ", "emails", u->emails, u->nemails);
	if (u->up >= 0) {
		buf_puts(b, "    parent = ");
		put_str(b, x->units[u->up].code);
		buf_puts(b, ";\n");
	}
	buf_puts(b, "  }");
}

static void
write_units(struct ctx *x, struct buf *b)
{
	size_t i;
	int first = 1;

	buf_puts(b, "units = (\n");
	for (i = 0; i < x->nunits; i++) {
		if (!x->units[i].used)
			continue;
		if (!first)
			buf_puts(b, ",\n");
		first = 0;
		write_unit(x, b, &x->units[i]);
	}
	buf_puts(b, first ? ");\n\n" : "\n);\n\n");
}

static void
write_task(struct buf *b, const struct trow *t)
{
	int r;

	buf_puts(b, "      { id = ");
	put_str(b, t->id);
	if (t->joined)
		buf_printf(b, ";\t\t# table lines %d-%d: rejoined across a page break\n",
		    t->line, t->joined);
	else
		buf_printf(b, ";\t\t# table line %d\n", t->line);
	buf_puts(b, "        title   = ");
	put_str(b, t->f[C_CONTENT].text);
	buf_puts(b, ";\n");
	for (r = 0; r < NROLES; r++) {
		char key[16];

		snprintf(key, sizeof(key), "%-7s", role_name((enum role)r));
		put_list(b, "        ", key, t->refs[r].text, t->refs[r].n);
	}
	if (*t->f[C_WHEN].text) {
		buf_puts(b, "        when    = ");
		put_str(b, t->f[C_WHEN].text);
		buf_puts(b, ";\n");
	} else
		buf_puts(b, "        # no time in the table: unscheduled\n");
	if (t->report)
		buf_puts(b, "        kind    = \"report\";\t# a report under the reporting regime\n");
	buf_puts(b, "      }");
}

static void
write_sections(struct ctx *x, struct buf *b)
{
	size_t i;
	int open = 0, ntasks = 0;

	buf_puts(b, "sections = (\n");
	for (i = 0; i < x->nrows; i++) {
		const struct trow *t = &x->rows[i];

		if (t->section) {
			if (open)
				buf_puts(b, ntasks ? "\n    );\n  },\n" : ");\n  },\n");
			buf_puts(b, "  { id = ");
			put_str(b, t->id);
			buf_puts(b, "; title = ");
			put_str(b, t->f[C_CONTENT].text);
			buf_printf(b, ";\t\t# table line %d\n    tasks = (", t->line);
			open = 1, ntasks = 0;
			continue;
		}
		buf_puts(b, ntasks++ ? ",\n" : "\n");
		write_task(b, t);
	}
	if (open)
		buf_puts(b, ntasks ? "\n    );\n  }\n" : ");\n  }\n");
	buf_puts(b, ");\n");
}

static void
free_ctx(struct ctx *x)
{
	size_t i, j;
	int c;

	for (i = 0; i < x->nrows; i++) {
		struct trow *t = &x->rows[i];

		for (c = 0; c < NCOLS; c++)
			free(t->f[c].text);
		for (c = 0; c < 3; c++) {
			for (j = 0; j < t->refs[c].n; j++)
				free(t->refs[c].text[j]);
			free(t->refs[c].text), free(t->refs[c].unit);
		}
		free(t->id);
	}
	free(x->rows);
	for (i = 0; i < x->nunits; i++) {
		struct ounit *u = &x->units[i];

		for (j = 0; j < u->naliases; j++)
			free(u->aliases[j]);
		for (j = 0; j < u->nemails; j++)
			free(u->emails[j]);
		free(u->aliases), free(u->emails);
		free(u->code), free(u->name), free(u->kind), free(u->parent);
	}
	free(x->units);
	free(x->head_role);
	text_map_free(&x->strict), text_map_free(&x->loose), text_map_free(&x->first);
	text_map_free(&x->codes), text_map_free(&x->ids);
}

int
import_table(const char *file, const char *data, size_t len, const struct import_opts *o,
    struct buf *out, struct diag *d)
{
	struct ctx x = { .file = file ? file : "(table)", .o = o, .d = d };
	struct buf b = { 0 };

	if (o == NULL) {
		diag_error(d, x.file, 0, "nothing known of the plan");
		return -1;
	}
	check_opts(&x);
	if (len > MAX_INPUT)
		err_at(&x, 0, 0, "table of %zu bytes, more than %u", len, MAX_INPUT);
	else if (len >= 2 && (!memcmp(data, "\xff\xfe", 2) || !memcmp(data, "\xfe\xff", 2)))
		err_at(&x, 1, 1, "the table is UTF-16 (Excel's \"Unicode Text\"); save it as "
		    "UTF-8 (\"CSV UTF-8\")");
	else {
		if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
			data += 3, len -= 3;
		check_bytes(&x, data, data + len);
		if (x.nerr == 0)
			read_rows(&x, data, len);
	}
	if (x.nrows > 0 && !x.stop) {
		load_units(&x);
		check_rows(&x);
	}
	if (x.nerr == 0) {
		write_header(&x, &b);
		write_units(&x, &b);
		write_sections(&x, &b);
		buf_append(out, b.s, b.len);
	}
	buf_free(&b);
	free_ctx(&x);
	return x.nerr ? -1 : 0;
}
