/* ntmd.conf: read with libconfig, each section checked by its own small validator. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confutil.h"
#include "config.h"
#include "date.h"
#include "mail.h"
#include "text.h"
#include "xalloc.h"

/* The settings each group may hold: anything else is a mistake, said at its line. */
static const char *const root_keys[] = { "database", "calendars", "catalogs", "holidays",
	"timezone", "http", "smtp", "reminders", NULL };
static const char *const http_keys[] = { "listen", "base_url", "feed_cache_mb",
	"link_key_file", "max_connections", "max_connections_per_ip", "max_header_kb",
	"idle_timeout", "total_timeout", NULL };
static const char *const smtp_keys[] = { "url", "from", "connections", "user", "password",
	"password_credential", "starttls", "timeout", NULL };
static const char *const reminder_keys[] = { "lead_days", "send_at", "repeat_overdue",
	"max_repeats", "escalate_after", NULL };

/* The longest string a setting may hold: a path (PATH_MAX), far more than a URL or an
 * address needs. */
#define CONFIG_STRING_MAX	4096

struct ctx {
	const char	*file;
	struct diag	*d;
	struct config	*c;
};

/* A required (or optional) string member of group g; NULL when absent or wrong. */
static char *
get_string(struct ctx *x, const config_setting_t *g, const char *name, int required)
{
	config_setting_t *s = g ? config_setting_get_member(g, name) : NULL;
	const char *v;

	if (s == NULL) {
		if (required)
			diag_error(x->d, x->file, confutil_line(g), "missing setting \"%s\"%s",
			    name, confutil_line(g) ? "" : " (whole file)");
		return NULL;
	}
	if ((v = config_setting_get_string(s)) == NULL) {
		diag_error(x->d, x->file, confutil_line(s), "\"%s\" must be a string", name);
		return NULL;
	}
	if (strlen(v) > CONFIG_STRING_MAX) {
		diag_error(x->d, x->file, confutil_line(s), "\"%s\" is longer than %d bytes",
		    name, CONFIG_STRING_MAX);
		return NULL;
	}
	return xstrdup(v);
}

/* An optional whole number member of group g in [min, max]; dflt when absent. */
static int
get_int(struct ctx *x, const config_setting_t *g, const char *name, int dflt, int min,
    int max)
{
	config_setting_t *s = g ? config_setting_get_member(g, name) : NULL;
	int v;

	if (s == NULL)
		return dflt;
	v = config_setting_get_int(s);
	if (config_setting_type(s) != CONFIG_TYPE_INT || v < min || v > max) {
		diag_error(x->d, x->file, confutil_line(s), "%s.%s must be a whole number %d–%d",
		    config_setting_name(g), name, min, max);
		return dflt;
	}
	return v;
}

/* The database must be a file ntmd can open or make: a directory or a device is found
 * here, not at the first write. */
static void
check_database(struct ctx *x, config_setting_t *root)
{
	const char *db = x->c->database;
	int line = confutil_line(config_setting_get_member(root, "database"));
	char *dir, *slash;
	struct stat st;

	if (*db == '\0') {
		diag_error(x->d, x->file, line, "database must be a file's path");
		return;
	}
	if (stat(db, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			diag_error(x->d, x->file, line, "database \"%s\" is not a regular file", db);
		return;
	}
	dir = xstrdup(db);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	if (stat(slash ? dir : ".", &st) != 0 || !S_ISDIR(st.st_mode))
		diag_error(x->d, x->file, line, "database \"%s\" cannot be made: %s is not a "
		    "directory", db, slash ? dir : ".");
	free(dir);
}

static void
check_general(struct ctx *x, config_setting_t *root)
{
	if ((x->c->database = get_string(x, root, "database", 1)) != NULL)
		check_database(x, root);
	x->c->timezone = get_string(x, root, "timezone", 0);
	if (x->c->timezone == NULL)
		x->c->timezone = xstrdup("Asia/Ho_Chi_Minh");
	if (zone_set(x->c->timezone) < 0)
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(root, "timezone")),
		    "unknown time zone \"%s\"", x->c->timezone);
}

