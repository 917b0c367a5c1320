/*
 * The task-table importer: the Văn Quan appendix (seed 004) as Word pastes it (TSV with
 * page-break header repeats and a split cell), as Excel saves it (CSV, BOM, CRLF,
 * quotes), in NFD and with its columns shuffled, must give the plan the coordinator
 * transcribed by hand; every malformed table is refused with its line and column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "import.h"
#include "plan.h"
#include "suites.h"
#include "text.h"
#include "util.h"
#include "xalloc.h"

#define TSV	"tests/data/van-quan-2018-pl1.tsv"
#define CSV	"tests/data/van-quan-2018-pl1.csv"
#define HAND	"calendars/van-quan-2018.conf"

static struct plan *hand;		/* the hand transcription: units, tasks to compare */
static struct import_unit *known;

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[8192];
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

static void
setup(void)
{
	struct diag d = { 0 };
	size_t i;

	hand = plan_load(HAND, &d);
	ck_assert_msg(hand != NULL, "%s does not load:%s", HAND, diag_join(&d));
	diag_free(&d);
	known = xcalloc(hand->nunits, sizeof(*known));
	for (i = 0; i < hand->nunits; i++) {
		const struct plan_unit *u = &hand->units[i];

		known[i] = (struct import_unit){ u->code, u->name, u->kind, u->parent,
		    (const char *const *)u->aliases, u->naliases,
		    (const char *const *)u->emails, u->nemails };
	}
}

static void
teardown(void)
{
	free(known);
	plan_free(hand);
}

static struct import_opts
vq_opts(void)
{
	return (struct import_opts){ "van-quan-2018", "van-quan",
	    "Ủy ban nhân dân huyện Văn Quan", NULL, 2018, known, hand->nunits };
}

/* Import text as `name`; the plan file, or NULL with the problems in *d. */
static char *
import(const char *name, const char *text, size_t len, const struct import_opts *o,
    struct diag *d)
{
	struct buf out = { 0 };

	if (import_table(name, text, len, o, &out, d) < 0) {
		ck_assert_ptr_null(out.s);
		return NULL;
	}
	ck_assert_msg(out.s != NULL && out.len > 0, "%s: nothing written", name);
	return buf_steal(&out);
}

/* Write the plan text and load it as plan_load() does with calendars/. */
static struct plan *
load(const char *text)
{
	char *dir = tmpdir_new(), *path = file_write(dir, "imported.conf", text, 0644);
	struct diag d = { 0 };
	struct plan *p = plan_load(path, &d);

	ck_assert_msg(p != NULL, "the imported plan does not load:%s\n%s", diag_join(&d), text);
	diag_free(&d);
	free(path);
	tmpdir_remove(dir);
	return p;
}

static const struct plan_task *
task(const struct plan *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->ntasks; i++)
		if (!strcmp(p->tasks[i].id, id))
			return &p->tasks[i];
	ck_abort_msg("no task %s", id);
	return NULL;
}

static const struct plan_unit *
unit(const struct plan *p, const char *code)
{
	size_t i;

	for (i = 0; i < p->nunits; i++)
		if (!strcmp(p->units[i].code, code))
			return &p->units[i];
	return NULL;
}

/* The codes of a task's units in a role, "a b c". */
static void
codes(const struct plan *p, const struct plan_task *t, enum role r, char *out, size_t size)
{
	size_t i;

	*out = '\0';
	for (i = 0; i < t->nunits[r]; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "",
		    p->units[t->units[r][i]].code);
}

static void
want_units(const struct plan *p, const char *id, enum role r, const char *want)
{
	char got[512];

	codes(p, task(p, id), r, got, sizeof(got));
	ck_assert_msg(!strcmp(got, want), "task %s %s: \"%s\", want \"%s\"", id, role_name(r),
	    got, want);
}

