/* ntmctl's plan-file commands: they need no database, and use one when given. */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "catalog.h"
#include "ctl_plans.h"
#include "import.h"
#include "plancheck.h"
#include "store.h"
#include "xalloc.h"

/* Catalog files: --catalogs patterns, else the config's, else the source tree's, else
 * the installed ones. */
static char **
catalog_files(const struct config *c, char **patterns, size_t npatterns, size_t *n,
    struct diag *d)
{
	static char *tree[] = { "config/catalogs/*.conf" }, *installed[] = {
	    NTM_CATALOG_DIR "/*.conf" };
	glob_t g;

	if (npatterns > 0)
		return config_glob(patterns, npatterns, "--catalogs", "ntmctl", n, d);
	if (c != NULL)
		return config_catalog_files(c, n, d);
	if (glob(tree[0], 0, NULL, &g) == 0) {
		globfree(&g);
		return config_glob(tree, 1, "catalogs", "ntmctl", n, d);
	}
	return config_glob(installed, 1, "catalogs", "ntmctl", n, d);
}

static void
print_summary(const struct plan *p, const struct six_clear *s)
{
	printf("%s: plan %s: %zu tasks, 6 rõ complete in %zu; missing: lead unit %zu, "
	    "one lead unit %zu, address %zu, dated time %zu, product %zu, authority %zu\n",
	    p->file, p->code, s->tasks, s->complete, s->no_lead, s->many_leads, s->no_address,
	    s->no_date, s->no_product, s->no_authority);
}

int
ctl_check(const struct config *c, int argc, char **argv)
{
	static const struct option opts[] = { { "catalogs", required_argument, NULL, 'k' },
	    { NULL, 0, NULL, 0 } };
	char **patterns = xcalloc((size_t)argc + 1, sizeof(char *)), **files;
	size_t npatterns = 0, nfiles = 0, nplans = 0, errors, warnings = 0, i;
	struct diag d = { 0 };
	struct catalogs cats;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch != 'k') {
			free(patterns);
			return EX_USAGE;
		}
		patterns[npatterns++] = optarg;
	}
	files = catalog_files(c, patterns, npatterns, &nfiles, &d);
	free(patterns);
	catalogs_load(&cats, files, nfiles, &d);
	config_free_files(files, nfiles);
	nfiles = 0;
	if (optind < argc) {
		files = xcalloc((size_t)(argc - optind), sizeof(char *));
		while (optind < argc)
			files[nfiles++] = xstrdup(argv[optind++]);
	} else if (c != NULL)
		files = config_calendar_files(c, &nfiles, &d);
	else {
		fprintf(stderr, "usage: ntmctl check [--catalogs PATTERN] FILE...\n");
		catalogs_free(&cats);
		diag_free(&d);
		return EX_USAGE;
	}
	diag_print(&d, stderr);
	errors = diag_errors(&d);
	for (i = 0; i < nfiles; i++) {
		struct six_clear s = { 0 };
		struct diag mine = { 0 };
		struct plan *p = plan_load(files[i], &mine);

		if (p != NULL) {
			plan_check_catalogs(p, &cats, &mine);
			plancheck_six_clear(p, &s, &mine);
		}
		diag_print(&mine, stderr);
		if (p != NULL) {
			print_summary(p, &s);
			nplans++;
		}
		errors += diag_errors(&mine);
		warnings += mine.nwarn;
		diag_free(&mine);
		plan_free(p);
	}
	printf("%zu plan%s checked: %zu error%s, %zu warning%s\n", nplans, nplans == 1 ? "" :
	    "s", errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	config_free_files(files, nfiles);
	catalogs_free(&cats);
	diag_free(&d);
	return errors ? EX_DATAERR : 0;
}
