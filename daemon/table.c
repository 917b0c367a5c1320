/* Tables written as text, JSON, CSV, XLSX and HTML. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>
#include <xlsxwriter.h>

#include "date.h"
#include "html.h"
#include "log.h"
#include "table.h"

void
table_init(struct table *t, const struct column *cols, size_t ncols, const char *title)
{
	*t = (struct table){ .cols = cols, .ncols = ncols, .title = title ? xstrdup(title) : NULL };
}

void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++) {
		free(t->cells[i].text);
		free(t->cells[i].href);
	}
	free(t->cells);
	free(t->title);
	for (i = 0; t->owned && i < t->ncols; i++) {
		free((char *)t->owned[i].key);
		free((char *)t->owned[i].header);
	}
	free(t->owned);
	*t = (struct table){ 0 };
}

void
table_own_columns(struct table *t, struct column *cols, size_t ncols)
{
	table_init(t, cols, ncols, NULL);
	t->owned = cols;
}

static struct cell *
cell(const struct table *t, size_t row, size_t col)
{
	return &t->cells[row * t->ncols + col];
}

size_t
table_row(struct table *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof(*t->cells));
	}
	memset(cell(t, t->nrows, 0), 0, t->ncols * sizeof(*t->cells));
	return t->nrows++;
}

void
table_set(struct table *t, size_t row, size_t col, const char *text)
{
	struct cell *c = cell(t, row, col);

	free(c->text);
	c->text = text ? xstrdup(text) : NULL;
}

void
table_set_int(struct table *t, size_t row, size_t col, long long n)
{
	char s[24];

	snprintf(s, sizeof(s), "%lld", n);
	table_set(t, row, col, s);
}

void
table_link(struct table *t, size_t row, size_t col, const char *href)
{
	struct cell *c = cell(t, row, col);

	free(c->href);
	c->href = href ? xstrdup(href) : NULL;
}

void
table_class(struct table *t, size_t row, size_t col, const char *class)
{
	cell(t, row, col)->class = class;
}

int
table_column(const struct table *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].key, key))
			return (int)i;
	return -1;
}

static int
is_number(enum column_type type)
{
	return type == COL_INT || type == COL_DECIMAL;
}

/* qsort() has no context argument: the sort in progress. */
static const struct table *sorting;
static size_t sort_col;
static int sort_sign;

static int
compare_rows(const void *a, const void *b)
{
	const char *x = ((const struct cell *)a)[sort_col].text;
	const char *y = ((const struct cell *)b)[sort_col].text;
	double dx, dy;
	int r;

	if (x == NULL || y == NULL)	/* no value sorts last either way */
		return (x == NULL) - (y == NULL);
	if (is_number(sorting->cols[sort_col].type)) {
		dx = strtod(x, NULL);
		dy = strtod(y, NULL);
		r = (dx > dy) - (dx < dy);
	} else
		r = strcmp(x, y);	/* ISO dates sort as text */
	return sort_sign * r;
}

void
table_sort(struct table *t, size_t col, int descending)
{
	sorting = t;
	sort_col = col;
	sort_sign = descending ? -1 : 1;
	qsort(t->cells, t->nrows - t->nfoot, t->ncols * sizeof(*t->cells), compare_rows);
	sorting = NULL;
}

static void
json_string(struct buf *b, const char *s)
{
	buf_puts(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			buf_printf(b, "\\u%04x", *s);
		else
			buf_append(b, s, 1);
	}
	buf_puts(b, "\"");
}

void
table_json(const struct table *t, struct buf *out)
{
	const struct cell *c;
	size_t r, i;

	buf_puts(out, "[");
	for (r = 0; r < t->nrows; r++) {
		buf_puts(out, r ? ",{" : "{");
		for (i = 0; i < t->ncols; i++) {
			c = cell(t, r, i);
			if (i)
				buf_puts(out, ",");
			json_string(out, t->cols[i].key);
			buf_puts(out, ":");
			if (c->text == NULL)
				buf_puts(out, "null");
			else if (is_number(t->cols[i].type))
				buf_puts(out, c->text);
			else
				json_string(out, c->text);
		}
		buf_puts(out, "}");
	}
	buf_puts(out, "]\n");
}