/* What every form of the Văn Quan table must give. */
static void
check_van_quan(const char *text)
{
	struct plan *p = load(text);
	const struct plan_unit *u;
	size_t i, nsec = 0;

	ck_assert_int_eq(p->ntasks, 27);
	ck_assert_int_eq(p->year, 2018);
	ck_assert_str_eq(p->code, "van-quan-2018");
	ck_assert_str_eq(p->title, "Kế hoạch van-quan-2018");
	/* Ids, titles and times as the coordinator transcribed them, row by row. */
	/* The hand transcription adds the commune targets as deadlines MT.1… after the table. */
	ck_assert_int_eq(p->ntasks + 6, hand->ntasks);
	ck_assert_str_eq(hand->tasks[p->ntasks].id, "MT.1");
	for (i = 0; i < p->ntasks; i++) {
		ck_assert_str_eq(p->tasks[i].id, hand->tasks[i].id);
		ck_assert_str_eq(p->tasks[i].title, hand->tasks[i].title);
		ck_assert_str_eq(p->tasks[i].section, hand->tasks[i].section);
		ck_assert_str_eq(p->tasks[i].when_text, hand->tasks[i].when_text);
		ck_assert_msg(p->tasks[i].kind == hand->tasks[i].kind, "task %s: kind %s, want %s",
		    p->tasks[i].id, task_kind_name(p->tasks[i].kind),
		    task_kind_name(hand->tasks[i].kind));
		ck_assert_int_eq(p->tasks[i].when.kind, hand->tasks[i].when.kind);
		ck_assert_int_eq(p->tasks[i].when.n, hand->tasks[i].when.n);
		nsec += i == 0 || strcmp(p->tasks[i].section, p->tasks[i - 1].section) != 0;
	}
	ck_assert_int_eq(nsec, 11);
	/* The page break in IV.2's time and in both of VIII.4's unit cells. */
	ck_assert_str_eq(task(p, "IV.2")->when_text, "Theo thời gian thích hợp");
	ck_assert_int_eq(task(p, "IV.2")->when.kind, WHEN_UNSCHEDULED);
	want_units(p, "VIII.4", ROLE_LEAD, "phong-gddt phong-ldtbxh bcd-xa");
	want_units(p, "VIII.4", ROLE_SUPPORT, "phong-chuyen-mon-huyen");
	/* Commas inside names: the longest known run wins. */
	want_units(p, "IV.1", ROLE_LEAD, "phong-ban-doan-the-huyen vpdp ubnd-xa");
	want_units(p, "IX.1", ROLE_LEAD, "phong-noivu dang-uy-chinh-quyen-doan-the-xa");
	want_units(p, "XI.1", ROLE_SUPPORT, "phong-ban-huyen bcd-xa");
	want_units(p, "VIII.5", ROLE_LEAD, "phong-nnptnt phong-ktht phong-yte phong-tnmt bcd-xa");
	/* III.1's cell ends with a full stop, which is not part of the name. */
	want_units(p, "III.1", ROLE_LEAD, "tv-bcd-huyen vpdp co-quan-phu-trach-tieu-chi");
	want_units(p, "X.2", ROLE_SUPPORT, "tv-vpdp");
	/* "BCD" and "BCĐ" alone name no known unit: two new boards, different letters. */
	want_units(p, "I.1", ROLE_LEAD, "bcd-huyen bcd bql-xa");
	want_units(p, "VII.1", ROLE_LEAD, "bcd-2 bql-xa");
	ck_assert_ptr_nonnull(u = unit(p, "bcd"));
	ck_assert_str_eq(u->name, "BCD");
	ck_assert_str_eq(u->kind, "board");
	ck_assert_int_eq(u->nemails, 0);
	ck_assert_ptr_nonnull(u = unit(p, "bcd-2"));
	ck_assert_str_eq(u->name, "BCĐ");
	/* Known units keep kind, addresses and parents; parents come along. */
	ck_assert_ptr_nonnull(u = unit(p, "vpdp"));
	ck_assert_str_eq(u->kind, "office");
	ck_assert_str_eq(u->emails[0], "vpdp@vanquan.example");
	ck_assert_str_eq(u->parent, "bcd-huyen");
	ck_assert_ptr_nonnull(u = unit(p, "ubnd-huyen"));	/* only as a parent */
	ck_assert_str_eq(unit(p, "phong-ban-huyen")->kind, "group");
	plan_free(p);
}

