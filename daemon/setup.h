#ifndef NTM_SETUP_H
#define NTM_SETUP_H

#include <sqlite3.h>

#include "config.h"

/* Start-up shared by ntmd and ntmctl: read the config (printing every problem and
 * exiting with EX_CONFIG if it is bad) and start the clock, saying so loudly when
 * NTM_NOW sets it. */
struct config *setup_config(const char *path);
/* Open the config's database, exiting with EX_CANTCREAT if it cannot be opened. */
sqlite3 *setup_database(const struct config *c);
/* For a command stopped by a failed statement: log "what: " and SQLite's message for
 * db's last error, and return the sysexits.h code to exit with (EX_TEMPFAIL while another
 * connection holds the database, EX_IOERR for the disk, else EX_SOFTWARE). */
int setup_db_failed(sqlite3 *db, const char *what);

/* Who runs ntmctl, for the audit: the user who ran sudo, else $USER, else "ntmctl". */
const char *setup_operator(void);

#endif