static void
csv_field(struct buf *b, const char *s, enum column_type type)
{
	const char *p;

	if (s == NULL)
		return;
	if (type == COL_TEXT && *s && strchr("=+-@\t\r", *s))
		buf_puts(b, "\"'");
	else if (strpbrk(s, ",\"\r\n") || *s == ' ')
		buf_puts(b, "\"");
	else {
		buf_puts(b, s);
		return;
	}
	for (p = s; *p; p++)
		if (*p == '"')
			buf_puts(b, "\"\"");
		else
			buf_append(b, p, 1);
	buf_puts(b, "\"");
}

void
table_csv(const struct table *t, struct buf *out)
{
	size_t r, i;

	buf_puts(out, "\xef\xbb\xbf");
	for (i = 0; i < t->ncols; i++) {
		if (i)
			buf_puts(out, ",");
		csv_field(out, t->cols[i].header, COL_TEXT);
	}
	buf_puts(out, "\r\n");
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			if (i)
				buf_puts(out, ",");
			csv_field(out, cell(t, r, i)->text, t->cols[i].type);
		}
		buf_puts(out, "\r\n");
	}
}

/* Columns a terminal gives the UTF-8 text s. */
static size_t
display_width(const char *s)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;
	size_t w = 0;
	int cw;

	while (s && *s) {
		if ((n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c)) <= 0)
			return w + strlen(s);
		if ((cw = utf8proc_charwidth(c)) > 0)
			w += (size_t)cw;
		s += n;
	}
	return w;
}

static void
pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

#define TEXT_LEAST 12	/* a column cut to fit keeps at least this many places */

/* s cut to at most width columns, ending with "…" when cut (allocated). */
static char *
cut(const char *s, size_t width)
{
	struct buf b = { 0 };
	utf8proc_int32_t c;
	utf8proc_ssize_t n;
	size_t w = 0;
	int cw;

	if (display_width(s) <= width)
		return xstrdup(s);
	buf_puts(&b, "");
	while (*s && (n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c)) > 0) {
		cw = utf8proc_charwidth(c);
		if (w + (size_t)(cw > 0 ? cw : 0) + 1 > width)
			break;
		buf_append(&b, s, (size_t)n);
		w += (size_t)(cw > 0 ? cw : 0);
		s += n;
	}
	buf_puts(&b, "…");
	return buf_steal(&b);
}

static void
text_line(const struct table *t, FILE *out, const size_t *width, size_t r)
{
	const char *s;
	char *owned;
	size_t i, w;

	for (i = 0; i < t->ncols; i++) {
		s = r == (size_t)-1 ? t->cols[i].header : cell(t, r, i)->text;
		if (s == NULL)
			s = "-";
		s = owned = cut(s, width[i]);
		w = display_width(s);
		if (i)
			fputs("  ", out);
		if (is_number(t->cols[i].type) && r != (size_t)-1) {
			pad(out, width[i] - w);
			fputs(s, out);
		} else {
			fputs(s, out);
			if (i + 1 < t->ncols)
				pad(out, width[i] - w);
		}
		free(owned);
	}
	fputc('\n', out);
}

void
table_text(const struct table *t, FILE *out)
{
	table_text_fit(t, out, 0, 0);
}

void
table_text_fit(const struct table *t, FILE *out, size_t fit, unsigned int give)
{
	size_t *width = xcalloc(t->ncols, sizeof(*width)), r, i, w, total = 0, widest;
	const char *s;

	for (i = 0; i < t->ncols; i++)
		width[i] = display_width(t->cols[i].header);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			s = cell(t, r, i)->text;
			if ((w = display_width(s ? s : "-")) > width[i])
				width[i] = w;
		}
	for (i = 0; i < t->ncols; i++)
		total += width[i] + (i ? 2 : 0);
	/* the widest of the columns that give way loses a place, until the line fits */
	for (; fit > 0 && total > fit; total--) {
		for (widest = t->ncols, i = 0; i < t->ncols && i < 32; i++)
			if ((give >> i & 1) && width[i] > TEXT_LEAST &&
			    (widest == t->ncols || width[i] > width[widest]))
				widest = i;
		if (widest == t->ncols)
			break;
		width[widest]--;
	}
	text_line(t, out, width, (size_t)-1);
	for (r = 0; r < t->nrows; r++)
		text_line(t, out, width, r);
	free(width);
}