/* Both new units of the Văn Quan table are reported where the table first names them. */
static void
check_van_quan_warnings(const struct diag *d, const char *file)
{
	char *all = diag_join(d);

	ck_assert_int_eq(diag_errors(d), 0);
	ck_assert_msg(diag_has(d, file, 3, "warning: new unit \"BCD\" (no address)"), "%s", all);
	ck_assert_msg(diag_has(d, file, 13, "warning: new unit \"BCĐ\" (no address)"), "%s", all);
	ck_assert_int_eq(d->nwarn, 2);
	free(all);
}

START_TEST(test_import_tsv_seed)
{
	struct import_opts o = vq_opts();
	struct diag d = { 0 };
	size_t len;
	char *text = slurp(TSV, &len), *out = import(TSV, text, len, &o, &d), *nfc;

	ck_assert_msg(out != NULL, "%s", diag_join(&d));
	check_van_quan_warnings(&d, TSV);
	ck_assert_msg(strstr(out, "# Generated by ntmctl import-table from " TSV) != NULL,
	    "no header comment");
	ck_assert_ptr_nonnull(strstr(out, "table lines 13-16: rejoined across a page break"));
	ck_assert_ptr_nonnull(nfc = text_nfc(out));
	ck_assert_str_eq(nfc, out);
	check_van_quan(out);
	free(nfc);
	free(out);
	free(text);
	diag_free(&d);
}
END_TEST

START_TEST(test_import_csv_bom_quotes)
{
	struct import_opts o = vq_opts();
	struct diag d = { 0 };
	size_t len;
	char *text = slurp(CSV, &len), *out;

	ck_assert(len > 3 && !memcmp(text, "\xef\xbb\xbf", 3));
	ck_assert_ptr_nonnull(strchr(text, '\r'));
	out = import(CSV, text, len, &o, &d);
	ck_assert_msg(out != NULL, "%s", diag_join(&d));
	ck_assert_int_eq(diag_errors(&d), 0);
	ck_assert_int_eq(d.nwarn, 2);
	/* I.1's title holds a line break: its unit cell is on line 4, and later rows
	 * are one line further down than in the TSV. */
	ck_assert_msg(diag_has(&d, CSV, 4, "new unit \"BCD\""), "%s", diag_join(&d));
	ck_assert(diag_has(&d, CSV, 14, "new unit \"BCĐ\""));
	check_van_quan(out);
	free(out);
	free(text);
	diag_free(&d);
}
END_TEST

START_TEST(test_import_nfd)
{
	struct import_opts o = vq_opts();
	struct diag d = { 0 }, d2 = { 0 };
	utf8proc_uint8_t *nfd = NULL;
	size_t len;
	char *text = slurp(TSV, &len), *want = import(TSV, text, len, &o, &d), *got;

	ck_assert(utf8proc_map((const utf8proc_uint8_t *)text, 0, &nfd, UTF8PROC_NULLTERM |
	    UTF8PROC_STABLE | UTF8PROC_DECOMPOSE) > 0);
	ck_assert(strcmp((char *)nfd, text) != 0);
	got = import(TSV, (char *)nfd, strlen((char *)nfd), &o, &d2);
	ck_assert_msg(got != NULL, "%s", diag_join(&d2));
	ck_assert_str_eq(got, want);	/* the same plan, in NFC */
	check_van_quan_warnings(&d2, TSV);
	free(nfd);
	free(got);
	free(want);
	free(text);
	diag_free(&d);
	diag_free(&d2);
}
END_TEST

/* The seed's columns in another order, under the other names plans give them. */
START_TEST(test_import_columns_shuffled)
{
	static const int order[] = { 5, 3, 0, 4, 1, 2 };
	static const char *names[] = { "STT", "NỘI DUNG CÔNG VIỆC", "Chỉ đạo",
	    "Cơ quan chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện" };
	struct import_opts o = vq_opts();
	struct diag d = { 0 }, d2 = { 0 };
	struct buf b = { 0 };
	size_t len, i;
	char *text = slurp(TSV, &len), *want = import(TSV, text, len, &o, &d), *got;
	char *line, *save = NULL, *cells[6];

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c = line;

		for (i = 0; i < 6; i++) {
			cells[i] = c ? c : "";
			if (c && (c = strchr(c, '\t')) != NULL)
				*c++ = '\0';
		}
		if (!strcmp(cells[0], "TT"))
			for (i = 0; i < 6; i++)
				cells[i] = (char *)names[i];
		for (i = 0; i < 6; i++)
			buf_printf(&b, "%s%s", i ? "\t" : "", cells[order[i]]);
		buf_puts(&b, "\n");
	}
	got = import(TSV, b.s, b.len, &o, &d2);
	ck_assert_msg(got != NULL, "%s", diag_join(&d2));
	ck_assert_int_eq(diag_errors(&d2), 0);
	/* Blank lines are gone, so the line numbers in the comments differ; the plan not. */
	check_van_quan(got);
	free(got);
	free(want);
	buf_free(&b);
	free(text);
	diag_free(&d);
	diag_free(&d2);
}
END_TEST

