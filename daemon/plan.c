/* Plan files (calendars/NAME.conf, libconfig): units, sections and their tasks. */
#include <stdlib.h>
#include <string.h>

#include "confutil.h"
#include "plan.h"
#include "text.h"
#include "xalloc.h"

static const char *unit_kinds[] = { "department", "commune", "board", "office",
    "organisation", "group", NULL };
static const char *task_kinds[] = { "deadline", "meeting", "report", NULL };
static const char *role_keys[] = { "direct", "lead", "support" };

/* The settings each part of a plan may hold: anything else is a mistake, said at its
 * line. */
static const char *const root_keys[] = { "plan", "units", "people", "sections",
	"assignments", "targets", "progress", NULL };
static const char *const plan_keys[] = { "code", "org", "number", "title", "issuer",
	"issued", "catalog", "source", "year", "deadline_rule", NULL };
static const char *const org_keys[] = { "code", "name", NULL };
static const char *const unit_keys[] = { "code", "name", "kind", "parent", "aliases",
	"emails", "groups", "coordinator", "phone", "address", NULL };
static const char *const section_keys[] = { "id", "title", "tasks", NULL };
static const char *const task_keys[] = { "id", "title", "when", "kind", "direct", "lead",
	"support", "latest", "product", "report_to", "criteria", "catalog", NULL };
static const char *const person_keys[] = { "code", "name", "title", "aliases", "emails",
	"unit", NULL };
static const char *const assignment_keys[] = { "unit", "role", "refs", "catalog", "note",
	NULL };
static const char *const target_keys[] = { "commune", "refs", "catalog", "by", "status",
	"goal", "reason", "proposal", "budget", "lead", NULL };
static const char *const progress_keys[] = { "commune", "catalog", "as_of", "criteria",
	"indicators", NULL };

/* The task kind named s, or -1. */
static int
task_kind_index(const char *s)
{
	int k;

	for (k = 0; task_kinds[k]; k++)
		if (!strcmp(task_kinds[k], s))
			return k;
	return -1;
}

struct ctx {
	const char	*file;
	struct diag	*d;
	struct plan	*p;
	/* Folded (text_fold) codes, names and aliases: the first unit or person they name. */
	struct text_map	 units, people;
};

static char *
get_string(struct ctx *x, const config_setting_t *g, const char *name, int required)
{
	return confutil_text(x->file, g, name, required, x->d);
}

/* An optional array of strings; *n set to its length. */
static char **
get_strings(struct ctx *x, const config_setting_t *g, const char *name, size_t *n)
{
	config_setting_t *s = config_setting_get_member(g, name);
	const char *why;
	char **v;
	int i, len;

	*n = 0;
	if (s == NULL)
		return NULL;
	if (!config_setting_is_array(s)) {
		diag_error(x->d, x->file, confutil_line(s), "\"%s\" must be a list of strings: "
		    "[ \"…\", \"…\" ]", name);
		return NULL;
	}
	len = config_setting_length(s);
	v = xcalloc((size_t)len + 1, sizeof(char *));
	for (i = 0; i < len; i++) {
		const char *e = config_setting_get_string_elem(s, i);

		if (e == NULL || !text_valid_utf8(e))
			diag_error(x->d, x->file, confutil_line(s), "%s[%d] must be a UTF-8 string",
			    name, i);
		else if (strlen(e) > CONFUTIL_TEXT_MAX)
			diag_error(x->d, x->file, confutil_line(s), "%s[%d] is longer than %d bytes",
			    name, i, CONFUTIL_TEXT_MAX);
		else if ((why = text_line_problem(e)) != NULL)
			diag_error(x->d, x->file, confutil_line(s), "%s[%d] holds %s: it must be "
			    "one line of text", name, i, why);
		else
			v[(*n)++] = text_nfc(e);
	}
	return v;
}

/* Text that prints on one line of a mail: not blank, no C0, DEL or C1 control, no line
 * separator and no bidirectional control (text that would show other than it reads). */
static int
valid_line(const char *s)
{
	return text_line_problem(s) == NULL && strchr(s, '\t') == NULL &&
	    strspn(s, " ") < strlen(s);
}

/* Why s is not a valid_line(). */
static const char *
line_problem(const char *s)
{
	const char *why = text_line_problem(s);

	return why ? why : strchr(s, '\t') ? "a tab" : "nothing but spaces";
}

/* A string that may reach a mail's subject or body as a line: who ("task II.1") is
 * named in the error. */
static char *
get_line(struct ctx *x, const config_setting_t *g, const char *name, int required,
    const char *who)
{
	char *v = get_string(x, g, name, required);

	if (v && !valid_line(v)) {
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, name)),
		    "%s: %s holds %s: it must be one line of text", who, name, line_problem(v));
		free(v);
		return NULL;
	}
	return v;
}

