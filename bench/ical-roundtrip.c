/*
 * ical-roundtrip: libical alone, the reference for a feed's render time. Parses an
 * iCalendar file and prints it again to /dev/null, N times (default 1):
 *
 *	ical-roundtrip FILE [N]
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(path);
		exit(1);
	}
	rewind(f);
	if ((s = malloc((size_t)n + 1)) == NULL || fread(s, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	s[n] = '\0';
	fclose(f);
	return s;
}

int
main(int argc, char **argv)
{
	char *text, *out;
	icalcomponent *c;
	int i, n;
	FILE *null;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: ical-roundtrip FILE [N]\n");
		return 64;
	}
	n = argc == 3 ? atoi(argv[2]) : 1;
	text = slurp(argv[1]);
	if ((null = fopen("/dev/null", "w")) == NULL)
		return 1;
	icalerror_set_errors_are_fatal(0);
	for (i = 0; i < n; i++) {
		if ((c = icalparser_parse_string(text)) == NULL) {
			fprintf(stderr, "%s: not iCalendar\n", argv[1]);
			return 1;
		}
		out = icalcomponent_as_ical_string_r(c);
		fputs(out, null);
		free(out);
		icalcomponent_free(c);
	}
	fclose(null);
	free(text);
	return 0;
}