/* ---- malformed tables ---- */

#define H	"TT\tNội dung công việc\tCơ quan thực hiện\tThời gian\n"
#define S1	"I\tPhần một\t\t\n"

struct bad {
	const char	*name;
	const char	*text;
	int		 line, col;	/* line 0: the file as a whole; col 0: none */
	const char	*msg;
};

static const struct bad bad[] = {
	{ "task before any section", H "1\tViệc\tVPĐP\tTháng 3\n", 2, 1,
	    "task \"1\" comes before any section" },
	{ "duplicate task id", H S1 "1\tViệc\tVPĐP\tTháng 3\n2\tViệc\tVPĐP\tTháng 4\n"
	    "1\tViệc khác\tVPĐP\tTháng 5\n", 5, 1, "task I.1 is used twice (first at line 3)" },
	{ "too many cells", H S1 "1\tViệc\tVPĐP\tTháng 3\tthừa\n", 3, 21,
	    "row has 5 cells, the header 4: \"thừa\"" },
	{ "no Thời gian column", "TT\tNội dung công việc\tChỉ đạo\n" S1, 1, 0,
	    "the header has no column \"Thời gian\"" },
	{ "no TT column", "Nội dung công việc\tThời gian\nViệc\tTháng 3\n", 1, 0,
	    "the header has no column \"TT\"" },
	{ "no header", "Bảng\tkế hoạch\n1\t2\n", 1, 0, "no header row" },
	{ "empty", "", 0, 0, "empty table" },
	{ "blank lines only", "\n \n\t\t\n", 0, 0, "empty table" },
	{ "header only", "\n" H "\n", 2, 0, "empty table: no rows under the header" },
	{ "invalid UTF-8", H S1 "1\tVi\xe1\xbb\tVPĐP\tTháng 3\n", 3, 5, "invalid UTF-8 (byte 0xE1)" },
	{ "invalid UTF-8 byte", H S1 "1\tViệc\tVPĐP\tTháng 3\xff\n", 3, 20, "invalid UTF-8 (byte 0xFF)" },
	{ "NUL byte", H S1 "1\tViệc\x01\tVPĐP\tTháng 3\n", 3, 7, "control character U+0001" },
	{ "UTF-16", "\xff\xfeT\0T\0", 1, 1, "UTF-16" },
	{ "bad time", H S1 "II\tPhần hai\t\t\n1\tViệc\tVPĐP\tTháng 3\n2\tViệc\tVPĐP\tTháng 13\n",
	    5, 13, "task II.2: cannot read the time \"Tháng 13\": " },
	{ "bad time split by a page break", H S1 "1\tViệc\tVPĐP\tTháng\n\n" H "\t\t\t13\n", 3, 13,
	    "task I.1: cannot read the time \"Tháng 13\"" },
	{ "no title", H S1 "1\t\tVPĐP\tTháng 3\n", 3, 1, "task I.1 has no \"Nội dung công việc\"" },
	{ "section without title", H "I\t\t\t\n", 2, 1, "section I has no title" },
	{ "continuation of nothing", H "\tViệc\t\t\n", 2, 0, "empty TT continues no row" },
	{ "unterminated quote in CSV", "TT,Nội dung công việc,Thời gian\nI,Phần,\n"
	    "1,\"Việc,Tháng 3\n", 3, 3, "quoted cell never ends" },
	{ "column twice", "TT\tNội dung\tThời gian\tThời gian thực hiện\n" S1, 1, 23,
	    "column \"Thời gian\" comes twice" },
};

