/*
 * Criteria sets (bộ tiêu chí): QĐ 1980/QĐ-TTg, 318/QĐ-TTg Phụ lục I and II, 319/QĐ-TTg,
 * 51/2025/QĐ-TTg, and whatever a province issues. Numbering differs between sets, so a
 * plan refers to "set + number", and nothing here knows any set by heart.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "confutil.h"
#include "date.h"
#include "text.h"
#include "xalloc.h"

/* The settings a criteria set may hold: anything else is a mistake, said at its line. */
static const char *const root_keys[] = { "catalog", "criteria", NULL };
static const char *const catalog_keys[] = { "code", "title", "decision", "issued",
	"in_force", "level", "period", "source", NULL };
static const char *const criterion_keys[] = { "ref", "name", "indicators", NULL };
static const char *const indicator_keys[] = { "ref", "name", NULL };

static const char *levels[] = { "basic", "advanced", "model", NULL };

/* A text setting that, when present, must not be empty. */
static char *
member(const char *file, const config_setting_t *g, const char *name, int required,
    struct diag *d)
{
	char *v = confutil_text(file, g, name, required, d);
	const char *why = NULL;

	/* every one is a line of a page, a message or a mail */
	if (v != NULL && (*v == '\0' || (why = text_line_problem(v)) != NULL)) {
		if (why != NULL)
			diag_error(d, file, confutil_line(config_setting_get_member(g, name)),
			    "\"%s\" holds %s: it must be one line of text", name, why);
		else
			diag_error(d, file, confutil_line(config_setting_get_member(g, name)),
			    "\"%s\" must not be empty", name);
		free(v);
		return NULL;
	}
	return v;
}

/* "1" … "99" for a criterion, "17.6" for an indicator of criterion 17. */
static int
valid_ref(const char *ref, const char *parent)
{
	const char *s = ref;
	size_t plen = parent ? strlen(parent) : 0;

	if (parent) {
		if (strncmp(ref, parent, plen) != 0 || ref[plen] != '.')
			return 0;
		s = ref + plen + 1;
	}
	if (*s < '1' || *s > '9' || strlen(s) > 3)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void
add_item(const char *file, struct catalog *c, config_setting_t *g, const char *parent,
    struct diag *d)
{
	struct criterion it = { NULL, NULL, confutil_line(g) };

	confutil_known(file, g, parent ? "an indicator" : "a criterion", parent ?
	    indicator_keys : criterion_keys, d);
	if ((it.ref = member(file, g, "ref", 1, d)) == NULL)
		return;
	if (!valid_ref(it.ref, parent)) {
		if (parent)
			diag_error(d, file, it.line, "indicator ref \"%s\" must be \"%s.N\"",
			    it.ref, parent);
		else
			diag_error(d, file, it.line, "criterion ref \"%s\" must be a number",
			    it.ref);
	} else if (catalog_find(c, it.ref))
		diag_error(d, file, it.line, "ref \"%s\" is listed twice", it.ref);
	it.name = member(file, g, "name", 0, d);
	c->items = xrealloc(c->items, (c->nitems + 1) * sizeof(*c->items));
	c->items[c->nitems++] = it;
}

static void
read_criteria(const char *file, struct catalog *c, config_setting_t *root, struct diag *d)
{
	config_setting_t *list = config_setting_get_member(root, "criteria"), *g, *ind;
	int i, j;

	if (list == NULL || !config_setting_is_list(list) || config_setting_length(list) == 0) {
		diag_error(d, file, confutil_line(list), "missing list \"criteria = ( { ref = "
		    "\"1\"; name = \"…\"; }, … );\"");
		return;
	}
	for (i = 0; i < config_setting_length(list); i++) {
		size_t at = c->nitems;

		g = config_setting_get_elem(list, (unsigned)i);
		add_item(file, c, g, NULL, d);
		if (c->nitems == at)
			continue;
		if ((ind = config_setting_get_member(g, "indicators")) == NULL)
			continue;
		if (!config_setting_is_list(ind)) {
			diag_error(d, file, confutil_line(ind), "\"indicators\" must be a list "
			    "( { ref = \"…\"; }, … )");
			continue;
		}
		for (j = 0; j < config_setting_length(ind); j++)
			add_item(file, c, config_setting_get_elem(ind, (unsigned)j),
			    c->items[at].ref, d);
	}
}

struct catalog *
catalog_load(const char *file, struct diag *d)
{
	struct catalog *c = xcalloc(1, sizeof(*c));
	size_t before = diag_errors(d), i;
	config_setting_t *g;
	ntm_date day;
	config_t cf;

	c->file = xstrdup(file);
	if (confutil_read(&cf, file, d) == 0) {
		confutil_known(file, config_root_setting(&cf), NULL, root_keys, d);
		g = config_setting_get_member(config_root_setting(&cf), "catalog");
		if (g == NULL || !config_setting_is_group(g))
			diag_error(d, file, 0, "missing group \"catalog = { code = …; }\"");
		else {
			confutil_known(file, g, "catalog", catalog_keys, d);
			c->code = member(file, g, "code", 1, d);
			c->code_line = confutil_line(config_setting_get_member(g, "code"));
			c->title = member(file, g, "title", 1, d);
			c->decision = member(file, g, "decision", 1, d);
			c->issued = member(file, g, "issued", 0, d);
			c->in_force = member(file, g, "in_force", 0, d);
			c->level = member(file, g, "level", 1, d);
			c->period = member(file, g, "period", 0, d);
			c->source = member(file, g, "source", 0, d);
			for (i = 0; c->level && levels[i] && strcmp(levels[i], c->level); i++)
				;
			if (c->level && levels[i] == NULL)
				diag_error(d, file, confutil_line(g), "level \"%s\" is not basic, "
				    "advanced or model", c->level);
			if ((c->issued && date_parse_iso(c->issued, &day) < 0) ||
			    (c->in_force && date_parse_iso(c->in_force, &day) < 0))
				diag_error(d, file, confutil_line(g), "dates must be YYYY-MM-DD");
		}
		read_criteria(file, c, config_root_setting(&cf), d);
	}
	config_destroy(&cf);
	if (diag_errors(d) > before) {
		catalog_free(c);
		return NULL;
	}
	return c;
}

void
catalog_free(struct catalog *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nitems; i++)
		free(c->items[i].ref), free(c->items[i].name);
	free(c->items);
	free(c->file), free(c->code), free(c->title), free(c->decision), free(c->issued);
	free(c->in_force), free(c->level), free(c->period), free(c->source);
	free(c);
}