/* A list of paths or glob patterns under key; *out and *n set. */
static void
check_patterns(struct ctx *x, config_setting_t *root, const char *key, int required,
    char ***out, size_t *n, int *line)
{
	config_setting_t *s = config_setting_get_member(root, key);
	int i, len;

	*out = NULL;
	*n = 0;
	*line = confutil_line(s);
	if (s == NULL && !required)
		return;
	if (s == NULL) {
		diag_error(x->d, x->file, 0, "missing setting \"%s\" (whole file): a list of "
		    "paths or patterns, [ \"%s/*.conf\" ]", key, key);
		return;
	}
	if (!config_setting_is_array(s)) {
		diag_error(x->d, x->file, confutil_line(s), "\"%s\" must be a list of "
		    "paths or patterns: [ \"%s/*.conf\" ]", key, key);
		return;
	}
	len = config_setting_length(s);
	*out = xcalloc((size_t)len + 1, sizeof(char *));
	for (i = 0; i < len; i++) {
		const char *v = config_setting_get_string_elem(s, i);

		if (v == NULL || *v == '\0' || strlen(v) > CONFIG_STRING_MAX) {
			diag_error(x->d, x->file, confutil_line(s), "%s[%d] must be a path", key, i);
			continue;
		}
		(*out)[(*n)++] = xstrdup(v);
	}
}

/* Optional patterns whose default is what make install put under the prefix. */
static void
installed_patterns(struct ctx *x, config_setting_t *root, const char *key,
    const char *installed, char ***out, size_t *n, int *is_default, int *line)
{
	check_patterns(x, root, key, 0, out, n, line);
	if (config_setting_get_member(root, key) == NULL) {
		*out = xcalloc(2, sizeof(char *));
		(*out)[(*n)++] = xstrdup(installed);
		*is_default = 1;
	}
}

static void
check_calendars(struct ctx *x, config_setting_t *root)
{
	check_patterns(x, root, "calendars", 1, &x->c->calendars, &x->c->ncalendars,
	    &x->c->calendars_line);
	installed_patterns(x, root, "catalogs", NTM_CATALOG_DIR "/*.conf", &x->c->catalogs,
	    &x->c->ncatalogs, &x->c->catalogs_default, &x->c->catalogs_line);
	installed_patterns(x, root, "holidays", NTM_HOLIDAY_DIR "/*.conf", &x->c->holidays,
	    &x->c->nholidays, &x->c->holidays_default, &x->c->holidays_line);
}

static void
check_http(struct ctx *x, config_setting_t *root)
{
	config_setting_t *g = config_setting_get_member(root, "http");
	char *listen, *colon, *end;
	const char *why;
	long port;
	size_t n;

	if (g == NULL || !config_setting_is_group(g)) {
		if (g == NULL)
			diag_error(x->d, x->file, 0, "missing setting \"http\" (whole file): "
			    "{ listen = \"127.0.0.1:8470\"; base_url = \"…\"; }");
		else
			diag_error(x->d, x->file, confutil_line(g), "\"http\" must be a group: "
			    "{ listen = \"127.0.0.1:8470\"; base_url = \"…\"; }");
		return;
	}
	confutil_known(x->file, g, "http", http_keys, x->d);
	if ((listen = get_string(x, g, "listen", 1)) != NULL) {
		colon = strrchr(listen, ':');
		port = colon ? strtol(colon + 1, &end, 10) : -1;
		if (colon == NULL || colon == listen || *end != '\0' || port < 1 || port > 65535)
			diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "listen")),
			    "http.listen \"%s\" must be host:port", listen);
		else {
			*colon = '\0';
			x->c->http_host = xstrdup(listen);
			x->c->http_port = (int)port;
		}
		free(listen);
	}
	if ((x->c->base_url = get_string(x, g, "base_url", 1)) != NULL) {
		if ((why = text_line_problem(x->c->base_url)) != NULL || strpbrk(x->c->base_url, " "))
			diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "base_url")),
			    "http.base_url holds %s", why ? why : "a space");
		else if (strncmp(x->c->base_url, "http://", 7) && strncmp(x->c->base_url, "https://", 8))
			diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "base_url")),
			    "http.base_url must start with http:// or https://");
		n = strlen(x->c->base_url);
		while (n > 0 && x->c->base_url[n - 1] == '/')
			x->c->base_url[--n] = '\0';
	}
	x->c->feed_cache_mb = get_int(x, g, "feed_cache_mb", 64, 1, 4096);
	x->c->http_max_connections = get_int(x, g, "max_connections", 256, 8, 65536);
	x->c->http_max_per_ip = get_int(x, g, "max_connections_per_ip", 64, 0, 65536);
	x->c->http_max_header_kb = get_int(x, g, "max_header_kb", 16, 4, 1024);
	x->c->http_idle_timeout = get_int(x, g, "idle_timeout", 30, 1, 3600);
	x->c->http_total_timeout = get_int(x, g, "total_timeout", 120, 1, 86400);
	x->c->link_key_file = get_string(x, g, "link_key_file", 0);
}