#define NBAD ((int)(sizeof(bad) / sizeof(*bad)))

START_TEST(test_import_bad)
{
	const struct bad *b = &bad[_i];
	struct import_opts o = vq_opts();
	struct diag d = { 0 };
	struct buf out = { 0 };
	char *where = b->col ? xasprintf("t.tsv:%d", b->line) : xstrdup("t.tsv");
	size_t len = strlen(b->text);
	int line = b->col ? b->col : b->line;

	if (!strcmp(b->name, "UTF-16"))
		len = 6;
	buf_puts(&out, "KEEP");
	ck_assert_msg(import_table("t.tsv", b->text, len, &o, &out, &d) == -1, "%s: accepted",
	    b->name);
	ck_assert_str_eq(out.s, "KEEP");
	ck_assert_int_eq(out.len, 4);
	ck_assert_msg(diag_errors(&d) > 0, "%s: no error", b->name);
	ck_assert_msg(diag_has(&d, where, line, b->msg), "%s: want %s:%d: %s, got:%s", b->name,
	    where, line, b->msg, diag_join(&d));
	free(where);
	buf_free(&out);
	diag_free(&d);
}
END_TEST

START_TEST(test_import_limits)
{
	struct import_opts o = vq_opts();
	struct diag d = { 0 };
	struct buf b = { 0 }, out = { 0 };
	char *cell = xmalloc(5001);
	size_t i;

	memset(cell, 'x', 5000);
	cell[5000] = '\0';
	buf_printf(&b, H S1 "1\t%s\tVPĐP\tTháng 3\n", cell);
	ck_assert_int_eq(import_table("t.tsv", b.s, b.len, &o, &out, &d), -1);
	ck_assert_msg(diag_has(&d, "t.tsv:3", 3, "is longer than 4096 bytes"), "%s",
	    diag_join(&d));
	diag_free(&d);
	buf_free(&b);
	/* More rows than anyone writes: refused, at the row past the limit. */
	buf_puts(&b, H S1);
	for (i = 1; i <= 100000; i++)
		buf_printf(&b, "%zu\tViệc\tVPĐP\tTháng 3\n", i);
	ck_assert_int_eq(import_table("t.tsv", b.s, b.len, &o, &out, &d), -1);
	ck_assert_msg(diag_has(&d, "t.tsv", 100002, "more than 100000 rows"), "%s",
	    diag_join(&d));
	ck_assert_ptr_null(out.s);
	diag_free(&d);
	buf_free(&b);
	/* Errors stop being listed at 100. */
	buf_puts(&b, H);
	for (i = 1; i <= 300; i++)
		buf_printf(&b, "%zu\tViệc\tVPĐP\tTháng 3\n", i);
	ck_assert_int_eq(import_table("t.tsv", b.s, b.len, &o, &out, &d), -1);
	ck_assert_int_eq(diag_errors(&d), 101);
	ck_assert(diag_has(&d, "t.tsv", 0, "too many errors"));
	diag_free(&d);
	buf_free(&b);
	free(cell);
}
END_TEST

START_TEST(test_import_bad_opts)
{
	struct import_opts o = vq_opts();
	struct diag d = { 0 };
	struct buf out = { 0 };
	const char *t = H S1 "1\tViệc\tVPĐP\tTháng 3\n";

	o.plan_code = "Van Quan";
	o.year = 1800;
	ck_assert_int_eq(import_table("t.tsv", t, strlen(t), &o, &out, &d), -1);
	ck_assert(diag_has(&d, "t.tsv", 0, "plan code \"Van Quan\" may hold only"));
	ck_assert(diag_has(&d, "t.tsv", 0, "year 1800"));
	ck_assert_ptr_null(out.s);
	diag_free(&d);
}
END_TEST

/* ---- units ---- */

