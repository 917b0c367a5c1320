/* Unicode normalisation and folding of Vietnamese text, by utf8proc. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text.h"
#include "xalloc.h"

int
text_valid_utf8(const char *s)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	while (*s) {
		n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
		if (n <= 0)
			return 0;
		s += n;
	}
	return 1;
}

const char *
text_line_problem(const char *s)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	for (; *s; s += n) {
		if ((n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c)) <= 0)
			return "invalid UTF-8";
		if (c == '\r' || c == '\n' || c == 0x2028 || c == 0x2029)
			return "a line break";
		if ((c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0))
			return "a control character";
		/* embeddings, overrides and isolates: text that shows other than it reads */
		if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
		    c == 0x200e || c == 0x200f || c == 0x061c)
			return "a bidirectional control character";
	}
	return NULL;
}

static char *
map(const char *s, utf8proc_option_t opts)
{
	utf8proc_uint8_t *out = NULL;

	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &out, UTF8PROC_NULLTERM |
	    UTF8PROC_STABLE | opts) < 0)
		return NULL;
	return (char *)out;
}

char *
text_nfc(const char *s)
{
	return map(s, UTF8PROC_COMPOSE);
}

/* Collapse runs of white space to one space, trim, and read en/em dashes as '-'. */
static char *
squeeze(char *s)
{
	char *r = s, *w = s;
	int space = 0;

	while (*r) {
		if (!strncmp(r, "\xe2\x80\x93", 3) || !strncmp(r, "\xe2\x80\x94", 3)) {
			r += 3;
			*w++ = '-';
			space = 0;
			continue;
		}
		if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r' ||
		    !strncmp(r, "\xc2\xa0", 2)) {
			r += (*r == '\xc2') ? 2 : 1;
			space = 1;
			continue;
		}
		if (space && w != s)
			*w++ = ' ';
		space = 0;
		*w++ = *r++;
	}
	*w = '\0';
	return s;
}

char *
text_fold(const char *s)
{
	char *f = map(s, UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);

	return f ? squeeze(f) : NULL;
}

char *
text_fold_ascii(const char *s)
{
	char *f = map(s, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
	char *r, *w;

	if (f == NULL)
		return NULL;
	/* đ (U+0111) has no decomposition: it is a letter of its own, read as d. */
	for (r = w = f; *r; ) {
		if (!strncmp(r, "\xc4\x91", 2)) {
			*w++ = 'd';
			r += 2;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return squeeze(f);
}

size_t
text_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

int
text_is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

char *
text_no_separators(const char *s)
{
	struct buf b = { 0 };

	for (; *s; s++) {
		if (*s == ',' || *s == ';')
			buf_puts(&b, " -");
		else
			buf_append(&b, s, 1);
	}
	return buf_steal(&b);
}

size_t
text_utf8_charlen(const char *s, size_t len)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	if (len == 0)
		return 0;
	if ((unsigned char)*s < 0x80)
		return 1;
	n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)(len > 4 ? 4 : len),
	    &c);
	return n > 0 ? (size_t)n : 0;
}

static int
tight_mark(char c)
{
	return c == '-' || c == '&' || c == '/' || c == ',' || c == ';';
}

void
text_tighten(char *f)
{
	char *r, *w;

	/* text_fold() leaves single spaces only, never at either end. */
	for (r = w = f; *r; r++) {
		if (*r == ' ' && ((w > f && tight_mark(w[-1])) || tight_mark(r[1])))
			continue;
		*w++ = *r;
	}
	*w = '\0';
}

char *
text_fold_tight(const char *s)
{
	char *f = text_fold(s);

	if (f != NULL)
		text_tighten(f);
	return f;
}

char *
text_slug(const char *s, size_t max)
{
	char *f = text_fold_ascii(s), *r, *w, *cut;

	if (f == NULL)
		return NULL;
	for (r = w = f; *r; r++) {
		if ((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9'))
			*w++ = *r;
		else if (w > f && w[-1] != '-')
			*w++ = '-';
	}
	while (w > f && w[-1] == '-')
		w--;
	*w = '\0';
	if ((size_t)(w - f) > max) {
		f[max] = '\0';
		if ((cut = strrchr(f, '-')) != NULL && cut > f + max / 2)
			*cut = '\0';
		else if (max > 0 && f[max - 1] == '-')
			f[max - 1] = '\0';
	}
	return f;
}

static struct text_map_slot *
map_slot(const struct text_map *m, const char *key)
{
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */
	const char *c;
	size_t i;

	for (c = key; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	for (i = (size_t)h & (m->cap - 1); m->v[i].key && strcmp(m->v[i].key, key);
	    i = (i + 1) & (m->cap - 1))
		;
	return &m->v[i];
}

long
text_map_get(const struct text_map *m, const char *key)
{
	struct text_map_slot *s;

	if (m->cap == 0)
		return -1;
	s = map_slot(m, key);
	return s->key ? s->val : -1;
}

void
text_map_set(struct text_map *m, const char *key, long val)
{
	struct text_map_slot *s;
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {	/* at most half full */
		struct text_map g = { xcalloc(m->cap ? m->cap * 2 : 64, sizeof(*g.v)), m->n,
		    m->cap ? m->cap * 2 : 64 };

		for (i = 0; i < m->cap; i++)
			if (m->v[i].key)
				*map_slot(&g, m->v[i].key) = m->v[i];
		free(m->v);
		*m = g;
	}
	s = map_slot(m, key);
	if (s->key == NULL) {
		s->key = xstrdup(key);
		m->n++;
	}
	s->val = val;
}

void
text_map_free(struct text_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	*m = (struct text_map){ 0 };
}
