/*
 * libFuzzer: import_table() on any bytes, with a few known units (a parent chain,
 * comma-joined names, spellings that differ only in spacing). Beyond not crashing or
 * leaking: a refusal says why and writes nothing; an import writes a plan file that
 * plan_load() reads without a single error, as import.h promises.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"
#include "plan.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const ubnd_a[] = { "UBND huyện" };
static const char *const bcd_a[] = { "BCĐ huyện", "BCD huyện" };
static const char *const vp_a[] = { "VPĐP", "Văn phòng điều phối" };
static const char *const vp_e[] = { "vpdp@x.example" };
static const char *const kh_a[] = { "Phòng TC - KH", "TC-KH" };
static const char *const ban_a[] = { "Các phòng, ban, ngành", "Các phòng, ban, ngành, đoàn thể" };
static const char *const xa_a[] = { "BCĐ xã", "BCD xã" };
static const struct import_unit units[] = {
	{ "ubnd", "Ủy ban nhân dân huyện", "office", NULL, ubnd_a, 1, NULL, 0 },
	{ "bcd", "Ban Chỉ đạo huyện", "board", "ubnd", bcd_a, 2, NULL, 0 },
	{ "vpdp", "Văn phòng Điều phối", "office", "BCĐ huyện", vp_a, 2, vp_e, 1 },
	{ "tckh", "Phòng Tài chính - Kế hoạch", "department", "ubnd", kh_a, 2, NULL, 0 },
	{ "ban", "Các phòng, ban cấp huyện", "group", "ubnd", ban_a, 2, NULL, 0 },
	{ "bcd-xa", "Ban Chỉ đạo các xã", "group", NULL, xa_a, 2, NULL, 0 },
	{ "dang-uy", "Đảng ủy, chính quyền, đoàn thể xã", "group", NULL, NULL, 0, NULL, 0 },
};

static char path[64];

static void
cleanup(void)
{
	if (*path)
		unlink(path);
}

static void
fail(const char *why, const struct diag *d, const struct buf *out)
{
	fprintf(stderr, "import_table: %s\n", why);
	diag_print(d, stderr);
	if (out->s)
		fwrite(out->s, 1, out->len, stderr);
	abort();
}

/* The plan file loads, with no errors. */
static void
load(const struct buf *out)
{
	struct diag d = { 0 };
	struct plan *p;
	FILE *f;
	int fd;

	if (*path == '\0') {
		snprintf(path, sizeof(path), "/tmp/fuzz-import-XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			abort();
		close(fd);
		atexit(cleanup);
	}
	if ((f = fopen(path, "w")) == NULL || fwrite(out->s, 1, out->len, f) != out->len ||
	    fclose(f) != 0)
		abort();
	if ((p = plan_load(path, &d)) == NULL || diag_errors(&d) > 0)
		fail("the plan written does not load", &d, out);
	plan_free(p);
	diag_free(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o = { "fuzz-2018", "fuzz", "Tổ chức", NULL, 2018, units,
	    sizeof(units) / sizeof(*units) };
	struct diag d = { 0 };
	struct buf out = { 0 };
	char *nfc;
	size_t i;
	int rc = import_table("t.tsv", (const char *)data, size, &o, &out, &d);

	for (i = 0; i < d.n; i++)
		if (strncmp(d.msgs[i], "t.tsv:", 6) != 0)
			fail("a message without the file name", &d, &out);
	if (rc == -1 && (out.s != NULL || diag_errors(&d) == 0))
		fail("refused without a reason, or wrote something", &d, &out);
	if (rc == 0) {
		if (out.s == NULL || diag_errors(&d) > 0 || !text_valid_utf8(out.s) ||
		    strlen(out.s) != out.len)
			fail("an import with errors, or not UTF-8", &d, &out);
		if ((nfc = text_nfc(out.s)) == NULL || strcmp(nfc, out.s) != 0)
			fail("the plan is not NFC", &d, &out);
		free(nfc);
		load(&out);
	}
	if (rc != 0 && rc != -1)
		fail("returned neither 0 nor -1", &d, &out);
	buf_free(&out);
	diag_free(&d);
	return 0;
}