static void
check_smtp_url(struct ctx *x, config_setting_t *g)
{
	const char *u = x->c->smtp_url;
	int line = confutil_line(config_setting_get_member(g, "url"));

	if (!strncmp(u, "file:", 5)) {
		if (u[5] == '\0')
			diag_error(x->d, x->file, line, "smtp.url \"file:\" needs a directory");
	} else if (strncmp(u, "smtp://", 7) && strncmp(u, "smtps://", 8))
		diag_error(x->d, x->file, line,
		    "smtp.url must be smtp://host:port, smtps://host:port or file:DIR");
	else if (strlen(u) <= (size_t)(u[4] == 's' ? 8 : 7))
		diag_error(x->d, x->file, line, "smtp.url \"%s\" has no host", u);
}

/* msmtp refuses a password file others can read; so do we. */
static void
check_secret_mode(struct ctx *x, config_setting_t *g)
{
	struct stat st;

	if (x->c->smtp_password && stat(x->file, &st) == 0 && (st.st_mode & 077))
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "password")),
		    "smtp.password is set but the file is readable by others (chmod 600)");
}

static void
check_smtp(struct ctx *x, config_setting_t *root)
{
	static const char *modes[] = { "required", "optional", "never" };
	config_setting_t *g = config_setting_get_member(root, "smtp");
	const char *why;
	char *tls, *addr;
	int i;

	if (g == NULL || !config_setting_is_group(g)) {
		if (g == NULL)
			diag_error(x->d, x->file, 0, "missing setting \"smtp\" (whole file): "
			    "{ url = \"smtp://host:587\"; from = \"…\"; }");
		else
			diag_error(x->d, x->file, confutil_line(g), "\"smtp\" must be a group: "
			    "{ url = \"smtp://host:587\"; from = \"…\"; }");
		return;
	}
	confutil_known(x->file, g, "smtp", smtp_keys, x->d);
	if ((x->c->smtp_url = get_string(x, g, "url", 1)) != NULL)
		check_smtp_url(x, g);
	if ((x->c->smtp_from = get_string(x, g, "from", 1)) != NULL) {
		int line = confutil_line(config_setting_get_member(g, "from"));

		why = text_line_problem(x->c->smtp_from);

		/* it goes into the From: of every mail: never pass a line break through */
		addr = config_from_address(x->c);
		if (why != NULL)
			diag_error(x->d, x->file, line, "smtp.from holds %s: it goes into every "
			    "mail's From: header", why);
		else if (!mail_address_ok(addr))
			diag_error(x->d, x->file, line,
			    "smtp.from \"%s\" must be an address, e.g. \"NTM <ntm@example.org>\"",
			    x->c->smtp_from);
		free(addr);
	}
	x->c->smtp_connections = get_int(x, g, "connections", 2, 1, 16);
	x->c->smtp_timeout = get_int(x, g, "timeout", 60, 1, 600);
	if ((x->c->smtp_user = get_string(x, g, "user", 0)) != NULL &&
	    (why = text_line_problem(x->c->smtp_user)) != NULL)
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "user")),
		    "smtp.user holds %s: it is sent in the SMTP dialogue", why);
	/* a slip of the editor, never shown: the message names what, not the value */
	if ((x->c->smtp_password = get_string(x, g, "password", 0)) != NULL &&
	    (why = text_line_problem(x->c->smtp_password)) != NULL)
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "password")),
		    "smtp.password holds %s", why);
	check_secret_mode(x, g);
	if ((x->c->smtp_credential = get_string(x, g, "password_credential", 0)) != NULL) {
		int line = confutil_line(config_setting_get_member(g, "password_credential"));

		if (x->c->smtp_password)
			diag_error(x->d, x->file, line, "smtp.password and smtp.password_credential "
			    "both set: keep one");
		if (!*x->c->smtp_credential || strchr(x->c->smtp_credential, '/') ||
		    !strcmp(x->c->smtp_credential, ".") || !strcmp(x->c->smtp_credential, ".."))
			diag_error(x->d, x->file, line, "smtp.password_credential must be a "
			    "credential's name, as in LoadCredential=NAME:PATH");
	}
	x->c->starttls = STARTTLS_REQUIRED;
	if ((tls = get_string(x, g, "starttls", 0)) != NULL) {
		for (i = 0; i < 3 && strcmp(tls, modes[i]); i++)
			;
		if (i == 3)
			diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "starttls")),
			    "smtp.starttls must be \"required\", \"optional\" or \"never\"");
		x->c->starttls = (enum starttls)(i % 3);
		free(tls);
	}
}