int
plan_valid_code(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

int
plan_valid_email(const char *s)
{
	const char *at = strchr(s, '@');

	return at && at != s && at[1] && !strpbrk(s, " <>,;\"\r\n");
}

static int
in_list(const char *s, const char **list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

int
plan_valid_unit_kind(const char *kind)
{
	return in_list(kind, unit_kinds);
}

/* One rule as written; -1 (reported) if it is not one. */
static int
rule_setting(struct ctx *x, const config_setting_t *s, enum deadline_rule *r)
{
	const char *v = config_setting_get_string(s);

	if (v == NULL || deadline_rule_parse(v, r) < 0) {
		diag_error(x->d, x->file, confutil_line(s), "deadline_rule must be \"next\", "
		    "\"previous\" or \"none\"");
		return -1;
	}
	return 0;
}

/* deadline_rule = "next"; or deadline_rule = { deadline = "next"; report = "none"; };
 * meetings are never moved (they are flagged when they fall on a day off). */
static void
read_deadline_rule(struct ctx *x, config_setting_t *g)
{
	config_setting_t *s = config_setting_get_member(g, "deadline_rule"), *e;
	enum deadline_rule r;
	int i, k;

	x->p->deadline_rule[TASK_DEADLINE] = x->p->deadline_rule[TASK_REPORT] = RULE_NEXT;
	x->p->deadline_rule[TASK_MEETING] = RULE_NONE;
	if (s == NULL)
		return;
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (rule_setting(x, s, &r) == 0)
			x->p->deadline_rule[TASK_DEADLINE] = x->p->deadline_rule[TASK_REPORT] = r;
		return;
	}
	if (!config_setting_is_group(s)) {
		diag_error(x->d, x->file, confutil_line(s), "deadline_rule must be a rule or "
		    "{ deadline = \"next\"; report = \"next\"; }");
		return;
	}
	for (i = 0; (e = config_setting_get_elem(s, (unsigned)i)) != NULL; i++) {
		k = task_kind_index(config_setting_name(e));
		if (k < 0 || k == TASK_MEETING)
			diag_error(x->d, x->file, confutil_line(e), "deadline_rule: \"%s\" is not "
			    "deadline or report (meetings are never moved)", config_setting_name(e));
		else if (rule_setting(x, e, &r) == 0)
			x->p->deadline_rule[k] = r;
	}
}

static void
read_header(struct ctx *x, config_setting_t *root)
{
	config_setting_t *g = config_setting_get_member(root, "plan"), *org, *y;
	struct plan *p = x->p;

	if (g == NULL || !config_setting_is_group(g)) {
		diag_error(x->d, x->file, confutil_line(g), "missing group \"plan = { code = …; }\"");
		return;
	}
	confutil_known(x->file, g, "plan", plan_keys, x->d);
	p->code = get_string(x, g, "code", 1);
	if (p->code && !plan_valid_code(p->code))
		diag_error(x->d, x->file, confutil_line(g), "plan code \"%s\" may hold only a-z, "
		    "0-9 and '-'", p->code);
	org = config_setting_get_member(g, "org");
	if (org == NULL || !config_setting_is_group(org))
		diag_error(x->d, x->file, confutil_line(org ? org : g),
		    "missing \"org = { code = …; name = …; }\"");
	else {
		confutil_known(x->file, org, "org", org_keys, x->d);
		p->org_code = get_string(x, org, "code", 1);
		p->org_name = get_line(x, org, "name", 1, "org");
		if (p->org_code && !plan_valid_code(p->org_code))
			diag_error(x->d, x->file, confutil_line(org), "org code \"%s\" may hold only "
			    "a-z, 0-9 and '-'", p->org_code);
	}
	p->number = get_string(x, g, "number", 0);
	p->title = get_line(x, g, "title", 1, "the plan");
	p->issuer = get_string(x, g, "issuer", 0);
	p->issued = get_string(x, g, "issued", 0);
	p->catalog = get_string(x, g, "catalog", 0);
	p->catalog_line = confutil_line(config_setting_get_member(g, "catalog"));
	p->source = get_string(x, g, "source", 0);
	if (p->issued) {
		ntm_date day;

		if (date_parse_iso(p->issued, &day) < 0)
			diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "issued")),
			    "issued \"%s\" must be a date YYYY-MM-DD", p->issued);
	}
	y = config_setting_get_member(g, "year");
	if (y == NULL || config_setting_type(y) != CONFIG_TYPE_INT ||
	    config_setting_get_int(y) < 1900 || config_setting_get_int(y) > 2100)
		diag_error(x->d, x->file, confutil_line(y ? y : g), "\"year\" must be a year 1900–2100");
	else
		p->year = config_setting_get_int(y);
	read_deadline_rule(x, g);
}

/* A telephone number as plans write them ("0205 3830 123", "+84 (205) 3830.123"). */
static int
valid_phone(const char *s)
{
	size_t n = strlen(s);

	return n >= 6 && n <= 20 && strspn(s, "0123456789 +.-()") == n &&
	    strpbrk(s, "0123456789") != NULL;
}

/* The unit's phone and postal address, which the coordination unit's mails show. */
static void
read_contact(struct ctx *x, config_setting_t *g, struct plan_unit *u)
{
	const char *code = u->code ? u->code : "?";

	u->phone = get_string(x, g, "phone", 0);
	u->address = get_string(x, g, "address", 0);
	if (u->phone && !valid_phone(u->phone))
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "phone")),
		    "unit \"%s\": phone must be 6 to 20 characters of 0-9, space, '+', '.', "
		    "'-', '(' and ')', with a digit", code);
	if (u->address && !valid_line(u->address))
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "address")),
		    "unit \"%s\": address holds %s: it must be one line of text", code,
		    line_problem(u->address));
}

