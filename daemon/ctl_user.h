#ifndef NTM_CTL_USER_H
#define NTM_CTL_USER_H

#include <sqlite3.h>
#include <time.h>

/* ntmctl's commands for the desk's accounts. Each returns 0 or a sysexits.h code,
 * having said why on stderr. */

/* ntmctl user add LOGIN --unit UNIT: an account of unit (found by the caller), its
 * password typed twice without echo on a terminal, else one line of standard input. */
int ctl_user_add(sqlite3 *db, const char *login, sqlite3_int64 unit, time_t now);
/* ntmctl user del LOGIN: the account deleted, its sessions ended. */
int ctl_user_del(sqlite3 *db, const char *login);
/* ntmctl user list [--json]: every account with its unit and the day it was made, by
 * login. */
int ctl_user_list(sqlite3 *db, int json);

#endif