/* The bytes of the file at path (which it removes): allocated with *len, or NULL. */
static char *
slurp_and_remove(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long size;

	if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		data = xmalloc((size_t)size);
		if (fread(data, 1, (size_t)size, f) != (size_t)size) {
			free(data);
			data = NULL;
		} else
			*len = (size_t)size;
	}
	if (data == NULL)
		log_warn("xlsx: cannot read %s", path);
	if (f)
		fclose(f);
	unlink(path);
	return data;
}

struct xlsx_formats {
	lxw_format	*title, *header, *date, *decimal, *total;
};

static void
xlsx_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
    enum column_type type, const struct xlsx_formats *f, int total)
{
	lxw_format *fmt = total ? f->total : NULL;
	ntm_date day;
	int y, m, d;

	if (s == NULL)
		return;
	if (type == COL_DATE && date_parse_iso(s, &day) == 0) {
		date_to_ymd(day, &y, &m, &d);
		worksheet_write_datetime(ws, row, col, &(lxw_datetime){ y, m, d, 0, 0, 0 },
		    f->date);
	} else if (is_number(type))
		worksheet_write_number(ws, row, col, strtod(s, NULL),
		    type == COL_DECIMAL ? f->decimal : fmt);
	else
		worksheet_write_string(ws, row, col, s, fmt);
}

static void
xlsx_sheet(const struct table *t, lxw_workbook *wb, lxw_worksheet *ws)
{
	struct xlsx_formats f = { workbook_add_format(wb), workbook_add_format(wb),
		workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb) };
	lxw_row_t row = 0, head;
	char *lines = xstrdup(t->title ? t->title : ""), *line, *next;
	size_t r, i, w;

	format_set_bold(f.title);
	format_set_font_size(f.title, 13);
	format_set_bold(f.header);
	format_set_text_wrap(f.header);
	format_set_bg_color(f.header, 0xE5E7EB);
	format_set_border(f.header, LXW_BORDER_THIN);
	format_set_num_format(f.date, "dd/mm/yyyy");
	format_set_num_format(f.decimal, "0.0");
	format_set_bold(f.total);
	for (line = lines; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		worksheet_write_string(ws, row, 0, line, row == 0 ? f.title : NULL);
		row++;
	}
	free(lines);
	if (row > 0)
		row++;
	head = row;
	for (i = 0; i < t->ncols; i++)
		worksheet_write_string(ws, row, (lxw_col_t)i, t->cols[i].header, f.header);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++)
			xlsx_cell(ws, head + 1 + (lxw_row_t)r, (lxw_col_t)i, cell(t, r, i)->text,
			    t->cols[i].type, &f, r >= t->nrows - t->nfoot);
	for (i = 0; i < t->ncols; i++) {
		w = t->cols[i].type == COL_TEXT ? 30 : 12;
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, (double)w, NULL);
	}
	worksheet_freeze_panes(ws, head + 1, 0);
	if (t->nrows > t->nfoot)
		worksheet_autofilter(ws, head, 0, head + (lxw_row_t)(t->nrows - t->nfoot),
		    (lxw_col_t)(t->ncols - 1));
	worksheet_set_paper(ws, 9);	/* A4 */
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, head, head);
}