static void
read_unit(struct ctx *x, config_setting_t *g, struct plan_unit *u)
{
	config_setting_t *coord;
	size_t i;

	u->line = confutil_line(g);
	confutil_known(x->file, g, "a unit", unit_keys, x->d);
	u->code = get_string(x, g, "code", 1);
	u->name = get_string(x, g, "name", 1);
	u->kind = get_string(x, g, "kind", 1);
	u->parent = get_string(x, g, "parent", 0);
	u->aliases = get_strings(x, g, "aliases", &u->naliases);
	u->emails = get_strings(x, g, "emails", &u->nemails);
	u->groups = get_strings(x, g, "groups", &u->ngroups);
	read_contact(x, g, u);
	if (u->name && !valid_line(u->name))	/* it goes into mail headers */
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "name")),
		    "unit \"%s\": name holds %s: it must be one line of text",
		    u->code ? u->code : "?", line_problem(u->name));
	if ((coord = config_setting_get_member(g, "coordinator")) != NULL) {
		if (config_setting_type(coord) != CONFIG_TYPE_BOOL)
			diag_error(x->d, x->file, confutil_line(coord), "unit \"%s\": coordinator "
			    "must be true or false", u->code ? u->code : "?");
		u->coordinator = config_setting_get_bool(coord);
	}
	if (u->code && !plan_valid_code(u->code))
		diag_error(x->d, x->file, u->line, "unit code \"%s\" may hold only a-z, 0-9 "
		    "and '-'", u->code);
	if (u->kind && !plan_valid_unit_kind(u->kind))
		diag_error(x->d, x->file, u->line, "unit kind \"%s\" is not one of department, "
		    "commune, board, office, organisation, group", u->kind);
	for (i = 0; i < u->nemails; i++)
		if (!plan_valid_email(u->emails[i]))
			diag_error(x->d, x->file, u->line, "\"%s\" is not an email address",
			    u->emails[i]);
}

/* Index i under the folded code, name and aliases, unless an earlier entry has them. */
static void
index_names(struct text_map *m, const char *code, const char *name, char **aliases,
    size_t naliases, size_t i)
{
	size_t j;
	char *f;

	for (j = 0; j < 2 + naliases; j++) {
		const char *n = j == 0 ? code : j == 1 ? name : aliases[j - 2];

		if (n && (f = text_fold(n)) != NULL) {
			if (text_map_get(m, f) < 0)
				text_map_set(m, f, (long)i);
			free(f);
		}
	}
}

/* Index of the first unit whose code, name or an alias folds to `key`; -1 if none. */
static long
find_unit(const struct ctx *x, const char *key)
{
	return key ? text_map_get(&x->units, key) : -1;
}

/* A unit's groups are units of kind "group" of the plan, by code. */
static void
resolve_groups(struct ctx *x, struct plan_unit *u)
{
	long g;
	size_t i;

	u->group_units = xcalloc(u->ngroups + 1, sizeof(*u->group_units));
	for (i = 0; i < u->ngroups; i++) {
		g = find_unit(x, u->groups[i]);
		if (g < 0 || x->p->units[g].kind == NULL || strcmp(x->p->units[g].kind, "group") ||
		    strcmp(x->p->units[g].code, u->groups[i]))
			diag_error(x->d, x->file, u->line, "group \"%s\" of unit \"%s\" is not "
			    "the code of a unit of kind \"group\" of this plan", u->groups[i],
			    u->code ? u->code : "?");
		u->group_units[i] = g;
	}
}

static void
check_unit_names(struct ctx *x)
{
	struct plan *p = x->p;
	size_t i, j;
	char *f;
	long other;

	for (i = 0; i < p->nunits; i++) {
		struct plan_unit *u = &p->units[i];

		for (j = 0; j < u->naliases; j++) {
			f = text_fold(u->aliases[j]);
			if ((other = find_unit(x, f)) != (long)i)
				diag_error(x->d, x->file, u->line, "alias \"%s\" of unit \"%s\" also "
				    "names unit \"%s\"", u->aliases[j], u->code, p->units[other].code);
			free(f);
		}
		if (u->code && (other = find_unit(x, u->code)) != (long)i)
			diag_error(x->d, x->file, u->line, "unit code \"%s\" is defined twice "
			    "(or is another unit's alias)", u->code);
		u->parent_unit = u->parent ? find_unit(x, u->parent) : -1;
		if (u->parent && u->parent_unit < 0)
			diag_error(x->d, x->file, u->line, "parent \"%s\" of unit \"%s\" is not a "
			    "unit of this plan", u->parent, u->code);
		resolve_groups(x, u);
	}
}

static void
read_units(struct ctx *x, config_setting_t *root)
{
	config_setting_t *s = config_setting_get_member(root, "units");
	int i, n;

	if (s == NULL || !config_setting_is_list(s)) {
		diag_error(x->d, x->file, confutil_line(s), "missing list \"units = ( { … } );\"");
		return;
	}
	n = config_setting_length(s);
	x->p->units = xcalloc((size_t)n, sizeof(struct plan_unit));
	for (i = 0; i < n; i++) {
		struct plan_unit *u = &x->p->units[i];

		read_unit(x, config_setting_get_elem(s, (unsigned)i), u);
		index_names(&x->units, u->code, u->name, u->aliases, u->naliases, (size_t)i);
	}
	x->p->nunits = (size_t)n;
	check_unit_names(x);
}

