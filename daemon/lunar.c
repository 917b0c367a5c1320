/*
 * The Vietnamese lunar calendar, after Hồ Ngọc Đức's formulation of the rules in force
 * since 1968, with the astronomy of Jean Meeus, "Astronomical Algorithms" (2nd ed.):
 *   - a month begins on the day, at UTC+7, that holds the new moon;
 *   - month 11 is the month that holds the winter solstice;
 *   - a year with 13 months from one month 11 to the next leaps the first month after
 *     month 11 that holds no major solar term (trung khí), and names it like the month
 *     before it.
 * tests/system/50-calendar.sh checks every month from 1900 to 2100 against PyEphem.
 */
#include <math.h>

#include "lunar.h"

#define ZONE_HOURS	7.0
#define JD_UNIX_EPOCH	2440587.5	/* Julian day of 1970-01-01 00:00 UT */
#define SYNODIC_MONTH	29.530588861
#define NEW_MOON_0	2451550.09766	/* Meeus k = 0: the new moon of 2000-01-06 */

static double
sin_deg(double deg)
{
	return sin(deg * M_PI / 180.0);
}

/* ΔT = TT − UT in seconds: the polynomials of Espenak and Meeus (NASA, 2006), each
 * in t = year − base, valid until the next piece begins. */
static double
delta_t(double year)
{
	static const struct { double until, base, c[8]; } piece[] = {
		{ 1860, 1800, { 13.72, -0.332447, 0.0068612, 0.0041116, -0.00037436,
		    0.0000121272, -0.0000001699, 0.000000000875 } },
		{ 1900, 1860, { 7.62, 0.5737, -0.251754, 0.01680668, -0.0004473624,
		    1.0 / 233174 } },
		{ 1920, 1900, { -2.79, 1.494119, -0.0598939, 0.0061966, -0.000197 } },
		{ 1941, 1920, { 21.20, 0.84493, -0.076100, 0.0020936 } },
		{ 1961, 1950, { 29.07, 0.407, -1.0 / 233, 1.0 / 2547 } },
		{ 1986, 1975, { 45.45, 1.067, -1.0 / 260, -1.0 / 718 } },
		{ 2005, 2000, { 63.86, 0.3345, -0.060374, 0.0017275, 0.000651814,
		    0.00002373599 } },
		{ 2050, 2000, { 62.92, 0.32217, 0.005589 } },
	};
	size_t i;
	int j;
	double t, v = 0;

	for (i = 0; i < sizeof(piece) / sizeof(*piece); i++) {
		if (year >= piece[i].until)
			continue;
		t = year - piece[i].base;
		for (j = 7; j >= 0; j--)
			v = v * t + piece[i].c[j];
		return v;
	}
	t = (year - 1820) / 100;
	return -20 + 32 * t * t - 0.5628 * (year < 2150 ? 2150 - year : 0);
}

static double
ut_to_tt(double jd)
{
	return jd + delta_t(2000.0 + (jd - 2451544.5) / 365.25) / 86400.0;
}

/* The instant (Julian day, UT) of new moon number k (Meeus chapter 49). */
static double
new_moon(int k)
{
	static const struct { double a0, a1; double amp; } planetary[] = {
		{ 299.77, 0.107408, 0.000325 }, { 251.88, 0.016321, 0.000165 },
		{ 251.83, 26.651886, 0.000164 }, { 349.42, 36.412478, 0.000126 },
		{ 84.66, 18.206239, 0.000110 }, { 141.74, 53.303771, 0.000062 },
		{ 207.14, 2.453732, 0.000060 }, { 154.84, 7.306860, 0.000056 },
		{ 34.52, 27.261239, 0.000047 }, { 207.19, 0.121824, 0.000042 },
		{ 291.34, 1.844379, 0.000040 }, { 161.72, 24.198154, 0.000037 },
		{ 239.56, 25.513099, 0.000035 }, { 331.55, 3.592518, 0.000023 },
	};
	double T = k / 1236.85, T2 = T * T, T3 = T2 * T, T4 = T3 * T;
	double jde = NEW_MOON_0 + SYNODIC_MONTH * k + 0.00015437 * T2 - 0.000000150 * T3 +
	    0.00000000073 * T4;
	double E = 1 - 0.002516 * T - 0.0000074 * T2;
	double M = 2.5534 + 29.10535670 * k - 0.0000014 * T2 - 0.00000011 * T3;
	double Mp = 201.5643 + 385.81693528 * k + 0.0107582 * T2 + 0.00001238 * T3 -
	    0.000000058 * T4;
	double F = 160.7108 + 390.67050284 * k - 0.0016118 * T2 - 0.00000227 * T3 +
	    0.000000011 * T4;
	double O = 124.7746 - 1.56375588 * k + 0.0020672 * T2 + 0.00000215 * T3;
	size_t i;

	jde += -0.40720 * sin_deg(Mp) + 0.17241 * E * sin_deg(M) + 0.01608 * sin_deg(2 * Mp) +
	    0.01039 * sin_deg(2 * F) + 0.00739 * E * sin_deg(Mp - M) -
	    0.00514 * E * sin_deg(Mp + M) + 0.00208 * E * E * sin_deg(2 * M) -
	    0.00111 * sin_deg(Mp - 2 * F) - 0.00057 * sin_deg(Mp + 2 * F) +
	    0.00056 * E * sin_deg(2 * Mp + M) - 0.00042 * sin_deg(3 * Mp) +
	    0.00042 * E * sin_deg(M + 2 * F) + 0.00038 * E * sin_deg(M - 2 * F) -
	    0.00024 * E * sin_deg(2 * Mp - M) - 0.00017 * sin_deg(O) -
	    0.00007 * sin_deg(Mp + 2 * M) + 0.00004 * sin_deg(2 * Mp - 2 * F) +
	    0.00004 * sin_deg(3 * M) + 0.00003 * sin_deg(Mp + M - 2 * F) +
	    0.00003 * sin_deg(2 * Mp + 2 * F) - 0.00003 * sin_deg(Mp + M + 2 * F) +
	    0.00003 * sin_deg(Mp - M + 2 * F) - 0.00002 * sin_deg(Mp - M - 2 * F) -
	    0.00002 * sin_deg(3 * Mp + M) + 0.00002 * sin_deg(4 * Mp);
	jde += planetary[0].amp * sin_deg(planetary[0].a0 + planetary[0].a1 * k -
	    0.009173 * T2);
	for (i = 1; i < sizeof(planetary) / sizeof(*planetary); i++)
		jde += planetary[i].amp * sin_deg(planetary[i].a0 + planetary[i].a1 * k);
	return jde - delta_t(2000.0 + k / 12.3685) / 86400.0;
}

