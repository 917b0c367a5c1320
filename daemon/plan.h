#ifndef NTM_PLAN_H
#define NTM_PLAN_H

#include <stddef.h>

#include "diag.h"
#include "when.h"

enum role { ROLE_DIRECT, ROLE_LEAD, ROLE_SUPPORT, NROLES };
enum task_kind { TASK_DEADLINE, TASK_MEETING, TASK_REPORT };

struct plan_unit {
	char	 *code, *name, *kind, *parent;
	char	**aliases, **emails;
	size_t	  naliases, nemails;
	int	  coordinator;
	int	  line;
};

struct plan_task {
	char		*id;		/* "X.3": section id '.' task id */
	char		*section;	/* the section's title */
	char		*title;
	char		*when_text;	/* the plan's own "Thời gian" text */
	enum task_kind	 kind;
	struct when	 when;
	size_t		*units[NROLES];	/* indexes into plan->units, per role */
	size_t		 nunits[NROLES];
	int		 line;
};

/* One plan file, validated; everything owned by the struct. */
struct plan {
	char			*file;
	char			*code, *org_code, *org_name;
	char			*number, *title, *issuer, *issued, *catalog, *source;
	int			 year;
	struct plan_unit	*units;
	size_t			 nunits;
	struct plan_task	*tasks;
	size_t			 ntasks;
};

/* Read and validate a plan file; NULL with every problem in *d ("file:line: …"). */
struct plan *plan_load(const char *file, struct diag *d);
void plan_free(struct plan *p);
/* "direct", "lead", "support". */
const char *role_name(enum role r);
/* "deadline", "meeting", "report". */
const char *task_kind_name(enum task_kind k);

#endif