static void
resolve_roles(struct ctx *x, config_setting_t *g, struct plan_task *t)
{
	size_t n, i;
	char **refs, *f;
	long u;
	int r;

	for (r = 0; r < NROLES; r++) {
		refs = get_strings(x, g, role_keys[r], &n);
		t->units[r] = xcalloc(n, sizeof(size_t));
		for (i = 0; i < n; i++) {
			f = text_fold(refs[i]);
			if ((u = find_unit(x, f)) < 0)
				diag_error(x->d, x->file, confutil_line(config_setting_get_member(g,
				    role_keys[r])), "task %s: %s unit \"%s\" is not a "
				    "unit of this plan (add it to units, or as an alias)", t->id,
				    role_keys[r], refs[i]);
			else
				t->units[r][t->nunits[r]++] = (size_t)u;
			free(f);
			free(refs[i]);
		}
		free(refs);
	}
}

/* Parse a time text of the plan, reporting it at the line of its key. */
static int
read_when(struct ctx *x, config_setting_t *g, const char *key, const char *what,
    const char *text, struct when *w)
{
	if (when_parse(text, x->p->year, date_from_ymd(x->p->year ? x->p->year : 2000, 1, 1),
	    w) == 0)
		return 0;
	diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, key)),
	    "%s%s: cannot read the time \"%s\": %s", strchr(what, '.') ? "task " : "", what,
	    text, w->error);
	return -1;
}

/* "latest": one latest day for each period of "when", none before its due day. */
static void
read_latest(struct ctx *x, config_setting_t *g, struct plan_task *t)
{
	int line = confutil_line(config_setting_get_member(g, "latest"));
	size_t i;

	if (read_when(x, g, "latest", t->id, t->latest_text, &t->latest) < 0)
		return;
	if (t->when.kind != WHEN_DATED || t->latest.kind != WHEN_DATED ||
	    t->latest.n != t->when.n) {
		diag_error(x->d, x->file, line, "task %s: \"latest\" must give one day for each "
		    "period of \"when\" (%zu, not %zu)", t->id, t->when.n, t->latest.n);
		return;
	}
	for (i = 0; i < t->when.n; i++)
		if (t->latest.periods[i].due < t->when.periods[i].due) {
			char due[11], latest[11];

			date_iso(t->when.periods[i].due, due);
			date_iso(t->latest.periods[i].due, latest);
			diag_error(x->d, x->file, line, "task %s: the latest day %s comes before "
			    "the due day %s", t->id, latest, due);
			return;
		}
}

/* "report_to": people or units, kept by their full names. */
static void
read_report_to(struct ctx *x, config_setting_t *g, struct plan_task *t)
{
	char **refs, *f;
	size_t n, i;
	long k;

	refs = get_strings(x, g, "report_to", &n);
	t->report_to = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		f = text_fold(refs[i]);
		if (f && (k = text_map_get(&x->people, f)) >= 0)
			t->report_to[t->nreport_to++] = xstrdup(x->p->people[k].name);
		else if ((k = find_unit(x, f)) >= 0)
			t->report_to[t->nreport_to++] = xstrdup(x->p->units[k].name);
		else
			diag_error(x->d, x->file, confutil_line(config_setting_get_member(g,
			    "report_to")), "task %s: \"%s\" is neither a person nor a unit of this "
			    "plan", t->id, refs[i]);
		free(f);
		free(refs[i]);
	}
	free(refs);
}

/* A list of criterion refs under key, with an optional "catalog" beside it. */
static void
read_refs(struct ctx *x, config_setting_t *g, const char *key, struct plan_refs *r)
{
	config_setting_t *s = config_setting_get_member(g, key);

	r->line = confutil_line(s ? s : g);
	r->refs = get_strings(x, g, key, &r->n);
	r->catalog = get_string(x, g, "catalog", 0);
}

/* A single unit reference under key; -1 (reported) if it names no unit. */
static long
read_unit_ref(struct ctx *x, config_setting_t *g, const char *key, const char *what)
{
	char *ref = get_string(x, g, key, 1), *f;
	long u = -1;

	if (ref == NULL)
		return -1;
	f = text_fold(ref);
	if ((u = find_unit(x, f)) < 0)
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, key)),
		    "%s: \"%s\" is not a unit of this plan", what, ref);
	free(f);
	free(ref);
	return u;
}

/* Meetings by default when the row says so: "Họp …", "Hội nghị …". */
static enum task_kind
default_kind(const char *title)
{
	char *f = text_fold(title);
	enum task_kind k = TASK_DEADLINE;

	if (f && (!strncmp(f, "họp ", strlen("họp ")) || !strncmp(f, "hội nghị ",
	    strlen("hội nghị "))))
		k = TASK_MEETING;
	free(f);
	return k;
}

static void
read_task(struct ctx *x, config_setting_t *g, const char *sec_id, const char *sec_title,
    struct plan_task *t)
{
	char *id, *kind;
	int i;

