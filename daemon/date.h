#ifndef NTM_DATE_H
#define NTM_DATE_H

#include <stdint.h>
#include <time.h>

/* A calendar day: days since 1970-01-01, proleptic Gregorian. */
typedef int32_t ntm_date;

/* Days of the week as date_weekday() returns them. */
enum { WD_SUNDAY, WD_MONDAY, WD_TUESDAY, WD_WEDNESDAY, WD_THURSDAY, WD_FRIDAY, WD_SATURDAY };

/* Whether y-m-d names a real day. */
int date_valid(int y, int m, int d);
int date_days_in_month(int y, int m);
/* The day y-m-d; the caller has checked it with date_valid(). */
ntm_date date_from_ymd(int y, int m, int d);
void date_to_ymd(ntm_date day, int *y, int *m, int *d);
/* 0 = Sunday … 6 = Saturday. */
int date_weekday(ntm_date day);
/* "YYYY-MM-DD" into out[11]. */
void date_iso(ntm_date day, char out[11]);
/* "dd/mm/yyyy" into out[11], as Vietnamese documents write dates. */
void date_vn(ntm_date day, char out[11]);
/* Vietnamese weekday name: "thứ Hai" … "Chủ nhật". */
const char *date_weekday_vn(ntm_date day);
/* A weekly campaign's days: "thứ Bảy hằng tuần, từ 07/01/2023 đến 30/12/2023".
 * Allocated. */
char *date_weekly_vn(ntm_date first, ntm_date last);
/* Parse "YYYY-MM-DD"; 0 on success, -1 if malformed or not a real day. */
int date_parse_iso(const char *s, ntm_date *day);

/* Use the IANA zone name for every local time; -1 if the zone is unknown. */
int zone_set(const char *name);
const char *zone_name(void);
/* The zone's UTC offset in seconds at instant t. */
long zone_offset(time_t t);
/* The local calendar day of instant t. */
ntm_date date_of(time_t t);
/* The instant at local day + minutes after midnight. */
time_t date_at(ntm_date day, int minutes);

/* Start the clock: from NTM_NOW (ISO 8601 with offset) if set, else the system clock.
 * Returns -1 with *err (allocated) if NTM_NOW is malformed; sets *from_env. */
int clock_init(int *from_env, char **err);
/* Now, by the clock started in clock_init(). */
time_t clock_now(void);
/* Milliseconds of the monotonic clock: for timeouts, which NTM_NOW does not move. */
long long clock_monotonic_ms(void);
/* Parse "YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)"; -1 if malformed. */
int time_parse_iso(const char *s, time_t *t);
/* Local ISO 8601 with offset, e.g. "2018-03-05T07:30:00+07:00", into out[32]. */
void time_iso(time_t t, char out[32]);

#endif
