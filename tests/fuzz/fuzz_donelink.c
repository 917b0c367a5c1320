/*
 * libFuzzer: donelink_verify() and donelink_csrf_ok() on any bytes, NUL-terminated:
 * "LINK" or "LINK\nTOKEN", LINK what follows "/done/". The key is fixed (the seed
 * corpus holds links it signed), written to a private file that donelink_key_load()
 * reads. Beyond not crashing: a link that verifies is the canonical one of what it
 * names, expiry decides VALID against EXPIRED, and a link's own token passes.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "donelink.h"
#include "xalloc.h"

#define KEY_HEX	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
#define NOW	1700000000

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct donekey *key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/fuzz-donelink.XXXXXX", *path, *err = NULL;
	FILE *f;

	(void)argc, (void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	path = xasprintf("%s/link.key", dir);
	umask(077);
	if ((f = fopen(path, "w")) == NULL || fputs(KEY_HEX, f) < 0 || fclose(f) != 0)
		abort();
	if ((key = donelink_key_load(path, 0, &err)) == NULL) {
		fprintf(stderr, "fuzz-donelink: %s\n", err);
		abort();
	}
	unlink(path);
	rmdir(dir);
	free(path);
	return 0;
}

static void
check(const char *link, time_t now)
{
	struct donelink dl;
	enum donelink_check c = donelink_verify(key, link, now, &dl);
	char *path, token[33];

	if (c == LINK_FORGED)
		return;
	path = donelink_path(key, dl.item, dl.unit, dl.expiry);
	if (strcmp(path + 6, link) != 0 || (c == LINK_EXPIRED) != (now > dl.expiry)) {
		fprintf(stderr, "donelink_verify(\"%s\", %lld) = %d, canonical %s\n", link,
		    (long long)now, c, path);
		abort();
	}
	donelink_csrf(key, link, token);
	if (!donelink_csrf_ok(key, link, token))
		abort();
	free(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1), *token;

	memcpy(text, data, size);
	text[size] = '\0';
	if ((token = strchr(text, '\n')) != NULL)
		*token++ = '\0';
	check(text, NOW);
	check(text, 0);
	(void)donelink_csrf_ok(key, text, token);
	(void)donelink_csrf_ok(key, text, text);
	free(text);
	return 0;
}