	t->line = confutil_line(g);
	confutil_known(x->file, g, "a task", task_keys, x->d);
	id = get_string(x, g, "id", 1);
	t->id = xasprintf("%s.%s", sec_id, id ? id : "?");
	free(id);
	t->section = xstrdup(sec_title);
	t->title = get_line(x, g, "title", 1, t->id);
	t->when_text = get_string(x, g, "when", 0);
	t->kind = t->title ? default_kind(t->title) : TASK_DEADLINE;
	if ((kind = get_string(x, g, "kind", 0)) != NULL) {
		if ((i = task_kind_index(kind)) < 0)
			diag_error(x->d, x->file, t->line, "task %s: kind \"%s\" is not meeting, "
			    "deadline or report", t->id, kind);
		else {
			t->kind = (enum task_kind)i;
			t->kind_given = 1;
		}
		free(kind);
	}
	resolve_roles(x, g, t);
	if (t->when_text == NULL) {
		t->when_text = xstrdup("");	/* the plan gives no time: unscheduled */
		t->when.kind = WHEN_UNSCHEDULED;
	} else
		read_when(x, g, "when", t->id, t->when_text, &t->when);
	if ((t->latest_text = get_string(x, g, "latest", 0)) != NULL)
		read_latest(x, g, t);
	t->product = get_string(x, g, "product", 0);
	read_report_to(x, g, t);
	read_refs(x, g, "criteria", &t->criteria);
}

/* A list under key in the root; NULL (and nothing reported) when absent. */
static config_setting_t *
optional_list(struct ctx *x, config_setting_t *root, const char *key)
{
	config_setting_t *s = config_setting_get_member(root, key);

	if (s != NULL && !config_setting_is_list(s)) {
		diag_error(x->d, x->file, confutil_line(s), "\"%s\" must be a list ( { … }, … )",
		    key);
		return NULL;
	}
	return s;
}

static void
read_people(struct ctx *x, config_setting_t *root)
{
	config_setting_t *s = optional_list(x, root, "people"), *g;
	struct plan *p = x->p;
	int i, n = s ? config_setting_length(s) : 0;
	long u;
	size_t j;

	p->people = xcalloc((size_t)n + 1, sizeof(*p->people));
	for (i = 0; i < n; i++) {
		struct plan_person *e = &p->people[p->npeople];

		g = config_setting_get_elem(s, (unsigned)i);
		memset(e, 0, sizeof(*e));
		e->line = confutil_line(g);
		confutil_known(x->file, g, "a person", person_keys, x->d);
		e->code = get_string(x, g, "code", 1);
		e->name = get_line(x, g, "name", 1, "a person");
		e->title = get_line(x, g, "title", 0, "a person");
		e->aliases = get_strings(x, g, "aliases", &e->naliases);
		e->emails = get_strings(x, g, "emails", &e->nemails);
		u = read_unit_ref(x, g, "unit", e->name ? e->name : "person");
		e->unit = u < 0 ? 0 : (size_t)u;
		if (e->code && !plan_valid_code(e->code))
			diag_error(x->d, x->file, e->line, "person code \"%s\" may hold only a-z, "
			    "0-9 and '-'", e->code);
		for (j = 0; j < e->nemails; j++)
			if (!plan_valid_email(e->emails[j]))
				diag_error(x->d, x->file, e->line, "\"%s\" is not an email address",
				    e->emails[j]);
		index_names(&x->people, e->code, e->name, e->aliases, e->naliases, p->npeople);
		p->npeople++;
	}
}

static void
read_assignments(struct ctx *x, config_setting_t *root)
{
	config_setting_t *s = optional_list(x, root, "assignments"), *g;
	struct plan *p = x->p;
	int i, n = s ? config_setting_length(s) : 0;
	char *role;
	long u;

	p->assignments = xcalloc((size_t)n + 1, sizeof(*p->assignments));
	for (i = 0; i < n; i++) {
		struct plan_assignment *a = &p->assignments[p->nassignments++];

		g = config_setting_get_elem(s, (unsigned)i);
		confutil_known(x->file, g, "an assignment", assignment_keys, x->d);
		u = read_unit_ref(x, g, "unit", "assignment");
		a->unit = u < 0 ? 0 : (size_t)u;
		a->role = ROLE_LEAD;
		if ((role = get_string(x, g, "role", 0)) != NULL) {
			if (!strcmp(role, "support"))
				a->role = ROLE_SUPPORT;
			else if (strcmp(role, "lead") != 0)
				diag_error(x->d, x->file, confutil_line(g), "assignment role \"%s\" "
				    "is not lead or support", role);
			free(role);
		}
		read_refs(x, g, "refs", &a->refs);
		if (a->refs.n == 0)
			diag_error(x->d, x->file, confutil_line(g), "assignment: \"refs\" must name "
			    "at least one criterion or indicator");
		a->note = get_string(x, g, "note", 0);
	}
}

