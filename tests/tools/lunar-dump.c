/*
 * Every lunar month that begins in Gregorian years FROM … TO, one line each:
 * "YYYY-MM-DD LY LM L" (first day, lunar year, month, 1 if leap), the format of
 * tests/tools/lunar_ref.py months. Every day is also converted back to the Gregorian
 * calendar; a day that does not round-trip is an error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lunar.h"

int
main(int argc, char **argv)
{
	ntm_date day, last, back;
	struct lunar_date l;
	char iso[11];
	int bad = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: lunar-dump FROM TO\n");
		return 2;
	}
	day = date_from_ymd(atoi(argv[1]), 1, 1);
	last = date_from_ymd(atoi(argv[2]), 12, 31);
	for (; day <= last; day++) {
		lunar_from_date(day, &l);
		date_iso(day, iso);
		if (lunar_to_date(&l, &back) < 0 || back != day) {
			fprintf(stderr, "%s: lunar %d-%d-%d%s does not convert back\n", iso,
			    l.year, l.month, l.day, l.leap ? " leap" : "");
			bad = 1;
		}
		if (l.day == 1)
			printf("%s %d %d %d\n", iso, l.year, l.month, l.leap);
	}
	return bad;
}