char *
table_xlsx(const struct table *t, const char *sheet, size_t *len)
{
	const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *path = xasprintf("%s/ntmd-xlsx-XXXXXX", dir), *data = NULL;
	lxw_workbook_options opt = { .constant_memory = LXW_FALSE, .tmpdir = (char *)dir };
	lxw_workbook *wb;
	lxw_error err;
	int fd;

	if ((fd = mkstemp(path)) < 0) {
		log_warn("xlsx: cannot create a file in %s", dir);
		free(path);
		return NULL;
	}
	close(fd);
	if ((wb = workbook_new_opt(path, &opt)) == NULL) {
		log_warnx("xlsx: cannot start a workbook in %s", dir);
		unlink(path);
		free(path);
		return NULL;
	}
	xlsx_sheet(t, wb, workbook_add_worksheet(wb, sheet));
	if ((err = workbook_close(wb)) != LXW_NO_ERROR) {
		log_warnx("xlsx: %s", lxw_strerror(err));
		unlink(path);
	} else
		data = slurp_and_remove(path, len);
	free(path);
	return data;
}

/* ' class="…"' for a cell of this type and class, or "" (allocated). */
static char *
class_attr(enum column_type type, const char *class)
{
	const char *num = is_number(type) ? "num" : "";

	if (!*num && class == NULL)
		return xstrdup("");
	return xasprintf(" class=\"%s%s%s\"", num, *num && class ? " " : "", class ? class : "");
}

static void
html_header(const struct table *t, struct buf *out, size_t i, const char *sort_base,
    int sorted_col, int descending)
{
	int here = (int)i == sorted_col, down = here ? !descending : is_number(t->cols[i].type);
	const char *mark = !here ? "" : descending ? " ▼" : " ▲";
	char *class = class_attr(t->cols[i].type, t->cols[i].class), *href;

	/* class holds only the program's own names: written as it is */
	buf_printf(out, "<th scope=\"col\"%s%s>", class, !here ? "" : descending ?
	    " aria-sort=\"descending\"" : " aria-sort=\"ascending\"");
	free(class);
	if (sort_base == NULL) {
		html_printf(out, "%s</th>", t->cols[i].header);
		return;
	}
	href = xasprintf("%ssort=%s&dir=%s", sort_base, t->cols[i].key, down ? "desc" : "asc");
	html_printf(out, "<a href=\"%p\">%s%s</a></th>", href, t->cols[i].header, mark);
	free(href);
}

static void
html_cell(const struct table *t, struct buf *out, size_t r, size_t i)
{
	const struct cell *c = cell(t, r, i);
	const char *class = c->class ? c->class : t->cols[i].class;
	char vn[11], *comma, *dot;
	ntm_date day;

	char *attr = class_attr(t->cols[i].type, class);

	buf_printf(out, "<td%s>", attr);
	free(attr);
	if (c->href)
		html_printf(out, "<a href=\"%p\">", c->href);
	if (c->text && t->cols[i].type == COL_DATE && date_parse_iso(c->text, &day) == 0) {
		date_vn(day, vn);
		html_printf(out, "%s", vn);
	} else if (c->text && t->cols[i].type == COL_DECIMAL) {
		comma = xstrdup(c->text);	/* Vietnamese writes 66,7 */
		if ((dot = strchr(comma, '.')) != NULL)
			*dot = ',';
		html_printf(out, "%s", comma);
		free(comma);
	} else	/* no text is nothing; no number or day, a dash */
		html_printf(out, "%s", c->text ? c->text : t->cols[i].type == COL_TEXT ? "" : "–");
	buf_puts(out, c->href ? "</a></td>" : "</td>");
}

void
table_html(const struct table *t, struct buf *out, const char *sort_base, int sorted_col,
    int descending)
{
	size_t r, i;

	buf_puts(out, "<div class=\"scroll\"><table class=\"data\">\n<thead><tr>");
	for (i = 0; i < t->ncols; i++)
		html_header(t, out, i, sort_base, sorted_col, descending);
	buf_puts(out, "</tr></thead>\n<tbody>\n");
	for (r = 0; r < t->nrows; r++) {
		if (r == t->nrows - t->nfoot)
			buf_puts(out, "</tbody>\n<tfoot>\n");
		buf_puts(out, "<tr>");
		for (i = 0; i < t->ncols; i++)
			html_cell(t, out, r, i);
		buf_puts(out, "</tr>\n");
	}
	buf_puts(out, t->nfoot ? "</tfoot></table></div>\n" : "</tbody></table></div>\n");
}