/* "Xã Vân Mộng đạt tiêu chí 2, 3, 5": what the target's deadline is called. */
static char *
target_title(const struct plan *p, const struct plan_target *t)
{
	struct buf b = { 0 };
	size_t i, crit = 0;

	buf_printf(&b, "%s đạt ", p->units[t->commune].name);
	if (t->refs.n == 0) {
		buf_printf(&b, "chuẩn theo bộ tiêu chí %s", plan_refs_catalog(p, &t->refs) ?
		    plan_refs_catalog(p, &t->refs) : "");
		return buf_steal(&b);
	}
	for (i = 0; i < t->refs.n; i++)
		crit += catalog_is_criterion(t->refs.refs[i]);
	buf_puts(&b, crit == t->refs.n ? "tiêu chí " : crit == 0 ? "chỉ tiêu " :
	    "tiêu chí, chỉ tiêu ");
	for (i = 0; i < t->refs.n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", t->refs.refs[i]);
	return buf_steal(&b);
}

/* An open target with a date becomes a deadline of the commune and its lead units. */
static void
target_task(struct ctx *x, config_setting_t *g, struct plan_target *t, size_t n)
{
	struct plan *p = x->p;
	struct plan_task *k;
	size_t i, nlead;
	char **lead, *f;
	long u;

	p->tasks = xrealloc(p->tasks, (p->ntasks + 1) * sizeof(*p->tasks));
	k = &p->tasks[p->ntasks++];
	memset(k, 0, sizeof(*k));
	k->id = xasprintf("MT.%zu", n);
	t->task_id = xstrdup(k->id);
	k->section = xstrdup("Mục tiêu");
	k->title = target_title(p, t);
	k->when_text = xstrdup(t->by_text);
	k->kind = TASK_DEADLINE;
	k->line = t->line;
	when_parse(t->by_text, p->year, date_from_ymd(p->year, 1, 1), &k->when);
	k->report_to = xcalloc(1, sizeof(char *));
	k->criteria.refs = xcalloc(1, sizeof(char *));
	lead = get_strings(x, g, "lead", &nlead);
	k->units[ROLE_LEAD] = xcalloc(nlead + 1, sizeof(size_t));
	k->units[ROLE_LEAD][k->nunits[ROLE_LEAD]++] = t->commune;
	for (i = 0; i < nlead; i++) {
		f = text_fold(lead[i]);
		if ((u = find_unit(x, f)) < 0)
			diag_error(x->d, x->file, confutil_line(config_setting_get_member(g,
			    "lead")), "target: lead unit \"%s\" is not a unit of this plan",
			    lead[i]);
		else
			k->units[ROLE_LEAD][k->nunits[ROLE_LEAD]++] = (size_t)u;
		free(f);
		free(lead[i]);
	}
	free(lead);
	for (i = 0; i < NROLES; i++)
		if (k->units[i] == NULL)
			k->units[i] = xcalloc(1, sizeof(size_t));
}

static void
read_targets(struct ctx *x, config_setting_t *root)
{
	config_setting_t *s = optional_list(x, root, "targets"), *g;
	struct plan *p = x->p;
	int i, n = s ? config_setting_length(s) : 0, ok;
	char *status;
	long u;

	p->targets = xcalloc((size_t)n + 1, sizeof(*p->targets));
	for (i = 0; i < n; i++) {
		struct plan_target *t = &p->targets[p->ntargets++];

		g = config_setting_get_elem(s, (unsigned)i);
		t->line = confutil_line(g);
		confutil_known(x->file, g, "a target", target_keys, x->d);
		u = read_unit_ref(x, g, "commune", "target");
		t->commune = u < 0 ? 0 : (size_t)u;
		if (u >= 0 && strcmp(p->units[u].kind, "commune") != 0)
			diag_error(x->d, x->file, t->line, "target: \"%s\" is a %s, not a commune",
			    p->units[u].name, p->units[u].kind);
		read_refs(x, g, "refs", &t->refs);
		/* A target the plan dates becomes a deadline; one it does not is recorded. */
		t->by_text = get_string(x, g, "by", 0);
		ok = t->by_text && read_when(x, g, "by", "target", t->by_text, &t->by) == 0;
		if (ok && t->by.kind != WHEN_DATED) {
			diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "by")),
			    "target: \"%s\" is not a date a target can be reached by", t->by_text);
			ok = 0;
		}
		if ((status = get_string(x, g, "status", 0)) != NULL) {
			t->achieved = !strcmp(status, "achieved");
			if (!t->achieved && strcmp(status, "open") != 0)
				diag_error(x->d, x->file, t->line, "target status \"%s\" is not open "
				    "or achieved", status);
			free(status);
		}
		t->goal = get_string(x, g, "goal", 0);
		t->reason = get_string(x, g, "reason", 0);
		t->proposal = get_string(x, g, "proposal", 0);
		t->budget = get_string(x, g, "budget", 0);
		if (ok && u >= 0 && !t->achieved)
			target_task(x, g, t, p->ntargets);
	}
}

/* [ met, total ] */
static void
read_count(struct ctx *x, config_setting_t *g, const char *key, int out[2])
{
	config_setting_t *s = config_setting_get_member(g, key);

	out[0] = out[1] = -1;
	if (s == NULL)
		return;
	if (!config_setting_is_array(s) || config_setting_length(s) != 2 ||
	    config_setting_type(config_setting_get_elem(s, 0)) != CONFIG_TYPE_INT ||
	    config_setting_type(config_setting_get_elem(s, 1)) != CONFIG_TYPE_INT ||
	    config_setting_get_int_elem(s, 0) < 0 ||
	    config_setting_get_int_elem(s, 0) > config_setting_get_int_elem(s, 1)) {
		diag_error(x->d, x->file, confutil_line(s), "\"%s\" must be [ met, total ], "
		    "e.g. [ 9, 19 ]", key);
		return;
	}
	out[0] = config_setting_get_int_elem(s, 0);
	out[1] = config_setting_get_int_elem(s, 1);
}

