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

struct ctx {
	const char	*file;
	struct diag	*d;
	struct plan	*p;
};

static char *
get_string(struct ctx *x, const config_setting_t *g, const char *name, int required)
{
	config_setting_t *s = config_setting_get_member(g, name);
	const char *v;

	if (s == NULL) {
		if (required)
			diag_error(x->d, x->file, confutil_line(g), "missing \"%s\"", name);
		return NULL;
	}
	if ((v = config_setting_get_string(s)) == NULL || !text_valid_utf8(v)) {
		diag_error(x->d, x->file, confutil_line(s), "\"%s\" must be a UTF-8 string", name);
		return NULL;
	}
	return text_nfc(v);
}

/* An optional array of strings; *n set to its length. */
static char **
get_strings(struct ctx *x, const config_setting_t *g, const char *name, size_t *n)
{
	config_setting_t *s = config_setting_get_member(g, name);
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
		else
			v[(*n)++] = text_nfc(e);
	}
	return v;
}

static int
valid_code(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

static int
in_list(const char *s, const char **list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
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
	p->code = get_string(x, g, "code", 1);
	if (p->code && !valid_code(p->code))
		diag_error(x->d, x->file, confutil_line(g), "plan code \"%s\" may hold only a-z, "
		    "0-9 and '-'", p->code);
	org = config_setting_get_member(g, "org");
	if (org == NULL || !config_setting_is_group(org))
		diag_error(x->d, x->file, confutil_line(org ? org : g),
		    "missing \"org = { code = …; name = …; }\"");
	else {
		p->org_code = get_string(x, org, "code", 1);
		p->org_name = get_string(x, org, "name", 1);
		if (p->org_code && !valid_code(p->org_code))
			diag_error(x->d, x->file, confutil_line(org), "org code \"%s\" may hold only "
			    "a-z, 0-9 and '-'", p->org_code);
	}
	p->number = get_string(x, g, "number", 0);
	p->title = get_string(x, g, "title", 1);
	p->issuer = get_string(x, g, "issuer", 0);
	p->issued = get_string(x, g, "issued", 0);
	p->catalog = get_string(x, g, "catalog", 0);
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
}

static void
read_unit(struct ctx *x, config_setting_t *g, struct plan_unit *u)
{
	config_setting_t *coord;
	size_t i;

	u->line = confutil_line(g);
	u->code = get_string(x, g, "code", 1);
	u->name = get_string(x, g, "name", 1);
	u->kind = get_string(x, g, "kind", 1);
	u->parent = get_string(x, g, "parent", 0);
	u->aliases = get_strings(x, g, "aliases", &u->naliases);
	u->emails = get_strings(x, g, "emails", &u->nemails);
	if ((coord = config_setting_get_member(g, "coordinator")) != NULL)
		u->coordinator = config_setting_get_bool(coord);
	if (u->code && !valid_code(u->code))
		diag_error(x->d, x->file, u->line, "unit code \"%s\" may hold only a-z, 0-9 "
		    "and '-'", u->code);
	if (u->kind && !in_list(u->kind, unit_kinds))
		diag_error(x->d, x->file, u->line, "unit kind \"%s\" is not one of department, "
		    "commune, board, office, organisation, group", u->kind);
	for (i = 0; i < u->nemails; i++)
		if (strchr(u->emails[i], '@') == NULL || strpbrk(u->emails[i], " <>,;\"\r\n"))
			diag_error(x->d, x->file, u->line, "\"%s\" is not an email address",
			    u->emails[i]);
}

/* Index of the unit that code, name or an alias of which folds to `key`; -1 if none. */
static long
find_unit(const struct plan *p, const char *key)
{
	size_t i, j;
	long found = -1;
	char *f;

	for (i = 0; i < p->nunits && found < 0; i++) {
		const struct plan_unit *u = &p->units[i];
		const char *names[2] = { u->code, u->name };

		for (j = 0; j < 2 + u->naliases && found < 0; j++) {
			const char *n = j < 2 ? names[j] : u->aliases[j - 2];

			if (n && (f = text_fold(n)) != NULL) {
				if (!strcmp(f, key))
					found = (long)i;
				free(f);
			}
		}
	}
	return found;
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
			if ((other = find_unit(p, f)) != (long)i)
				diag_error(x->d, x->file, u->line, "alias \"%s\" of unit \"%s\" also "
				    "names unit \"%s\"", u->aliases[j], u->code, p->units[other].code);
			free(f);
		}
		if (u->code && (other = find_unit(p, u->code)) != (long)i)
			diag_error(x->d, x->file, u->line, "unit code \"%s\" is defined twice "
			    "(or is another unit's alias)", u->code);
		if (u->parent && find_unit(p, u->parent) < 0)
			diag_error(x->d, x->file, u->line, "parent \"%s\" of unit \"%s\" is not a "
			    "unit of this plan", u->parent, u->code);
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
	for (i = 0; i < n; i++)
		read_unit(x, config_setting_get_elem(s, (unsigned)i), &x->p->units[i]);
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
			if ((u = find_unit(x->p, f)) < 0)
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
	id = get_string(x, g, "id", 1);
	t->id = xasprintf("%s.%s", sec_id, id ? id : "?");
	free(id);
	t->section = xstrdup(sec_title);
	t->title = get_string(x, g, "title", 1);
	t->when_text = get_string(x, g, "when", 1);
	t->kind = t->title ? default_kind(t->title) : TASK_DEADLINE;
	if ((kind = get_string(x, g, "kind", 0)) != NULL) {
		for (i = 0; task_kinds[i] && strcmp(kind, task_kinds[i]); i++)
			;
		if (task_kinds[i] == NULL)
			diag_error(x->d, x->file, t->line, "task %s: kind \"%s\" is not meeting, "
			    "deadline or report", t->id, kind);
		else
			t->kind = (enum task_kind)i;
		free(kind);
	}
	resolve_roles(x, g, t);
	if (t->when_text && when_parse(t->when_text, x->p->year,
	    date_from_ymd(x->p->year ? x->p->year : 2000, 1, 1), &t->when) < 0)
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "when")),
		    "task %s: cannot read the time \"%s\": %s", t->id, t->when_text,
		    t->when.error);
}