static const char *const tckh_aliases[] = { "Phòng TC - KH", "TC-KH" };
static const char *const tckh_emails[] = { "tckh@x.example" };
static const char *const ban_aliases[] = { "Các phòng, ban, ngành" };
static const char *const vp_aliases[] = { "VPĐP" };
static const struct import_unit few[] = {
	{ "ubnd", "Ủy ban nhân dân huyện", "office", NULL, NULL, 0, NULL, 0 },
	{ "phong-tckh", "Phòng Tài chính - Kế hoạch", "department", "ubnd", tckh_aliases, 2,
	    tckh_emails, 1 },
	{ "phong-ban", "Các phòng, ban cấp huyện", "group", "ubnd", ban_aliases, 1, NULL, 0 },
	{ "vpdp", "Văn phòng Điều phối", "office", NULL, vp_aliases, 1, NULL, 0 },
	{ "unused", "Phòng Không dùng", "department", "nowhere", NULL, 0, NULL, 0 },
};

static struct import_opts
few_opts(void)
{
	return (struct import_opts){ "p-2024", "huyen", "Huyện", "Kế hoạch thử", 2024, few,
	    sizeof(few) / sizeof(*few) };
}

START_TEST(test_import_unit_matching)
{
	static const char t[] = H S1
	    "1\tMột\tphòng tc-kh ; Phòng   TC -  KH, pho\xcc\x80ng TC - KH\tTháng 3\n"
	    "2\tHai\tCác phòng,ban, ngành, VPĐP, vpdp\tQuý II\n"
	    "3\tBa\tPhòng Tư pháp, Xã Vân Mộng, UBND xã Vân An, Ban Dân vận\tnăm 2024\n"
	    "4\tBốn\tBQL dự án; Văn phòng HĐND; Các trường học; Thành viên tổ công tác\t\n"
	    "5\tNăm\tTV tổ; Hội Nông dân; VPĐP huyện mới; Phòng Tư Pháp;phòng tư pháp\t"
	    "Thường xuyên\n";
	struct import_opts o = few_opts();
	struct diag d = { 0 };
	char *out = import("u.tsv", t, sizeof(t) - 1, &o, &d);
	struct plan *p;
	const struct plan_unit *u;
	static const struct {
		const char *code, *name, *kind;
	} fresh[] = {
		{ "phong-tu-phap", "Phòng Tư pháp", "department" },
		{ "xa-van-mong", "Xã Vân Mộng", "commune" },
		{ "ubnd-xa-van-an", "UBND xã Vân An", "commune" },
		{ "ban-dan-van", "Ban Dân vận", "board" },
		{ "bql-du-an", "BQL dự án", "board" },
		{ "van-phong-hdnd", "Văn phòng HĐND", "office" },
		{ "cac-truong-hoc", "Các trường học", "group" },
		{ "thanh-vien-to-cong-tac", "Thành viên tổ công tác", "group" },
		{ "tv-to", "TV tổ", "group" },
		{ "hoi-nong-dan", "Hội Nông dân", "organisation" },
		{ "vpdp-huyen-moi", "VPĐP huyện mới", "office" },
	};
	size_t i;

	ck_assert_msg(out != NULL, "%s", diag_join(&d));
	p = load(out);
	ck_assert_str_eq(p->title, "Kế hoạch thử");
	/* Spacing, case and NFD: one unit, the new spellings kept as its aliases. */
	want_units(p, "I.1", ROLE_LEAD, "phong-tckh");
	u = unit(p, "phong-tckh");
	ck_assert_int_eq(u->naliases, 3);	/* text_fold() already reads the other two */
	ck_assert_str_eq(u->aliases[2], "phòng tc-kh");
	ck_assert_str_eq(u->parent, "ubnd");
	ck_assert_ptr_nonnull(unit(p, "ubnd"));
	ck_assert_ptr_null(unit(p, "unused"));	/* its bad parent does not matter */
	/* "Các phòng,ban, ngành" is one collective; "vpdp" is a code. */
	want_units(p, "I.2", ROLE_LEAD, "phong-ban vpdp");
	ck_assert_str_eq(task(p, "I.2")->when_text, "Quý II");
	for (i = 0; i < sizeof(fresh) / sizeof(*fresh); i++) {
		ck_assert_msg((u = unit(p, fresh[i].code)) != NULL, "no unit %s", fresh[i].code);
		ck_assert_str_eq(u->name, fresh[i].name);
		ck_assert_msg(!strcmp(u->kind, fresh[i].kind), "%s: kind %s, want %s",
		    fresh[i].code, u->kind, fresh[i].kind);
		ck_assert_int_eq(u->nemails, 0);
	}
	ck_assert(diag_has(&d, "u.tsv", 5, "warning: new unit \"Phòng Tư pháp\" (no address)"));
	ck_assert(diag_has(&d, "u.tsv", 7, "warning: new unit \"Hội Nông dân\" (no address)"));
	/* "Phòng Tư Pháp" differs in case only: the same new unit, under another spelling. */
	want_units(p, "I.5", ROLE_LEAD, "tv-to hoi-nong-dan vpdp-huyen-moi phong-tu-phap");
	ck_assert_int_eq(d.nwarn, 11 + 1);	/* and I.4 has no time */
	ck_assert(diag_has(&d, "u.tsv", 6, "task I.4: no time given"));
	ck_assert_str_eq(task(p, "I.4")->when_text, "");
	ck_assert_int_eq(task(p, "I.4")->when.kind, WHEN_UNSCHEDULED);
	plan_free(p);
	free(out);
	diag_free(&d);
}
END_TEST