static void
read_progress(struct ctx *x, config_setting_t *root)
{
	config_setting_t *s = optional_list(x, root, "progress"), *g;
	struct plan *p = x->p;
	int i, n = s ? config_setting_length(s) : 0;
	ntm_date day;
	long u;

	p->progress = xcalloc((size_t)n + 1, sizeof(*p->progress));
	for (i = 0; i < n; i++) {
		struct plan_progress *e = &p->progress[p->nprogress++];

		g = config_setting_get_elem(s, (unsigned)i);
		e->line = confutil_line(g);
		confutil_known(x->file, g, "progress", progress_keys, x->d);
		u = read_unit_ref(x, g, "commune", "progress");
		e->commune = u < 0 ? 0 : (size_t)u;
		e->catalog = get_string(x, g, "catalog", 0);
		e->as_of = get_string(x, g, "as_of", 0);
		if (e->as_of && date_parse_iso(e->as_of, &day) < 0)
			diag_error(x->d, x->file, e->line, "as_of \"%s\" must be a date YYYY-MM-DD",
			    e->as_of);
		read_count(x, g, "criteria", e->criteria);
		read_count(x, g, "indicators", e->indicators);
	}
}

static void
read_sections(struct ctx *x, config_setting_t *root)
{
	config_setting_t *s = config_setting_get_member(root, "sections"), *sec, *tasks;
	struct plan *p = x->p;
	struct text_map ids = { 0 };
	size_t i;
	long first;
	int k, n;

	if (s == NULL)
		return;		/* a plan of targets and assignments only */
	if (!config_setting_is_list(s)) {
		diag_error(x->d, x->file, confutil_line(s), "\"sections\" must be a list "
		    "( { id = …; title = …; tasks = ( … ); }, … )");
		return;
	}
	for (k = 0; k < config_setting_length(s); k++) {
		char *id, *title;

		sec = config_setting_get_elem(s, (unsigned)k);
		confutil_known(x->file, sec, "a section", section_keys, x->d);
		id = get_string(x, sec, "id", 1);
		title = get_line(x, sec, "title", 1, "a section");
		tasks = config_setting_get_member(sec, "tasks");
		if (tasks == NULL || !config_setting_is_list(tasks))
			diag_error(x->d, x->file, confutil_line(sec), "section %s: missing list "
			    "\"tasks = ( { … } );\"", id ? id : "?");
		n = tasks ? config_setting_length(tasks) : 0;
		p->tasks = xrealloc(p->tasks, (p->ntasks + (size_t)n) * sizeof(*p->tasks));
		memset(p->tasks + p->ntasks, 0, (size_t)n * sizeof(*p->tasks));
		for (i = 0; i < (size_t)n; i++)
			read_task(x, config_setting_get_elem(tasks, (unsigned)i), id ? id : "?",
			    title ? title : "", &p->tasks[p->ntasks++]);
		free(id);
		free(title);
	}
	for (i = 0; i < p->ntasks; i++) {
		if ((first = text_map_get(&ids, p->tasks[i].id)) >= 0)
			diag_error(x->d, x->file, p->tasks[i].line, "task id %s is used twice "
			    "(first at line %d)", p->tasks[i].id, p->tasks[first].line);
		else
			text_map_set(&ids, p->tasks[i].id, (long)i);
	}
	text_map_free(&ids);
}

struct plan *
plan_load(const char *file, struct diag *d)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	struct ctx x = { file, d, p, { 0 }, { 0 } };
	size_t before = diag_errors(d);
	config_t cf;

	p->file = xstrdup(file);
	if (confutil_read(&cf, file, d) == 0) {
		config_setting_t *root = config_root_setting(&cf);

		confutil_known(file, root, NULL, root_keys, d);
		read_header(&x, root);
		read_units(&x, root);
		read_people(&x, root);
		read_sections(&x, root);
		read_assignments(&x, root);
		read_targets(&x, root);
		read_progress(&x, root);
	}
	config_destroy(&cf);
	text_map_free(&x.units);
	text_map_free(&x.people);
	if (diag_errors(d) > before) {
		plan_free(p);
		return NULL;
	}
	return p;
}

static void
free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
free_refs(struct plan_refs *r)
{
	free_strings(r->refs, r->n);
	free(r->catalog);
}

void
plan_free(struct plan *p)
{
	size_t i;
	int r;

	if (p == NULL)
		return;
	for (i = 0; i < p->npeople; i++) {
		struct plan_person *e = &p->people[i];

		free(e->code), free(e->name), free(e->title);
		free_strings(e->aliases, e->naliases);
		free_strings(e->emails, e->nemails);
	}
	for (i = 0; i < p->nassignments; i++)
		free_refs(&p->assignments[i].refs), free(p->assignments[i].note);
	for (i = 0; i < p->ntargets; i++) {
		struct plan_target *t = &p->targets[i];

		free_refs(&t->refs);
		free(t->by_text), free(t->goal), free(t->reason), free(t->proposal);
		free(t->budget), free(t->task_id);
		when_free(&t->by);
	}
	for (i = 0; i < p->nprogress; i++)
		free(p->progress[i].catalog), free(p->progress[i].as_of);
	free(p->people), free(p->assignments), free(p->targets), free(p->progress);
	for (i = 0; i < p->nunits; i++) {
		struct plan_unit *u = &p->units[i];

		free(u->code), free(u->name), free(u->kind), free(u->parent);
		free_strings(u->groups, u->ngroups);
		free(u->group_units);
		free(u->phone), free(u->address);
		free_strings(u->aliases, u->naliases);
		free_strings(u->emails, u->nemails);
	}
	for (i = 0; i < p->ntasks; i++) {
		struct plan_task *t = &p->tasks[i];

		free(t->id), free(t->section), free(t->title), free(t->when_text);
		free(t->latest_text), free(t->product);
		free_strings(t->report_to, t->nreport_to);
		free_refs(&t->criteria);
		when_free(&t->when);
		when_free(&t->latest);
		for (r = 0; r < NROLES; r++)
			free(t->units[r]);
	}
	free(p->units), free(p->tasks);
	free(p->file), free(p->code), free(p->org_code), free(p->org_name);
	free(p->number), free(p->title), free(p->issuer), free(p->issued);
	free(p->catalog), free(p->source);
	free(p);
}

