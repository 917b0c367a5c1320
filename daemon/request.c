/*
 * What a request says, from plain strings (see request.h).
 */
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "request.h"

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* s (n bytes) percent-decoded, '+' a space, appended to b (the URL Standard §5.1,
 * application/x-www-form-urlencoded parsing: a '%' without two hex digits is kept). */
static void
decode(struct buf *b, const char *s, size_t n)
{
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
			c = (char)(hex(s[i + 1]) << 4 | hex(s[i + 2]));
			i += 2;
		}
		buf_append(b, &c, 1);
	}
}

static size_t
find(const struct form *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nfield && strcmp(f->field[i].key, key); i++)
		;
	return i;
}

void
form_parse(struct form *f, const char *body, size_t len)
{
	const char *end = body + len, *amp, *eq;
	struct buf key = { 0 };
	size_t i;

	for (; body < end; body = amp + (amp < end)) {
		if ((amp = memchr(body, '&', (size_t)(end - body))) == NULL)
			amp = end;
		if (amp == body)
			continue;
		if ((eq = memchr(body, '=', (size_t)(amp - body))) == NULL)
			eq = amp;
		key.len = 0;
		buf_append(&key, "", 0);
		decode(&key, body, (size_t)(eq - body));
		if ((i = find(f, key.s)) < f->nfield || i == FORM_FIELDS)
			continue;	/* a name sent again keeps its first value */
		f->field[i].key = xstrdup(key.s);
		if (eq < amp)
			decode(&f->field[i].value, eq + 1, (size_t)(amp - eq - 1));
		f->nfield++;
	}
	buf_free(&key);
}

const char *
form_raw(const struct form *f, const char *key)
{
	size_t i = find(f, key);

	if (i == f->nfield)
		return NULL;
	return f->field[i].value.s ? f->field[i].value.s : "";
}

const char *
form_value(struct form *f, const char *key)
{
	size_t i = find(f, key);
	char *s, *r, *w, *end;

	if (i == f->nfield || (s = f->field[i].value.s) == NULL)
		return NULL;
	for (r = w = s; *r; r++)
		if (*r != '\r')
			*w++ = (unsigned char)*r < ' ' && *r != '\n' && *r != '\t' ? ' ' : *r;
	*w = '\0';
	s += strspn(s, " \t\n");
	for (end = s + strlen(s); end > s && strchr(" \t\n", end[-1]); end--)
		;
	*end = '\0';
	return *s ? s : NULL;
}

void
form_free(struct form *f)
{
	size_t i;

	for (i = 0; i < f->nfield; i++) {
		free(f->field[i].key);
		if (f->field[i].value.s)
			OPENSSL_cleanse(f->field[i].value.s, f->field[i].value.len);
		buf_free(&f->field[i].value);
	}
	f->nfield = 0;
}

int
request_wants_gzip(const char *ae)
{
	char coding[32], *q;
	size_t n;

	while (ae && *ae) {
		ae += strspn(ae, " \t,");
		n = strcspn(ae, ",");
		snprintf(coding, sizeof(coding), "%.*s", (int)n, ae);
		ae += n;
		q = strchr(coding, ';');
		if (q)
			*q++ = '\0';
		coding[strcspn(coding, " \t")] = '\0';
		if (strcasecmp(coding, "gzip") && strcasecmp(coding, "x-gzip") &&
		    strcmp(coding, "*"))
			continue;
		/* "q=0", "q=0.0", "q=0.000": refused */
		if (q == NULL || (q = strstr(q, "q=")) == NULL || strtod(q + 2, NULL) > 0)
			return 1;
	}
	return 0;
}

/* RFC 7232 §6: If-None-Match wins over If-Modified-Since. */
int
request_not_modified(const char *inm, const char *ims, const char *etag,
    time_t last_modified)
{
	time_t since;

	if (inm)
		return strstr(inm, etag) != NULL || !strcmp(inm, "*");
	if (ims && last_modified > 0 && (since = curl_getdate(ims, NULL)) != -1)
		return last_modified <= since;
	return 0;
}

int
request_feed_path(const char *path, char token[64], char code[128])
{
	int n = 0;

	if (sscanf(path, "%63[0-9a-f]/%127[a-z0-9-].ics%n", token, code, &n) != 2 ||
	    path[n] != '\0')
		return -1;
	return 0;
}