START_TEST(test_import_unit_conflicts)
{
	static const char *const a1[] = { "Phòng A" };
	static const char *const a2[] = { "Phòng  A" };
	static const struct import_unit u[] = {
		{ "a1", "Phòng Một", "department", NULL, a1, 1, NULL, 0 },
		{ "a2", "Phòng Hai", "department", NULL, a2, 1, NULL, 0 },
		{ "b", "Phòng Ba", "nonsense", "a1", NULL, 0, NULL, 0 },
		{ "c", "Phòng Bốn", "department", NULL, NULL, 0, NULL, 0 },
		{ "d", "Phòng Bốn", "department", NULL, NULL, 0, NULL, 0 },
	};
	struct import_opts o = { "p", "o", "Org", NULL, 2024, u, 5 };
	struct diag d = { 0 };
	struct buf out = { 0 };
	const char *t = H S1 "1\tViệc\tPhòng Ba\tTháng 3\n2\tViệc\tphòng a\tTháng 3\n"
	    "3\tViệc\tc, d\tTháng 3\n";

	ck_assert_int_eq(import_table("t.tsv", t, strlen(t), &o, &out, &d), -1);
	ck_assert_msg(diag_has(&d, "t.tsv:4", 8, "\"phòng a\" names more than one unit "
	    "(\"a1\" and \"a2\")"), "%s", diag_join(&d));
	ck_assert_msg(diag_has(&d, "t.tsv", 0, "unit \"b\": kind \"nonsense\""), "%s",
	    diag_join(&d));
	ck_assert_msg(diag_has(&d, "t.tsv", 0, "units \"c\" and \"d\" are both called"), "%s",
	    diag_join(&d));
	ck_assert_ptr_null(out.s);
	diag_free(&d);
}
END_TEST

/* Quotes and backslashes survive the trip through libconfig; CSV quoting undone. */
START_TEST(test_import_escapes)
{
	static const char t[] = "\"TT\",\"Nội dung công việc\",\"Thời gian\"\r\n"
	    "I,\"Phần \"\"một\"\"\",\r\n"
	    "1,\"Sửa \\\\máy\\ \"\"A\"\"\r\n\r\nvà B\",\"Tháng 3\"\r\n"
	    "2.,Hai \"trích\" dẫn,\"Tháng 3, 6\"";
	struct import_opts o = few_opts();
	struct diag d = { 0 };
	char *out = import("e.csv", t, sizeof(t) - 1, &o, &d);
	struct plan *p;

	ck_assert_msg(out != NULL, "%s", diag_join(&d));
	p = load(out);
	ck_assert_str_eq(task(p, "I.1")->title, "Sửa \\\\máy\\ \"A\" và B");
	ck_assert_str_eq(task(p, "I.1")->section, "Phần \"một\"");
	ck_assert_str_eq(task(p, "I.2")->title, "Hai \"trích\" dẫn");
	ck_assert_int_eq(task(p, "I.2")->when.n, 2);
	ck_assert_int_eq(p->nunits, 0);
	plan_free(p);
	free(out);
	diag_free(&d);
}
END_TEST

/* Word's paste: title rows above the header, column numbers under it, a header
 * repeated with other names, text that merely starts with a quote. */