const char *
plan_refs_catalog(const struct plan *p, const struct plan_refs *r)
{
	return r->catalog ? r->catalog : p->catalog;
}

/* Each ref of r must be in its catalog; a criterion's name becomes its number. */
static void
check_refs(const struct plan *p, struct plan_refs *r, const struct catalogs *cs,
    int by_name, struct diag *d)
{
	const char *code = plan_refs_catalog(p, r);
	const struct catalog *c;
	const struct criterion *k;
	size_t i;

	if (r->n == 0 && r->catalog == NULL)
		return;
	if (code == NULL) {
		diag_error(d, p->file, r->line, "criteria are named but no catalog is: set "
		    "plan.catalog or catalog here");
		return;
	}
	if ((c = catalogs_find(cs, code)) == NULL) {
		diag_error(d, p->file, r->line, "catalog \"%s\" is not one of the loaded criteria "
		    "sets (config/catalogs/)", code);
		return;
	}
	for (i = 0; i < r->n; i++) {
		const char *hash = strchr(r->refs[i], '#');

		if (hash != NULL) {	/* "319/QĐ-TTg#4.1": another set's item */
			char *set = xasprintf("%.*s", (int)(hash - r->refs[i]), r->refs[i]);
			const struct catalog *other = catalogs_find(cs, set);

			if (other == NULL)
				diag_error(d, p->file, r->line, "catalog \"%s\" is not one of the "
				    "loaded criteria sets (config/catalogs/)", set);
			else if (catalog_find(other, hash + 1) == NULL)
				diag_error(d, p->file, r->line, "\"%s\" is not a criterion or "
				    "indicator of %s", hash + 1, set);
			free(set);
			continue;
		}
		if (catalog_find(c, r->refs[i]))
			continue;
		if (by_name && (k = catalog_find_name(c, r->refs[i])) != NULL) {
			free(r->refs[i]);
			r->refs[i] = xstrdup(k->ref);
			continue;
		}
		diag_error(d, p->file, r->line, "\"%s\" is not a criterion or indicator of %s",
		    r->refs[i], c->code);
	}
}

static int check_catalogs(struct plan *, const struct catalogs *, struct diag *);

int
plan_check_catalogs(struct plan *p, const struct catalogs *cs, struct diag *d)
{
	struct diag each = { 0 };
	int rc;

	if (cs->n > 0)
		return check_catalogs(p, cs, d);
	/* none loaded: one error saying where they were looked for, not one a reference */
	if ((rc = check_catalogs(p, cs, &each)) < 0)
		diag_error(d, p->file, 0, "the plan names criteria sets, but none are loaded: "
		    "no file matches %s (set \"catalogs\" in the configuration)",
		    cs->looked_in ? cs->looked_in : "the catalogs patterns");
	diag_free(&each);
	return rc;
}

static int
check_catalogs(struct plan *p, const struct catalogs *cs, struct diag *d)
{
	size_t before = diag_errors(d), i;

	if (p->catalog && catalogs_find(cs, p->catalog) == NULL)
		diag_error(d, p->file, p->catalog_line, "catalog \"%s\" is not one of the loaded "
		    "criteria sets (config/catalogs/)", p->catalog);
	for (i = 0; i < p->ntasks; i++)
		check_refs(p, &p->tasks[i].criteria, cs, 0, d);
	for (i = 0; i < p->nassignments; i++)
		check_refs(p, &p->assignments[i].refs, cs, 0, d);
	for (i = 0; i < p->nprogress; i++) {
		struct plan_refs r = { p->progress[i].catalog, NULL, 0, p->progress[i].line };

		check_refs(p, &r, cs, 0, d);
	}
	for (i = 0; i < p->ntargets; i++) {
		struct plan_target *t = &p->targets[i];

		/* The deadline's title keeps the plan's own words for them. */
		check_refs(p, &t->refs, cs, 1, d);
	}
	return diag_errors(d) > before ? -1 : 0;
}

const char *
role_name(enum role r)
{
	return role_keys[r];
}

const char *
task_kind_name(enum task_kind k)
{
	return task_kinds[k];
}

int
plan_task_is_campaign(const struct plan_task *t)
{
	return t->when.kind == WHEN_WEEKLY && !t->kind_given && t->kind != TASK_MEETING;
}

void
plan_check_code(const struct plan *p, struct plan *const *before, size_t n, struct diag *d)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(before[i]->code, p->code))
			diag_error(d, p->file, 0, "plan code \"%s\" is also used by %s", p->code,
			    before[i]->file);
}