/* The Sun's apparent longitude in degrees at an instant (Julian day, UT): Meeus
 * chapter 25, with nutation and aberration. */
static double
sun_longitude(double jd)
{
	double T = (ut_to_tt(jd) - 2451545.0) / 36525, T2 = T * T;
	double L0 = 280.46646 + 36000.76983 * T + 0.0003032 * T2;
	double M = 357.52911 + 35999.05029 * T - 0.0001537 * T2;
	double C = (1.914602 - 0.004817 * T - 0.000014 * T2) * sin_deg(M) +
	    (0.019993 - 0.000101 * T) * sin_deg(2 * M) + 0.000289 * sin_deg(3 * M);
	double lambda = L0 + C - 0.00569 - 0.00478 * sin_deg(125.04 - 1934.136 * T);

	return lambda - 360.0 * floor(lambda / 360.0);
}

/* The local day that holds new moon k. */
static ntm_date
new_moon_day(int k)
{
	return (ntm_date)floor(new_moon(k) - JD_UNIX_EPOCH + ZONE_HOURS / 24.0);
}

/* Which twelfth of the ecliptic the Sun is in at the local midnight that begins day:
 * a month holds a major term exactly when this changes between its first day and the
 * next month's. */
static int
sun_sector(ntm_date day)
{
	return (int)(sun_longitude(day + JD_UNIX_EPOCH - ZONE_HOURS / 24.0) / 30.0);
}

/* The number of the last new moon on or before day. */
static int
lunation_of(ntm_date day)
{
	int k = (int)floor((day + JD_UNIX_EPOCH - NEW_MOON_0) / SYNODIC_MONTH) + 1;

	while (new_moon_day(k) > day)
		k--;
	return k;
}

/* The first day of month 11 of the lunar year that ends in Gregorian year y: the month
 * holding the winter solstice. */
static ntm_date
month11(int y)
{
	int k = lunation_of(date_from_ymd(y, 12, 31));
	ntm_date nm = new_moon_day(k);

	/* Sector 9 begins at 270°: the solstice came before this month did. */
	if (sun_sector(nm) >= 9)
		nm = new_moon_day(k - 1);
	return nm;
}

/* In a 13-month year from a11, how many months after month 11 the leap month comes. */
static int
leap_offset(ntm_date a11)
{
	int k = lunation_of(a11), i = 1, last, sector = sun_sector(new_moon_day(k + 1));

	do {
		last = sector;
		i++;
		sector = sun_sector(new_moon_day(k + i));
	} while (sector != last && i < 14);
	return i - 1;
}

void
lunar_from_date(ntm_date day, struct lunar_date *out)
{
	int y, m, d, k = lunation_of(day), diff, leap_diff;
	ntm_date start = new_moon_day(k), a11, b11;

	date_to_ymd(day, &y, &m, &d);
	a11 = b11 = month11(y);
	if (a11 > start) {
		out->year = y;
		a11 = month11(y - 1);
	} else {
		out->year = y + 1;
		b11 = month11(y + 1);
	}
	out->day = day - start + 1;
	diff = (int)lround((start - a11) / SYNODIC_MONTH);
	out->leap = 0;
	out->month = diff + 11;
	if (b11 - a11 > 365) {
		leap_diff = leap_offset(a11);
		if (diff >= leap_diff) {
			out->month = diff + 10;
			out->leap = diff == leap_diff;
		}
	}
	if (out->month > 12)
		out->month -= 12;
	if (out->month >= 11 && diff < 4)
		out->year--;
}

int
lunar_to_date(const struct lunar_date *l, ntm_date *day)
{
	ntm_date a11, b11, start, next;
	int off = l->month - 11, leap_off, leap_month, k;

	if (l->month < 1 || l->month > 12 || l->day < 1 || l->day > 30)
		return -1;
	if (l->month < 11) {
		a11 = month11(l->year - 1);
		b11 = month11(l->year);
	} else {
		a11 = month11(l->year);
		b11 = month11(l->year + 1);
	}
	if (off < 0)
		off += 12;
	if (b11 - a11 > 365) {
		leap_off = leap_offset(a11);
		leap_month = (leap_off + 9) % 12 + 1;
		if (l->leap && l->month != leap_month)
			return -1;
		if (l->leap || off >= leap_off)
			off++;
	} else if (l->leap)
		return -1;
	k = lunation_of(a11) + off;
	start = new_moon_day(k);
	next = new_moon_day(k + 1);
	if (start + l->day - 1 >= next)
		return -1;
	*day = start + l->day - 1;
	return 0;
}

ntm_date
lunar_new_year(int y)
{
	struct lunar_date tet = { y, 1, 1, 0 };
	ntm_date day = 0;

	lunar_to_date(&tet, &day);
	return day;
}
