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

#endif
