#ifndef NTM_PLAN_H
#define NTM_PLAN_H

#include <stddef.h>

#include "catalog.h"
#include "diag.h"
#include "workday.h"
#include "when.h"

enum role { ROLE_DIRECT, ROLE_LEAD, ROLE_SUPPORT, NROLES };
enum task_kind { TASK_DEADLINE, TASK_MEETING, TASK_REPORT, NTASK_KINDS };

struct plan_unit {
	char	 *code, *name, *kind, *parent;
	char	 *phone, *address;	/* the unit's contact, or NULL */
	char	**aliases, **emails;
	size_t	  naliases, nemails;
	int	  coordinator;
	long	  parent_unit;	/* index of parent in plan->units; -1 for none */
	char	**groups;	/* the groups it belongs to ("ubnd-xa"): their codes, */
	long	 *group_units;	/* and their indices in plan->units */
	size_t	  ngroups;
	int	  line;
};

/* Criteria or indicators as a plan names them ("17.6", "Trường học", or "SET#REF" for
 * another set's), checked against a catalog by plan_check_catalogs(), which also turns
 * criterion names into their numbers. */
struct plan_refs {
	char	 *catalog;	/* NULL: the plan's catalog */
	char	**refs;
	size_t	  n;
	int	  line;
};

/* A named officer ("rõ người"). */
struct plan_person {
	char	 *code, *name, *title;
	size_t	  unit;
	char	**aliases, **emails;
	size_t	  naliases, nemails;
	int	  line;
};

struct plan_task {
	char		*id;		/* "X.3": section id '.' task id */
	char		*section;	/* the section's title */
	char		*title;
	char		*when_text;	/* the plan's own "Thời gian" text; "" if it gives none */
	char		*latest_text;	/* the latest day, one per period of when; or NULL */
	char		*product;	/* the expected product ("rõ sản phẩm"), or NULL */
	char		**report_to;	/* names of the people or units the result goes to */
	size_t		 nreport_to;
	enum task_kind	 kind;
	int		 kind_given;	/* the plan says which kind, not the title */
	struct when	 when, latest;
	size_t		*units[NROLES];	/* indexes into plan->units, per role */
	size_t		 nunits[NROLES];
	struct plan_refs criteria;
	int		 line;
};

/* A unit answers for criteria or indicators. */
struct plan_assignment {
	size_t		 unit;
	enum role	 role;		/* ROLE_LEAD or ROLE_SUPPORT */
	struct plan_refs refs;
	char		*note;
};

/* A commune must reach refs (all of its set when there are none) by a time. */
struct plan_target {
	size_t		 commune;
	struct plan_refs refs;
	char		*by_text;	/* NULL when the plan gives no time */
	struct when	 by;
	int		 achieved;
	char		*goal, *reason, *proposal, *budget;
	char		*task_id;	/* the deadline task it became ("MT.1"), or NULL */
	int		 line;
};

/* Where a commune stands: criteria and indicators met out of a total. */
struct plan_progress {
	size_t		 commune;
	char		*catalog, *as_of;
	int		 criteria[2], indicators[2];	/* met, total; -1 when not given */
	int		 line;
};

/* One plan file, validated; everything owned by the struct. */
struct plan {
	char			*file;
	char			*code, *org_code, *org_name;
	char			*number, *title, *issuer, *issued, *catalog, *source;
	int			 year;
	int			 catalog_line;
	/* What a deadline of each kind that ends on a day off does (never a meeting). */
	enum deadline_rule	 deadline_rule[NTASK_KINDS];
	struct plan_unit	*units;
	size_t			 nunits;
	struct plan_task	*tasks;
	size_t			 ntasks;
	struct plan_person	*people;
	size_t			 npeople;
	struct plan_assignment	*assignments;
	size_t			 nassignments;
	struct plan_target	*targets;
	size_t			 ntargets;
	struct plan_progress	*progress;
	size_t			 nprogress;
};

/* Read and validate a plan file; NULL with every problem in *d ("file:line: …"). */
struct plan *plan_load(const char *file, struct diag *d);
void plan_free(struct plan *p);
/* Check every criterion reference of p against the catalogs ("file:line" errors) and
 * turn criterion names into numbers. 0, or -1 if any reference is unknown. */
int plan_check_catalogs(struct plan *p, const struct catalogs *cs, struct diag *d);
/* The catalog a reference list uses: its own or the plan's (NULL if neither). */
const char *plan_refs_catalog(const struct plan *p, const struct plan_refs *r);
/* The rules plan_load() applies, for whoever writes plan files (the table importer):
 * codes of a-z, 0-9 and '-'; complete addresses; one of the unit kinds. */
int plan_valid_code(const char *s);
int plan_valid_email(const char *s);
int plan_valid_unit_kind(const char *kind);
/* "direct", "lead", "support". */
const char *role_name(enum role r);
/* "deadline", "meeting", "report". */
const char *task_kind_name(enum task_kind k);
/* An error on p if one of the n plans before it has its code. */
void plan_check_code(const struct plan *p, struct plan *const *before, size_t n,
    struct diag *d);
/* Whether t is a weekly campaign ("vào thứ 7 hàng tuần", no kind given, no "Họp" title:
 * a weekly meeting is a meeting each week): one recurring item in feeds, no deadline,
 * no reminders. */
int plan_task_is_campaign(const struct plan_task *t);

#endif
