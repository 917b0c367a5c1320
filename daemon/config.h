#ifndef NTM_CONFIG_H
#define NTM_CONFIG_H

#include <stddef.h>

#include "diag.h"

/* Where the criteria catalogs are installed (make install). */
#ifndef NTM_CATALOG_DIR
#define NTM_CATALOG_DIR "/usr/local/share/ntmd/catalogs"
#endif
/* Where the holiday announcements are installed, one file a year. */
#ifndef NTM_HOLIDAY_DIR
#define NTM_HOLIDAY_DIR "/usr/local/share/ntmd/holidays"
#endif

enum starttls { STARTTLS_REQUIRED, STARTTLS_OPTIONAL, STARTTLS_NEVER };

/* ntmd.conf, validated. Strings are owned by the struct. */
struct config {
	char		 *path;
	char		 *database;
	char		**calendars;		/* paths or glob patterns, as written */
	size_t		  ncalendars;
	char		**catalogs;		/* criteria sets: paths or patterns */
	size_t		  ncatalogs;
	int		  catalogs_default;	/* not configured: the installed ones */
	char		**holidays;		/* holiday announcements: paths or patterns */
	size_t		  nholidays;
	int		  holidays_default;
	int		  calendars_line, catalogs_line, holidays_line;	/* 0: not given */
	char		 *timezone;
	char		 *http_host;		/* http.listen split into host and port */
	int		  http_port;
	char		 *base_url;		/* without a trailing '/' */
	int		  feed_cache_mb;	/* http.feed_cache_mb: rendered feeds kept */
	char		 *link_key_file;	/* http.link_key_file: the done links' key, or
						 * NULL for link.key beside the database */
	int		  http_max_connections;	/* connections at once, all addresses */
	int		  http_max_per_ip;	/* at once from one address; 0: no limit */
	int		  http_max_header_kb;	/* a request's line and headers */
	int		  http_idle_timeout;	/* seconds a connection may stay silent */
	int		  http_total_timeout;	/* seconds a connection may last */
	char		 *smtp_url;		/* smtp://, smtps:// or file:DIR */
	char		 *smtp_from;		/* "Name <addr>" as written */
	char		 *smtp_user, *smtp_password;	/* optional */
	char		 *smtp_credential;	/* smtp.password_credential: the password's
						 * name in $CREDENTIALS_DIRECTORY, or NULL */
	enum starttls	  starttls;
	int		  smtp_connections;	/* SMTP transactions at once */
	int		  smtp_timeout;		/* seconds to wait for a connection or a reply */
	int		 *lead_days;		/* descending, distinct */
	size_t		  nlead;
	int		  send_at;		/* minutes after local midnight */
	int		  repeat_overdue;	/* working days between an overdue item's mails */
	int		  max_repeats;		/* how many times after the first overdue mail */
	int		  escalate_after;	/* working days overdue before the directing and
						 * coordination units hear of it */
};

/* Read and validate path. On failure returns NULL with every problem in *d. */
struct config *config_load(const char *path, struct diag *d);
/* For ntmd only (ntmctl sends no mail): the SMTP password from
 * $CREDENTIALS_DIRECTORY/<smtp.password_credential> (systemd's LoadCredential=; a final
 * newline is dropped), or, for one written in the file, a check that the file is the
 * user's ntmd runs as. 0, or -1 with the reason in *d. */
int config_read_secrets(struct config *c, struct diag *d);
void config_free(struct config *c);
/* The calendar files the config names, glob patterns expanded, sorted (allocated array
 * of allocated strings); a pattern that matches nothing is an error in *d. */
char **config_calendar_files(const struct config *c, size_t *n, struct diag *d);
/* The same for the criteria catalogs. */
char **config_catalog_files(const struct config *c, size_t *n, struct diag *d);
/* Expand glob patterns into sorted files; a pattern matching nothing is an error. */
char **config_glob(char *const *patterns, size_t npatterns, const char *what,
    const char *path, size_t *n, struct diag *d);
void config_free_files(char **files, size_t n);
/* The patterns as one text, "a, b" (allocated). */
char *config_join(char *const *patterns, size_t n);
/* The same for the holiday announcements. */
char **config_holiday_files(const struct config *c, size_t *n, struct diag *d);
/* The address part of smtp_from ("ntm@vanquan.example"); allocated. */
char *config_from_address(const struct config *c);

#endif
