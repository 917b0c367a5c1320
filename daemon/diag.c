#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "text.h"
#include "xalloc.h"

#define DIAG_MAX	1024	/* bytes of one message, before the "…" */

/* The code point of the n-byte UTF-8 character at p (n > 1, already checked). */
static long
codepoint(const char *p, size_t n)
{
	long c = (unsigned char)*p & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	size_t i;

	for (i = 1; i < n; i++)
		c = c << 6 | ((unsigned char)p[i] & 0x3f);
	return c;
}

/* A C1 control, a line or paragraph separator, or a bidirectional control: what text
 * shows other than it reads. */
static int
hidden(long c)
{
	return (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029 || c == 0x200e ||
	    c == 0x200f || c == 0x061c || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
}

/* s made safe to print on one line of a terminal or a log: a control character, a
 * byte that is not UTF-8 and a bidirectional control shown as an escape ("\r",
 * "\xff", "<U+202E>"), and at most DIAG_MAX bytes, cut with "…" (a 10 MB value quoted
 * in a message must not become a 10 MB line). Allocated; s freed. */
static char *
printable(char *s)
{
	struct buf b = { 0 };
	size_t n, len = strlen(s);
	const char *p;

	for (p = s; *p && b.len < DIAG_MAX; p += n) {
		unsigned char c = (unsigned char)*p;

		n = text_utf8_charlen(p, len - (size_t)(p - s));
		if (c == '\n' || c == '\r')
			buf_puts(&b, c == '\n' ? "\\n" : "\\r");
		else if (n == 0 || (c < 0x20 && c != '\t') || c == 0x7f) {
			buf_printf(&b, "\\x%02x", c);
			n = 1;
		} else if (n > 1 && hidden(codepoint(p, n)))
			buf_printf(&b, "<U+%04lX>", codepoint(p, n));
		else
			buf_append(&b, p, n);
	}
	if (*p)
		buf_puts(&b, "…");
	buf_puts(&b, "");
	free(s);
	return buf_steal(&b);
}

static void
add(struct diag *d, int warning, const char *file, int line, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = xstrdup("out of memory");
	d->msgs = xrealloc(d->msgs, (d->n + 1) * sizeof(*d->msgs));
	d->is_warning = xrealloc(d->is_warning, (d->n + 1) * sizeof(*d->is_warning));
	if (line > 0)
		d->msgs[d->n] = xasprintf("%s:%d: %s%s", file, line, warning ? "warning: " : "", msg);
	else
		d->msgs[d->n] = xasprintf("%s: %s%s", file, warning ? "warning: " : "", msg);
	d->msgs[d->n] = printable(d->msgs[d->n]);
	d->is_warning[d->n++] = warning;
	d->nwarn += warning;
	free(msg);
}

void
diag_error(struct diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(d, 0, file, line, fmt, ap);
	va_end(ap);
}

void
diag_warning(struct diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(d, 1, file, line, fmt, ap);
	va_end(ap);
}

size_t
diag_errors(const struct diag *d)
{
	return d->n - d->nwarn;
}

void
diag_print(const struct diag *d, FILE *f)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(f, "%s\n", d->msgs[i]);
}

void
diag_free(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->msgs[i]);
	free(d->msgs);
	free(d->is_warning);
	*d = (struct diag){ 0 };
}
