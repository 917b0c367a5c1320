#ifndef NTM_IMPORT_H
#define NTM_IMPORT_H

#include <stddef.h>

#include "diag.h"
#include "xalloc.h"

/* A unit the organisation already has; every string borrowed from the caller. */
struct import_unit {
	const char		 *code, *name, *kind, *parent;
	const char *const	 *aliases;
	size_t			  naliases;
	const char *const	 *emails;
	size_t			  nemails;
};

/* What the table does not say: the plan and organisation it belongs to. */
struct import_opts {
	const char		 *plan_code, *org_code, *org_name, *title;	/* title may be NULL */
	int			  year;
	const struct import_unit *units;
	size_t			  nunits;
};

/* Read a task table (TSV or CSV; UTF-8 with or without BOM; NFC or NFD) named `file`
 * and append a complete plan file (libconfig text, NFC) to *out. All or nothing: on
 * error returns -1, leaves *out as it was, and puts every problem in *d as
 * "file:line[:column]: message" quoting the offending text. Unknown unit names become
 * new units without an address, each reported as a diag_warning. Returns 0 on success.
 * Pure: reads nothing but data and o, writes nothing but *out and *d. */
int import_table(const char *file, const char *data, size_t len,
    const struct import_opts *o, struct buf *out, struct diag *d);

#endif
