#ifndef NTM_TEXT_H
#define NTM_TEXT_H

#include <stddef.h>

/* Whether s is valid UTF-8. */
int text_valid_utf8(const char *s);
/* NFC form of s (allocated), or NULL if s is not valid UTF-8. */
char *text_nfc(const char *s);
/* Key for matching names as people type them: NFC, case-folded, spaces collapsed and
 * trimmed, "–" read as "-". Allocated; NULL if s is not valid UTF-8. */
char *text_fold(const char *s);
/* Like text_fold() but also without diacritics ("Tháng" → "thang", "đ" → "d"). */
char *text_fold_ascii(const char *s);
/* Whether s contains a byte outside ASCII. */
int text_is_ascii(const char *s);
/* Replace ',' and ';' by " -" for iCalendar X- values that libical does not escape. */
char *text_no_separators(const char *s);

#endif