START_TEST(test_import_word_paste)
{
	static const char t[] = "Phụ lục 1\n\nNội dung công việc, tiến độ\n"
	    "TT\tNội dung công việc\tThời gian\n"
	    "(1)\t(2)\t(3)\n"
	    "I\tPhần một\t\n"
	    "1\t\"Khu dân cư\" kiểu mẫu\tTháng 3\n"
	    "TT\tNội dung\tThời gian thực hiện\n"
	    "2\t\"Một nửa\tTháng\n"
	    "\t\t4\n";
	struct import_opts o = few_opts();
	struct diag d = { 0 };
	char *out = import("w.tsv", t, sizeof(t) - 1, &o, &d);
	struct plan *p;

	ck_assert_msg(out != NULL, "%s", diag_join(&d));
	ck_assert_msg(diag_has(&d, "w.tsv", 1, "warning: 2 rows above the header row are not "
	    "read"), "%s", diag_join(&d));
	p = load(out);
	ck_assert_int_eq(p->ntasks, 2);
	ck_assert_str_eq(task(p, "I.1")->title, "\"Khu dân cư\" kiểu mẫu");
	ck_assert_str_eq(task(p, "I.2")->title, "\"Một nửa");
	ck_assert_str_eq(task(p, "I.2")->when_text, "Tháng 4");
	plan_free(p);
	free(out);
	diag_free(&d);
}
END_TEST

/* A tab in a cell is a space (so that no escape in the file sits before a combining
 * mark), so are \v and \f; NBSP and a closing full stop are not part of a unit's name. */
START_TEST(test_import_cell_spacing)
{
	static const char t[] = "TT,Nội dung công việc,Cơ quan thực hiện,Thời gian\n"
	    "I,Phần,,\n"
	    "1,\"Việc\t\xcc\xa3 một\",\"VPĐP\xc2\xa0, Phòng Mới .\",Tháng\t3\n"
	    "2,Hai\vdòng,,Tháng \f4\n";
	struct import_opts o = few_opts();
	struct diag d = { 0 };
	char *out = import("s.csv", t, sizeof(t) - 1, &o, &d), *nfc;
	struct plan *p;

	ck_assert_msg(out != NULL, "%s", diag_join(&d));
	ck_assert_ptr_nonnull(nfc = text_nfc(out));
	ck_assert_str_eq(nfc, out);
	p = load(out);
	ck_assert_str_eq(task(p, "I.1")->title, "Việc \xcc\xa3 một");
	ck_assert_str_eq(task(p, "I.1")->when_text, "Tháng 3");
	want_units(p, "I.1", ROLE_LEAD, "vpdp phong-moi");
	ck_assert_str_eq(unit(p, "phong-moi")->name, "Phòng Mới");
	ck_assert_str_eq(unit(p, "phong-moi")->kind, "department");
	/* Word's manual line break and a form feed are white space too. */
	ck_assert_str_eq(task(p, "I.2")->title, "Hai dòng");
	ck_assert_str_eq(task(p, "I.2")->when_text, "Tháng 4");
	plan_free(p);
	free(nfc);
	free(out);
	diag_free(&d);
}
END_TEST

Suite *
import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *seed = tcase_create("seed 004");
	TCase *errors = tcase_create("errors");
	TCase *units = tcase_create("units");

	tcase_add_checked_fixture(seed, setup, teardown);
	tcase_add_test(seed, test_import_tsv_seed);
	tcase_add_test(seed, test_import_csv_bom_quotes);
	tcase_add_test(seed, test_import_nfd);
	tcase_add_test(seed, test_import_columns_shuffled);
	suite_add_tcase(s, seed);
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_loop_test(errors, test_import_bad, 0, NBAD);
	tcase_add_test(errors, test_import_limits);
	tcase_add_test(errors, test_import_bad_opts);
	tcase_set_timeout(errors, 30);
	suite_add_tcase(s, errors);
	tcase_add_test(units, test_import_unit_matching);
	tcase_add_test(units, test_import_unit_conflicts);
	tcase_add_test(units, test_import_escapes);
	tcase_add_test(units, test_import_word_paste);
	tcase_add_test(units, test_import_cell_spacing);
	suite_add_tcase(s, units);
	return s;
}
