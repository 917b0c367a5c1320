#ifndef NTM_CTL_CALENDAR_H
#define NTM_CTL_CALENDAR_H

#include "config.h"

/* ntmctl calendar YEAR [--json]: the year's days off and make-up working days, after
 * the holiday files of c (the installed ones when c is NULL). */
int ctl_calendar(const struct config *c, int argc, char **argv);

#endif
