/*
 * import-driver: import_table() on one file, for the benchmark and by hand.
 *
 *	import-driver --plan CODE --year Y [--org CODE] [--org-name NAME]
 *	    [--title TITLE] [--units PLAN.conf] [-o OUT] TABLE
 *
 * Known units come from the units of an existing plan file (--units). Problems go to
 * stderr as "file:line[:column]: message"; exit 0, 1 on errors, 64 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "date.h"
#include "diag.h"
#include "import.h"
#include "plan.h"
#include "xalloc.h"

static void
usage(void)
{
	fprintf(stderr, "usage: import-driver --plan CODE --year Y [--org CODE] "
	    "[--org-name NAME] [--title T] [--units PLAN.conf] [-o OUT] TABLE\n");
	exit(EX_USAGE);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		perror(path);
		exit(EX_NOINPUT);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

/* The units of plan p as import_table() wants them; borrowed from p. */
static struct import_unit *
units_of(const struct plan *p)
{
	struct import_unit *u = xcalloc(p->nunits, sizeof(*u));
	size_t i;

	for (i = 0; i < p->nunits; i++) {
		u[i].code = p->units[i].code;
		u[i].name = p->units[i].name;
		u[i].kind = p->units[i].kind;
		u[i].parent = p->units[i].parent;
		u[i].aliases = (const char *const *)p->units[i].aliases;
		u[i].naliases = p->units[i].naliases;
		u[i].emails = (const char *const *)p->units[i].emails;
		u[i].nemails = p->units[i].nemails;
	}
	return u;
}

int
main(int argc, char **argv)
{
	struct import_opts o = { .org_code = "org", .org_name = "Tổ chức" };
	const char *out_path = NULL, *units_path = NULL;
	struct plan *p = NULL;
	struct diag d = { 0 };
	struct buf out = { 0 };
	char *data;
	size_t len;
	int i, rc;
	FILE *f;

	for (i = 1; i < argc - 1 && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--plan"))
			o.plan_code = argv[i + 1];
		else if (!strcmp(argv[i], "--year"))
			o.year = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--org"))
			o.org_code = argv[i + 1];
		else if (!strcmp(argv[i], "--org-name"))
			o.org_name = argv[i + 1];
		else if (!strcmp(argv[i], "--title"))
			o.title = argv[i + 1];
		else if (!strcmp(argv[i], "--units"))
			units_path = argv[i + 1];
		else if (!strcmp(argv[i], "-o"))
			out_path = argv[i + 1];
		else
			usage();
	}
	if (i != argc - 1 || o.plan_code == NULL)
		usage();
	if (units_path) {
		if ((p = plan_load(units_path, &d)) == NULL) {
			diag_print(&d, stderr);
			return EX_DATAERR;
		}
		o.units = units_of(p);
		o.nunits = p->nunits;
		o.org_code = p->org_code;
		o.org_name = p->org_name;
	}
	data = slurp(argv[i], &len);
	rc = import_table(argv[i], data, len, &o, &out, &d);
	diag_print(&d, stderr);
	if (rc == 0) {
		f = out_path ? fopen(out_path, "w") : stdout;
		if (f == NULL || fwrite(out.s, 1, out.len, f) != out.len ||
		    (out_path && fclose(f) != 0)) {
			perror(out_path ? out_path : "stdout");
			rc = -1;
		}
	}
	free((void *)o.units);
	plan_free(p);
	free(data);
	buf_free(&out);
	diag_free(&d);
	return rc == 0 ? 0 : 1;
}