static int
cmp_desc(const void *a, const void *b)
{
	return *(const int *)b - *(const int *)a;
}

static void
check_lead_days(struct ctx *x, config_setting_t *g)
{
	config_setting_t *s = g ? config_setting_get_member(g, "lead_days") : NULL;
	int i, n;

	if (s == NULL) {
		static const int dflt[] = { 7, 1, 0 };

		x->c->lead_days = xmalloc(sizeof(dflt));
		memcpy(x->c->lead_days, dflt, sizeof(dflt));
		x->c->nlead = 3;
		return;
	}
	if (!config_setting_is_array(s) || (n = config_setting_length(s)) == 0) {
		diag_error(x->d, x->file, confutil_line(s), "reminders.lead_days must be a list "
		    "of days before the deadline, e.g. [7, 1, 0]");
		return;
	}
	x->c->lead_days = xcalloc((size_t)n, sizeof(int));
	for (i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		int v = config_setting_get_int(e);

		if (config_setting_type(e) != CONFIG_TYPE_INT || v < 0 || v > 365)
			diag_error(x->d, x->file, confutil_line(s),
			    "reminders.lead_days[%d] must be a whole number of days 0–365", i);
		x->c->lead_days[i] = v;
	}
	x->c->nlead = (size_t)n;
	qsort(x->c->lead_days, x->c->nlead, sizeof(int), cmp_desc);
	for (i = 1; i < n; i++)
		if (x->c->lead_days[i] == x->c->lead_days[i - 1])
			diag_error(x->d, x->file, confutil_line(s),
			    "reminders.lead_days lists %d twice", x->c->lead_days[i]);
}

static void
check_reminders(struct ctx *x, config_setting_t *root)
{
	config_setting_t *g = config_setting_get_member(root, "reminders");
	char *at;
	int h, m, n = 0;

	x->c->send_at = 7 * 60 + 30;
	x->c->repeat_overdue = 3;
	x->c->max_repeats = 10;
	x->c->escalate_after = 5;
	if (g != NULL && !config_setting_is_group(g)) {
		diag_error(x->d, x->file, confutil_line(g), "\"reminders\" must be a group");
		return;
	}
	confutil_known(x->file, g, "reminders", reminder_keys, x->d);
	check_lead_days(x, g);
	x->c->repeat_overdue = get_int(x, g, "repeat_overdue", 3, 1, 60);
	x->c->max_repeats = get_int(x, g, "max_repeats", 10, 0, 100);
	x->c->escalate_after = get_int(x, g, "escalate_after", 5, 1, 60);
	if ((at = get_string(x, g, "send_at", 0)) == NULL)
		return;
	if (sscanf(at, "%2d:%2d%n", &h, &m, &n) != 2 || at[n] != '\0' || h > 23 || m > 59 ||
	    h < 0 || m < 0)
		diag_error(x->d, x->file, confutil_line(config_setting_get_member(g, "send_at")),
		    "reminders.send_at \"%s\" must be HH:MM", at);
	else
		x->c->send_at = h * 60 + m;
	free(at);
}

