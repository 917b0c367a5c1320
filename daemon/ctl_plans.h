#ifndef NTM_CTL_PLANS_H
#define NTM_CTL_PLANS_H

#include <sqlite3.h>

#include "config.h"

/* ntmctl check [--catalogs PATTERN]… [FILE…]: validate plans and report what the
 * "6 rõ" principle finds missing. c (may be NULL) gives the default files. */
int ctl_check(const struct config *c, int argc, char **argv);
/* ntmctl import-table --plan CODE --year Y [--org CODE] [--org-name NAME]
 * [--title TEXT] [-o FILE] TABLE: a task table into a plan file. db (may be NULL)
 * gives the organisation's known units. */
int ctl_import_table(sqlite3 *db, int argc, char **argv);

#endif
