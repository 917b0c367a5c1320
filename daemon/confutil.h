#ifndef NTM_CONFUTIL_H
#define NTM_CONFUTIL_H

#include <libconfig.h>

#include "diag.h"

/* Read a libconfig file into cf (initialised here; the caller config_destroy()s it).
 * 0, or -1 with the problem in *d as "file:line: message". */
int confutil_read(config_t *cf, const char *path, struct diag *d);
/* The source line of a setting, 0 if unknown or s is NULL. */
int confutil_line(const config_setting_t *s);

/* The most bytes a text setting may hold: a cell of a task table, as ntmctl
 * import-table reads it. */
#define CONFUTIL_TEXT_MAX	4096
/* The longest line a libconfig file may have. */
#define CONFUTIL_LINE_MAX	65536

/* The text setting `name` of group g in NFC (allocated); NULL if absent (an error when
 * required), not a UTF-8 string or longer than CONFUTIL_TEXT_MAX (an error). */
char *confutil_text(const char *file, const config_setting_t *g, const char *name,
    int required, struct diag *d);

/* Every setting of group g that is not among known (NULL-ended) is an error at its line,
 * "unknown setting \"timezon\" in http (did you mean \"timezone\"?)" when one is close;
 * where names the group (NULL at the top). How many were unknown. */
int confutil_known(const char *file, const config_setting_t *g, const char *where,
    const char *const *known, struct diag *d);
/* The known key closest to key, within one edit for short keys and two for others;
 * NULL if none is. */
const char *confutil_nearest(const char *key, const char *const *known);

#endif
