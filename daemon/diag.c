#include <stdarg.h>
#include <stdlib.h>

#include "diag.h"
#include "xalloc.h"

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