struct config *
config_load(const char *path, struct diag *d)
{
	struct config *c = xcalloc(1, sizeof(*c));
	struct ctx x = { path, d, c };
	size_t before = diag_errors(d);
	config_t cf;

	c->path = xstrdup(path);
	if (confutil_read(&cf, path, d) == 0) {
		config_setting_t *root = config_root_setting(&cf);

		if (config_setting_length(root) == 0)
			diag_error(d, path, 0, "the file holds no settings (see ntmd.conf(5))");
		else {
			confutil_known(path, root, NULL, root_keys, d);
			check_general(&x, root);
			check_calendars(&x, root);
			check_http(&x, root);
			check_smtp(&x, root);
			check_reminders(&x, root);
		}
	}
	config_destroy(&cf);
	if (diag_errors(d) > before) {
		config_free(c);
		return NULL;
	}
	return c;
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	config_free_files(c->calendars, c->ncalendars);
	config_free_files(c->catalogs, c->ncatalogs);
	config_free_files(c->holidays, c->nholidays);
	free(c->path);
	free(c->database);
	free(c->timezone);
	free(c->http_host);
	free(c->base_url);
	free(c->link_key_file);
	free(c->smtp_url);
	free(c->smtp_from);
	free(c->smtp_user);
	free_secret(c->smtp_password);
	free(c->smtp_credential);
	free(c->lead_days);
	free(c);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* config_glob(), a pattern that matches nothing reported at line. */
static char **
glob_at(char *const *patterns, size_t npatterns, const char *what, const char *path,
    int line, size_t *n, struct diag *d)
{
	char **files = NULL;
	size_t i, j;
	glob_t g;

	*n = 0;
	for (i = 0; i < npatterns; i++) {
		if (glob(patterns[i], GLOB_NOSORT, NULL, &g) != 0) {
			diag_error(d, path, line, "%s: \"%s\" matches no file", what, patterns[i]);
			continue;
		}
		files = xrealloc(files, (*n + g.gl_pathc) * sizeof(char *));
		for (j = 0; j < g.gl_pathc; j++)
			files[(*n)++] = xstrdup(g.gl_pathv[j]);
		globfree(&g);
	}
	if (*n > 0)
		qsort(files, *n, sizeof(char *), cmp_str);
	return files;
}

char **
config_glob(char *const *patterns, size_t npatterns, const char *what, const char *path,
    size_t *n, struct diag *d)
{
	return glob_at(patterns, npatterns, what, path, 0, n, d);
}

char **
config_calendar_files(const struct config *c, size_t *n, struct diag *d)
{
	return glob_at(c->calendars, c->ncalendars, "calendars", c->path, c->calendars_line, n,
	    d);
}

/* Files matched by patterns; the default matching nothing is not an error (not
 * installed: plans that name a criteria set will say so, and the law alone gives the
 * holidays). */
static char **
installed_files(const struct config *c, char **patterns, size_t npatterns, int is_default,
    const char *key, int line, size_t *n, struct diag *d)
{
	struct diag quiet = { 0 };
	char **files;

	if (!is_default)
		return glob_at(patterns, npatterns, key, c->path, line, n, d);
	files = config_glob(patterns, npatterns, key, c->path, n, &quiet);
	diag_free(&quiet);
	return files;
}

char **
config_catalog_files(const struct config *c, size_t *n, struct diag *d)
{
	return installed_files(c, c->catalogs, c->ncatalogs, c->catalogs_default, "catalogs",
	    c->catalogs_line, n, d);
}

char **
config_holiday_files(const struct config *c, size_t *n, struct diag *d)
{
	return installed_files(c, c->holidays, c->nholidays, c->holidays_default, "holidays",
	    c->holidays_line, n, d);
}

void
config_free_files(char **files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
}

char *
config_join(char *const *patterns, size_t n)
{
	struct buf b = { 0 };
	size_t i;

	buf_puts(&b, "");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", patterns[i]);
	return buf_steal(&b);
}

char *
config_from_address(const struct config *c)
{
	const char *lt = strrchr(c->smtp_from, '<'), *gt;

	if (lt && (gt = strchr(lt, '>')) != NULL)
		return xasprintf("%.*s", (int)(gt - lt - 1), lt + 1);
	return xstrdup(c->smtp_from);
}

int
config_read_secrets(struct config *c, struct diag *d)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	char *path, buf[1024];
	struct stat st;
	size_t n;
	FILE *f;

	/* a password in the file: the file is the service user's alone */
	if (c->smtp_password && c->smtp_credential == NULL && stat(c->path, &st) == 0 &&
	    st.st_uid != geteuid()) {
		diag_error(d, c->path, 0, "smtp.password is set but the file belongs to another "
		    "user (uid %u; ntmd runs as %u): chown it, or use smtp.password_credential",
		    (unsigned)st.st_uid, (unsigned)geteuid());
		return -1;
	}
	if (c->smtp_credential == NULL)
		return 0;
	if (dir == NULL || *dir == '\0') {
		diag_error(d, c->path, 0, "smtp.password_credential \"%s\": $CREDENTIALS_DIRECTORY "
		    "is not set (systemd sets it for LoadCredential=%s:FILE)", c->smtp_credential,
		    c->smtp_credential);
		return -1;
	}
	path = xasprintf("%s/%s", dir, c->smtp_credential);
	if ((f = fopen(path, "re")) == NULL) {
		diag_error(d, c->path, 0, "smtp.password_credential: cannot read %s", path);
		free(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (n == 0 || n == sizeof(buf) - 1 || strlen(buf) != n || text_line_problem(buf)) {
		diag_error(d, c->path, 0, "smtp.password_credential: %s is empty, too long or "
		    "not one line of text", path);
		explicit_bzero(buf, sizeof(buf));
		free(path);
		return -1;
	}
	free_secret(c->smtp_password);
	c->smtp_password = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	free(path);
	return 0;
}
