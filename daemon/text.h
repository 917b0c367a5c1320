#ifndef NTM_TEXT_H
#define NTM_TEXT_H

#include <stddef.h>

/* Whether s is valid UTF-8. */
int text_valid_utf8(const char *s);
/* Why s cannot be one line of a name, title or header ("a line break", "a control
 * character", "a bidirectional control character", "invalid UTF-8"), or NULL if it can. */
const char *text_line_problem(const char *s);
/* NFC form of s (allocated), or NULL if s is not valid UTF-8. */
char *text_nfc(const char *s);
/* Key for matching names as people type them: NFC, case-folded, spaces collapsed and
 * trimmed, "–" read as "-". Allocated; NULL if s is not valid UTF-8. */
char *text_fold(const char *s);
/* Like text_fold() but also without diacritics ("Tháng" → "thang", "đ" → "d"). */
char *text_fold_ascii(const char *s);
/* How many characters (code points) the UTF-8 text s holds, as a browser's maxlength
 * counts them. */
size_t text_chars(const char *s);
/* Whether s contains a byte outside ASCII. */
int text_is_ascii(const char *s);
/* Replace ',' and ';' by " -" for iCalendar X- values that libical does not escape. */
char *text_no_separators(const char *s);
/* Length in bytes of the one valid UTF-8 character at s (reading at most len bytes), or
 * 0 if the bytes there are not one (overlong, surrogate, truncated, beyond U+10FFFF). */
size_t text_utf8_charlen(const char *s, size_t len);
/* In place, on a text_fold() result: drop the spaces next to '-', '&', '/', ',' and ';'. */
void text_tighten(char *folded);
/* Like text_fold() but also without spaces next to '-', '&', '/', ',' and ';':
 * "Phòng TC - KH" and "phòng tc-kh" give the same key. Allocated; NULL if not UTF-8. */
char *text_fold_tight(const char *s);
/* An ASCII code for s: text_fold_ascii(), every run of other than a-z and 0-9 turned
 * into one '-', none at either end, at most max bytes (cut at a '-' where it can be).
 * Allocated; "" if nothing is left; NULL if s is not UTF-8. */
char *text_slug(const char *s, size_t max);

/* A table from strings (copied) to values, by hashing: how names are looked up without
 * comparing every pair. Start from { 0 }; free with text_map_free(). */
struct text_map {
	struct text_map_slot {
		char	*key;
		long	 val;
	}		*v;
	size_t		 n, cap;
};

/* The value of key, or -1 if it has none. */
long text_map_get(const struct text_map *m, const char *key);
/* Set key's value. */
void text_map_set(struct text_map *m, const char *key, long val);
void text_map_free(struct text_map *m);

#endif
