#ifndef NTM_HTTP_H
#define NTM_HTTP_H

#include <sqlite3.h>

#include "config.h"
#include "donelink.h"
#include "workday.h"

struct http;

/* Listen on the config's http.listen, serving /healthz and /feeds/<token>/<unit>.ics
 * from db, which it only reads. Runs in the caller's loop (no thread). NULL with *err (allocated). */
struct http *http_start(const struct config *c, sqlite3 *db, const struct donekey *key,
    char **err);
void http_stop(struct http *h);
/* The descriptor to poll for readiness (an epoll set). */
int http_fd(const struct http *h);
/* Milliseconds until http_run() must be called even without activity; -1 for none. */
int http_timeout_ms(struct http *h);
/* Serve whatever is ready. */
void http_run(struct http *h);
/* Forget every rendered feed: what feeds show has changed (the database, the day, a
 * reload). Until then a feed is rendered once and served from memory. */
void http_forget_feeds(struct http *h);
/* The size of the feed cache from now on (http.feed_cache_mb of a reloaded config). */
void http_set_cache_mb(struct http *h, int mb);
/* The working days a meeting set on the desk is checked against: the daemon's, which a
 * reload replaces (NULL: none yet). */
void http_set_workcal(struct http *h, struct workcal *cal);

#endif