const struct criterion *
catalog_find(const struct catalog *c, const char *ref)
{
	size_t i;

	for (i = 0; i < c->nitems; i++)
		if (!strcmp(c->items[i].ref, ref))
			return &c->items[i];
	return NULL;
}

int
catalog_is_criterion(const char *ref)
{
	return strchr(ref, '.') == NULL;
}

const struct criterion *
catalog_find_name(const struct catalog *c, const char *name)
{
	const struct criterion *found = NULL;
	char *key = text_fold(name), *f;
	size_t i;

	for (i = 0; key && i < c->nitems && !found; i++) {
		if (!catalog_is_criterion(c->items[i].ref) || c->items[i].name == NULL)
			continue;
		f = text_fold(c->items[i].name);
		if (f && !strcmp(f, key))
			found = &c->items[i];
		free(f);
	}
	free(key);
	return found;
}

int
catalogs_load(struct catalogs *cs, char **files, size_t n, const char *looked_in,
    struct diag *d)
{
	size_t before = diag_errors(d), i;
	const struct catalog *other;
	struct catalog *c;

	memset(cs, 0, sizeof(*cs));
	cs->v = xcalloc(n + 1, sizeof(*cs->v));
	cs->looked_in = xstrdup(looked_in);
	for (i = 0; i < n; i++) {
		if ((c = catalog_load(files[i], d)) == NULL)
			continue;
		if ((other = catalogs_find(cs, c->code)) != NULL) {
			diag_error(d, files[i], c->code_line, "catalog code \"%s\" is also used "
			    "by %s", c->code, other->file);
			catalog_free(c);
			continue;
		}
		cs->v[cs->n++] = c;
	}
	return diag_errors(d) > before ? -1 : 0;
}

const struct catalog *
catalogs_find(const struct catalogs *cs, const char *code)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (!strcmp(cs->v[i]->code, code))
			return cs->v[i];
	return NULL;
}

void
catalogs_free(struct catalogs *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		catalog_free(cs->v[i]);
	free(cs->v);
	free(cs->looked_in);
	memset(cs, 0, sizeof(*cs));
}
