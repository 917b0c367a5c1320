#ifndef NTM_DIAG_H
#define NTM_DIAG_H

#include <stddef.h>
#include <stdio.h>

/* Problems found in input files, each "file:line: message", collected so that all are
 * reported at once. */
struct diag {
	char	**msgs;
	size_t	  n;
	size_t	  nwarn;
	int	 *is_warning;
};

void diag_error(struct diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_warning(struct diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Number of errors (not warnings). */
size_t diag_errors(const struct diag *d);
/* Print every message, one a line. */
void diag_print(const struct diag *d, FILE *f);
void diag_free(struct diag *d);

#endif
