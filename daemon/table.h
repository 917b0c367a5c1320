#ifndef NTM_TABLE_H
#define NTM_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "xalloc.h"

/*
 * A table of text cells, built once and written in every form a user asks for: text
 * for a terminal, JSON, CSV and XLSX for Excel, HTML for the desk. What a report
 * computes is said once; how it is shown is this module's.
 */

enum column_type {
	COL_TEXT,
	COL_INT,	/* a whole number */
	COL_DECIMAL,	/* a number with one decimal ("87.5") */
	COL_DATE	/* YYYY-MM-DD, shown dd/mm/yyyy */
};

struct column {
	const char		*key;		/* JSON's name */
	const char		*header;	/* Vietnamese: CSV, XLSX, HTML, text */
	enum column_type	 type;
	const char		*class;		/* the HTML column's class (its header's and
						 * cells'), or NULL */
};

struct cell {
	char		*text;		/* NULL: no value (JSON null, an empty cell) */
	char		*href;		/* a link within the site ("/…"), or NULL */
	const char	*class;		/* overrides the column's class, or NULL */
};

struct table {
	const struct column	*cols;
	size_t			 ncols;
	struct cell		*cells;		/* row by row */
	size_t			 nrows, cap;
	size_t			 nfoot;		/* the last nfoot rows are totals */
	char			*title;		/* lines above the table in XLSX and print */
	struct column		*owned;		/* columns made at run time, freed with it */
};

/* An empty table of these columns; title (copied, may be NULL). */
void table_init(struct table *t, const struct column *cols, size_t ncols, const char *title);
void table_free(struct table *t);
/* Start t with columns made at run time (their key and header allocated), which
 * table_free() frees. */
void table_own_columns(struct table *t, struct column *cols, size_t ncols);
/* A new empty row at the end; its index. */
size_t table_row(struct table *t);
/* Set a cell's value (copied; NULL for none), number, link or class. */
void table_set(struct table *t, size_t row, size_t col, const char *text);
void table_set_int(struct table *t, size_t row, size_t col, long long n);
void table_link(struct table *t, size_t row, size_t col, const char *href);
void table_class(struct table *t, size_t row, size_t col, const char *class);
/* The column whose key is key, or -1. */
int table_column(const struct table *t, const char *key);
/* Sort the rows above the totals by a column, by value for numbers and dates. */
void table_sort(struct table *t, size_t col, int descending);

/* [{key: value, …}, …]: numbers as JSON numbers, no value as null. */
void table_json(const struct table *t, struct buf *out);
/* RFC 4180 with a UTF-8 BOM and CRLF, headers first: what Excel opens with diacritics.
 * A text cell that Excel would read as a formula (= + - @) is prefixed with '. */
void table_csv(const struct table *t, struct buf *out);
/* Columns padded by the width a terminal gives each character, numbers right-aligned. */
void table_text(const struct table *t, FILE *out);
/* The same in at most fit places a line where it can: of the columns in the mask give
 * (bit i: column i), the widest is cut ("…") first, none below 12. fit 0: no limit. */
void table_text_fit(const struct table *t, FILE *out, size_t fit, unsigned int give);
/* An XLSX workbook of one sheet (name: sheet, at most 31 characters): the title's lines,
 * bold headers, numbers as numbers, dates as dates, A4 landscape. Allocated, with *len;
 * NULL (logged) on failure. Writes a temporary file under $TMPDIR or /tmp. */
char *table_xlsx(const struct table *t, const char *sheet, size_t *len);
/* <table> for the desk. With sort_base (a path and query ending in '?' or '&'), each
 * header links to the table sorted by it, marking the column sorted (sorted_col, or -1)
 * and its direction. */
void table_html(const struct table *t, struct buf *out, const char *sort_base,
    int sorted_col, int descending);

#endif
