/* Calendar days, the configured zone and the clock (which NTM_NOW can set). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "date.h"
#include "xalloc.h"

static char zone[128] = "Asia/Ho_Chi_Minh";
static time_t clock_base;		/* NTM_NOW, or 0 for the system clock */
static struct timespec clock_mono;	/* monotonic time when clock_base was read */

int
date_days_in_month(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : mdays[m - 1];
}

int
date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= date_days_in_month(y, m);
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
ntm_date
date_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
date_to_ymd(ntm_date day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int
date_weekday(ntm_date day)
{
	int w = (day + 4) % 7;		/* 1970-01-01 was a Thursday */

	return w < 0 ? w + 7 : w;
}

void
date_iso(ntm_date day, char out[11])
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000, (unsigned)m % 100,
	    (unsigned)d % 100);
}

void
date_vn(ntm_date day, char out[11])
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(out, 11, "%02u/%02u/%04u", (unsigned)d % 100, (unsigned)m % 100,
	    (unsigned)y % 10000);
}

const char *
date_weekday_vn(ntm_date day)
{
	static const char *names[] = { "Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư",
	    "thứ Năm", "thứ Sáu", "thứ Bảy" };

	return names[date_weekday(day)];
}

char *
date_weekly_vn(ntm_date first, ntm_date last)
{
	char from[11], to[11];

	date_vn(first, from);
	date_vn(last, to);
	return xasprintf("%s hằng tuần, từ %s đến %s", date_weekday_vn(first), from, to);
}

int
date_parse_iso(const char *s, ntm_date *day)
{
	int v[3] = { 0 }, i, k;

	if (s == NULL)		/* a NULL column */
		return -1;
	/* by hand, not sscanf: SQL calls this for every open item when states are refreshed */
	for (i = 0, k = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
			k++;
		} else if (s[i] >= '0' && s[i] <= '9')
			v[k] = v[k] * 10 + (s[i] - '0');
		else
			return -1;
	}
	if (s[10] != '\0' || !date_valid(v[0], v[1], v[2]))
		return -1;
	*day = date_from_ymd(v[0], v[1], v[2]);
	return 0;
}

int
zone_set(const char *name)
{
	char path[256];
	struct stat st;

	if (strlen(name) >= sizeof(zone) || strstr(name, "..") != NULL || name[0] == '/')
		return -1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	strcpy(zone, name);
	setenv("TZ", zone, 1);
	tzset();
	return 0;
}

const char *
zone_name(void)
{
	return zone;
}

long
zone_offset(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_gmtoff;
}

ntm_date
date_of(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

time_t
date_at(ntm_date day, int minutes)
{
	struct tm tm = { 0 };
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_min = minutes;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

int
time_parse_iso(const char *s, time_t *t)
{
	int y, mo, d, h, mi, sec = 0, n = 0, oh = 0, om = 0;
	const char *p;
	long off;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5)
		return -1;
	p = s + n;
	if (*p == ':' && sscanf(p, ":%2d%n", &sec, &n) == 1)
		p += n;
	if (!date_valid(y, mo, d) || h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0)
		return -1;
	if (*p == 'Z' && p[1] == '\0')
		off = 0;
	else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
	    sscanf(p + 1, "%2d:%2d", &oh, &om) == 2 && oh <= 14 && om <= 59)
		off = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
	else
		return -1;
	*t = (time_t)date_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}

void
time_iso(time_t t, char out[32])
{
	struct tm tm;
	long off;

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff;
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100,
	    tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100, off < 0 ? '-' : '+',
	    labs(off) / 3600 % 100, labs(off) % 3600 / 60);
}

int
clock_init(int *from_env, char **err)
{
	const char *env = getenv("NTM_NOW");

	clock_gettime(CLOCK_MONOTONIC, &clock_mono);
	clock_base = 0;
	*from_env = 0;
	if (env == NULL || *env == '\0')
		return 0;
	if (time_parse_iso(env, &clock_base) != 0) {
		*err = xasprintf("NTM_NOW=\"%s\" is not ISO 8601 with an offset, "
		    "e.g. 2018-03-05T07:30:00+07:00", env);
		return -1;
	}
	*from_env = 1;
	return 0;
}

long long
clock_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

time_t
clock_now(void)
{
	struct timespec ts;

	if (clock_base == 0)
		return time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return clock_base + (ts.tv_sec - clock_mono.tv_sec);
}
