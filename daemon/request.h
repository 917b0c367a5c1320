#ifndef NTM_REQUEST_H
#define NTM_REQUEST_H

#include <stddef.h>
#include <time.h>

#include "xalloc.h"

/*
 * What a request says, read from plain strings: the forms its POST carries and the
 * headers a feed's answer depends on. http.c hands them over from libmicrohttpd; the
 * fuzz target (tests/fuzz/fuzz_http.c) from anywhere.
 */

/* A POST's form, application/x-www-form-urlencoded (all that ntmd's pages send): the
 * first FORM_FIELDS names, each with its first value, decoded. Zeroed when empty. */
#define FORM_FIELDS	16
struct form {
	struct {
		char		*key;
		struct buf	 value;
	}		 field[FORM_FIELDS];
	size_t		 nfield;
};

/* Add the fields of body (len bytes: "a=1&b=x+y%2C"; no NUL needed) to f. */
void form_parse(struct form *f, const char *body, size_t len);
/* A field as sent (NULL if absent, "" if empty): what a password must stay. */
const char *form_raw(const struct form *f, const char *key);
/* A field as it is kept: trimmed, line ends as "\n", other control characters as
 * spaces; NULL when absent or empty. Rewrites the field in place. */
const char *form_value(struct form *f, const char *key);
/* Free the fields, their values wiped first (a password is one). */
void form_free(struct form *f);

/* Whether Accept-Encoding (NULL: not sent) takes gzip (RFC 9110 §12.5.3). */
int request_wants_gzip(const char *accept_encoding);
/* Whether If-None-Match and If-Modified-Since (NULL: not sent) let a representation
 * with this ETag and Last-Modified (0: none) be answered 304. */
int request_not_modified(const char *if_none_match, const char *if_modified_since,
    const char *etag, time_t last_modified);
/* A feed's path after "/feeds/", "<token>/<code>.ics": 0 with token and code, or -1. */
int request_feed_path(const char *path, char token[64], char code[128]);

#endif
