#ifndef NTM_HTML_H
#define NTM_HTML_H

#include "xalloc.h"

/*
 * HTML escaped by construction: markup comes only from format strings in the program,
 * every value goes through an escaping conversion.
 */

/* Append fmt to b. %s: a text, escaped for element content and quoted attributes alike
 * (& < > " '), NULL as nothing; %u: a URL for a quoted href, written only when it is
 * http:// or https://, else "#"; %p: a path within the site ("/…", not "//…"), else
 * "#"; %d and %lld: numbers; %%: '%'. Nothing else. */
void html_printf(struct buf *b, const char *fmt, ...);
/* A page's start (UTF-8, a phone's viewport, the stylesheet) with its title; the
 * body's class, or NULL. */
void html_begin(struct buf *b, const char *title, const char *body_class);
/* The page's end; returns the page, allocated. */
char *html_end(struct buf *b);

#endif
