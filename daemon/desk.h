#ifndef NTM_DESK_H
#define NTM_DESK_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "workday.h"

/*
 * The coordinator's desk: signed-in pages of the four buckets, the overdue items, the
 * communes' progress, the assignments and the coming month, each table also as CSV and
 * XLSX. It knows HTTP only as a request in and a response out; http.c speaks to
 * libmicrohttpd.
 */

struct desk;

/* A request, as http.c hands it over. */
struct desk_request {
	const char	*method;	/* GET, HEAD or POST */
	const char	*path;		/* without the query */
	const char	*query;		/* the query, percent-encoded, or NULL */
	/* a query argument (or, for a POST, a form field), NULL when absent */
	const char	*(*arg)(void *ctx, const char *name);
	const char	*(*field)(void *ctx, const char *name);
	void		*ctx;
	const char	*session;	/* the session cookie's value, or NULL */
	const char	*form_cookie;	/* the sign-in form's cookie, or NULL */
	const char	*remote;	/* the client's address */
	time_t		 now;
	struct workcal	*cal;		/* the days off a meeting is checked against */
	int		 verified;	/* after DESK_VERIFY: 1 the password matched, 0 not */
};

/* What to answer. Every pointer allocated or NULL; free with desk_response_free(). */
struct desk_response {
	unsigned int	 status;
	const char	*type;		/* Content-Type */
	char		*body;
	size_t		 len;
	char		*location;	/* a redirect's target */
	char		*cookies[2];	/* Set-Cookie values */
	char		*filename;	/* a download: Content-Disposition: attachment */
	int		 changed;	/* what feeds show changed (an item done) */
	/* DESK_VERIFY: check password against hash away from the loop, then serve the
	 * same request again with verified set */
	char		*verify_hash, *verify_password;
};

enum desk_step { DESK_ANSWER, DESK_VERIFY };

/* The desk of db, with the config's base URL (its path is every link's prefix; https
 * makes cookies Secure) and first lead day. */
struct desk *desk_new(const struct config *c, sqlite3 *db);
void desk_free(struct desk *d);
/* Whether the path is the desk's. */
int desk_serves(const char *path);
/* Answer a request: DESK_ANSWER with the response, or DESK_VERIFY (see above). */
enum desk_step desk_serve(struct desk *d, const struct desk_request *rq,
    struct desk_response *rs);
void desk_response_free(struct desk_response *rs);

/* The names of the cookies http.c must hand over. */
#define DESK_SESSION_COOKIE	"ntm_session"
#define DESK_FORM_COOKIE	"ntm_form"
/* Form fields and their largest size in bytes (a note: 2,000 characters). */
#define DESK_POST_MAX		(4 * 3 * 2000 + 1024)

#endif
