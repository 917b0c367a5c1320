#ifndef NTM_XALLOC_H
#define NTM_XALLOC_H

#include <stddef.h>

/* Allocation that cannot fail: out of memory is fatal. Free with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Free a string that held a secret (a password, a key), overwritten first; NULL is
 * nothing. */
void free_secret(char *s);
/* n bytes as lower-case hex into out[2n + 1] (keys, hashes, tokens). */
void hex_encode(const unsigned char *raw, size_t n, char *out);

/* A growable string buffer; buf_free() releases it, buf_steal() hands over its string. */
struct buf {
	char	*s;
	size_t	 len, cap;
};
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *buf_steal(struct buf *b);
void buf_free(struct buf *b);

#endif
