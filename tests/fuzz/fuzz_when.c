/*
 * libFuzzer: when_parse() on any bytes as a NUL-terminated text, for the plan years at
 * both ends of the valid range and one taken from the input (1–9999, mostly invalid).
 * Beyond not crashing, every answer must keep the promises of when.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "when.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *text, int year, int rc, const struct when *w)
{
	size_t i;
	const char *bad = NULL;

	if (rc != 0 && rc != -1)
		bad = "returned neither 0 nor -1";
	else if ((rc == -1) != (w->kind == WHEN_ERROR))
		bad = "return code and kind disagree";
	else if (rc == -1 && (w->error == NULL || w->n != 0 || w->periods != NULL))
		bad = "an error without its text, or with periods";
	else if (rc == 0 && w->error != NULL)
		bad = "an error text on success";
	else if (w->n > 0 && w->periods == NULL)
		bad = "periods counted but missing";
	for (i = 0; bad == NULL && i < w->n; i++) {
		if (w->periods[i].start > w->periods[i].due)
			bad = "a period ends before it starts";
		else if (memchr(w->periods[i].key, '\0', sizeof(w->periods[i].key)) == NULL ||
		    w->periods[i].key[0] == '\0')
			bad = "a period key is empty or not terminated";
	}
	if (bad) {
		fprintf(stderr, "when_parse(\"%s\", %d): %s\n", text, year, bad);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int years[] = { 2018, 1900, 2100, 1 };
	char *text = xmalloc(size + 1);
	struct when w;
	size_t i;
	int rc;

	memcpy(text, data, size);
	text[size] = '\0';
	if (size >= 2)
		years[3] = 1 + (data[0] << 8 | data[size - 1]) % 9999;
	for (i = 0; i < sizeof(years) / sizeof(*years); i++) {
		rc = when_parse(text, years[i], date_from_ymd(years[i], 1, 1), &w);
		check(text, years[i], rc, &w);
		when_free(&w);
	}
	free(text);
	return 0;
}
