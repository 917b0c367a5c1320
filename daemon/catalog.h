#ifndef NTM_CATALOG_H
#define NTM_CATALOG_H

#include <stddef.h>

#include "diag.h"

/* A criterion ("17") or an indicator ("17.6") of a criteria set. */
struct criterion {
	char	*ref;
	char	*name;		/* NULL when the set is known only by number */
	int	 line;
};

/* A criteria set (bộ tiêu chí), config/catalogs/NAME.conf. */
struct catalog {
	char			*file;
	char			*code, *title, *decision, *issued, *in_force, *level, *period,
				*source;
	int			 code_line;
	struct criterion	*items;		/* criteria and their indicators, in file order */
	size_t			 nitems;
};

struct catalogs {
	struct catalog	**v;
	size_t		  n;
	char		 *looked_in;	/* the patterns they were read from, for messages */
};

/* Read and validate one catalog file; NULL with every problem in *d. */
struct catalog *catalog_load(const char *file, struct diag *d);
void catalog_free(struct catalog *c);
/* The criterion or indicator with this ref ("17.6"), or NULL. */
const struct criterion *catalog_find(const struct catalog *c, const char *ref);
/* The criterion (not indicator) whose name is `name` as people write it (any case,
 * NFC or NFD), or NULL: plans name criteria ("Trường học") as often as they number them. */
const struct criterion *catalog_find_name(const struct catalog *c, const char *name);
/* Whether ref is a criterion rather than an indicator. */
int catalog_is_criterion(const char *ref);

/* Load every file, read from the patterns looked_in (for messages); a duplicate code is
 * an error. -1 if any file is bad. */
int catalogs_load(struct catalogs *cs, char **files, size_t n, const char *looked_in,
    struct diag *d);
const struct catalog *catalogs_find(const struct catalogs *cs, const char *code);
void catalogs_free(struct catalogs *cs);

#endif