static void
read_sections(struct ctx *x, config_setting_t *root)
{
	config_setting_t *s = config_setting_get_member(root, "sections"), *sec, *tasks;
	struct plan *p = x->p;
	size_t i, j;
	int k, n;

	if (s == NULL || !config_setting_is_list(s)) {
		diag_error(x->d, x->file, confutil_line(s), "missing list \"sections = ( { … } );\"");
		return;
	}
	for (k = 0; k < config_setting_length(s); k++) {
		char *id, *title;

		sec = config_setting_get_elem(s, (unsigned)k);
		id = get_string(x, sec, "id", 1);
		title = get_string(x, sec, "title", 1);
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
	for (i = 0; i < p->ntasks; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(p->tasks[i].id, p->tasks[j].id))
				diag_error(x->d, x->file, p->tasks[i].line, "task id %s is used twice "
				    "(first at line %d)", p->tasks[i].id, p->tasks[j].line);
}

struct plan *
plan_load(const char *file, struct diag *d)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	struct ctx x = { file, d, p };
	size_t before = diag_errors(d);
	config_t cf;

	p->file = xstrdup(file);
	if (confutil_read(&cf, file, d) == 0) {
		config_setting_t *root = config_root_setting(&cf);

		read_header(&x, root);
		read_units(&x, root);
		read_sections(&x, root);
	}
	config_destroy(&cf);
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

void
plan_free(struct plan *p)
{
	size_t i;
	int r;

	if (p == NULL)
		return;
	for (i = 0; i < p->nunits; i++) {
		struct plan_unit *u = &p->units[i];

		free(u->code), free(u->name), free(u->kind), free(u->parent);
		free_strings(u->aliases, u->naliases);
		free_strings(u->emails, u->nemails);
	}
	for (i = 0; i < p->ntasks; i++) {
		struct plan_task *t = &p->tasks[i];

		free(t->id), free(t->section), free(t->title), free(t->when_text);
		when_free(&t->when);
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
role_name(enum role r)
{
	return role_keys[r];
}

const char *
task_kind_name(enum task_kind k)
{
	return task_kinds[k];
}
