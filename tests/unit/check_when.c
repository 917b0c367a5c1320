/*
 * The time-expression parser, table-driven: every form of section C of the issue-3
 * spec and every time wording of the five seeds, the variants people type (case,
 * diacritics, NFD, spaces, tabs, NBSP, dashes, "và"/";" lists, leading zeros), and what
 * must be refused.
 *
 * Decided after the first table: the seed wordings outside section C ("vào năm 2024",
 * "vào cuối năm 2022", "hoàn thành trong năm 2023") read like the forms they contain;
 * "Định kỳ" alone names no regime and is refused; a report day missing from a month
 * ("ngày 31 hàng tháng") is that month's last day; "Tháng 7-7" is July; a range over the
 * year end needs its years ("Tháng 11 - 1" runs backwards); "hằng" is "hàng".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "suites.h"
#include "when.h"

struct row {
	const char	*text;
	int		 year;
	enum when_kind	 kind;
	const char	*periods;	/* "start..due start..due", "" for none */
	const char	*error;		/* for WHEN_ERROR: a word the error must show, or NULL */
};

#define Q_3_6_9_11 "2018-03-01..2018-03-31 2018-06-01..2018-06-30 " \
	"2018-09-01..2018-09-30 2018-11-01..2018-11-30"
#define M_3_6 "2018-03-01..2018-03-31 2018-06-01..2018-06-30"
#define JUL_AUG "2018-07-01..2018-08-31"

/* The whole year y. */
#define YEAR(y) #y "-01-01.." #y "-12-31"
/* Twelve periods: the 1st of each month of y to day d of that month (d two digits). */
#define MONTHS_BY(y, d) \
	#y "-01-01.." #y "-01-" #d " " #y "-02-01.." #y "-02-" #d " " \
	#y "-03-01.." #y "-03-" #d " " #y "-04-01.." #y "-04-" #d " " \
	#y "-05-01.." #y "-05-" #d " " #y "-06-01.." #y "-06-" #d " " \
	#y "-07-01.." #y "-07-" #d " " #y "-08-01.." #y "-08-" #d " " \
	#y "-09-01.." #y "-09-" #d " " #y "-10-01.." #y "-10-" #d " " \
	#y "-11-01.." #y "-11-" #d " " #y "-12-01.." #y "-12-" #d
/* Twelve periods, each the whole month of y; feb is the last day of February. */
#define MONTHS_WHOLE(y, feb) \
	#y "-01-01.." #y "-01-31 " #y "-02-01.." #y "-02-" #feb " " \
	#y "-03-01.." #y "-03-31 " #y "-04-01.." #y "-04-30 " \
	#y "-05-01.." #y "-05-31 " #y "-06-01.." #y "-06-30 " \
	#y "-07-01.." #y "-07-31 " #y "-08-01.." #y "-08-31 " \
	#y "-09-01.." #y "-09-30 " #y "-10-01.." #y "-10-31 " \
	#y "-11-01.." #y "-11-30 " #y "-12-01.." #y "-12-31"
/* Four periods: each quarter's start to day d of its last month. */
#define QUARTERS_BY(y, d) \
	#y "-01-01.." #y "-03-" #d " " #y "-04-01.." #y "-06-" #d " " \
	#y "-07-01.." #y "-09-" #d " " #y "-10-01.." #y "-12-" #d
/* Four periods, each the whole quarter of y. */
#define QUARTERS_WHOLE(y) \
	#y "-01-01.." #y "-03-31 " #y "-04-01.." #y "-06-30 " \
	#y "-07-01.." #y "-09-30 " #y "-10-01.." #y "-12-31"

/*
 * Expected periods follow section C of the issue-3 spec ("when" semantics): plan year Y
 * (the row's year) unless the text names one; deadline-only forms start at the plan's
 * start, which these rows take as Y-01-01. Seed names: 000 Gia Lộc 2023, 001 Krông Nô
 * 2022, 002 Tân Thạnh 2023, 003 Cẩm Thành 2023, 004 Văn Quan 2018.
 */
static const struct row rows[] = {
	/* Months: the forms of the plan's "Thời gian" column. */
	{ "Tháng 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },	/* seed 004 */
	{ "Tháng 1", 2018, WHEN_DATED, "2018-01-01..2018-01-31", NULL },	/* seed 004 */
	{ "Tháng 12", 2018, WHEN_DATED, "2018-12-01..2018-12-31", NULL },
	{ "Tháng 3, 6, 9, 11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },		/* seed 004 */
	{ "Tháng 3,6,9,11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },		/* seed 004 */
	{ "Tháng 5, 6, 7, 8", 2018, WHEN_DATED, "2018-05-01..2018-05-31 2018-06-01..2018-06-30 "
	    "2018-07-01..2018-07-31 2018-08-01..2018-08-31", NULL },		/* seed 004 */
	{ "Tháng 7-8", 2018, WHEN_DATED, JUL_AUG, NULL },			/* seed 004 */
	{ "Tháng 7 – 8", 2018, WHEN_DATED, JUL_AUG, NULL },	/* en dash */
	{ "Tháng 7—8", 2018, WHEN_DATED, JUL_AUG, NULL },	/* em dash */
	{ "tháng 7 đến tháng 8", 2018, WHEN_DATED, JUL_AUG, NULL },
	{ "Tháng 01/2019", 2018, WHEN_DATED, "2019-01-01..2019-01-31", NULL },	/* seed 004 */
	{ "tháng 1 năm 2019", 2018, WHEN_DATED, "2019-01-01..2019-01-31", NULL },
	{ "Tháng 12/2018, 1/2019", 2018, WHEN_DATED,
	    "2018-12-01..2018-12-31 2019-01-01..2019-01-31", NULL },
	{ "Tháng 2", 2020, WHEN_DATED, "2020-02-01..2020-02-29", NULL },	/* leap year */
	{ "Tháng 2", 2019, WHEN_DATED, "2019-02-01..2019-02-28", NULL },
	{ "Tháng 2", 2100, WHEN_DATED, "2100-02-01..2100-02-28", NULL },	/* not leap */
	{ "Tháng 3 và 6", 2018, WHEN_DATED, M_3_6, NULL },
	{ "Tháng 3 và tháng 6", 2018, WHEN_DATED, M_3_6, NULL },
	{ "Tháng 7", 2018, WHEN_DATED, "2018-07-01..2018-07-31", NULL },	/* seed 004 */
	/* Lists: ",", ";", "và", "tháng" repeated, leading zeros. */
	{ "Tháng 3; 6; 9; 11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },
	{ "Tháng 3;6;9;11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },
	{ "Tháng 3, 6, 9 và 11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },
	{ "Tháng 3, tháng 6, tháng 9, tháng 11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },
	{ "tháng 3; tháng 6; tháng 9 và tháng 11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },
	{ "Tháng 03, 06, 09, 11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },
	{ "Tháng 01", 2018, WHEN_DATED, "2018-01-01..2018-01-31", NULL },
	{ "tháng 09", 2018, WHEN_DATED, "2018-09-01..2018-09-30", NULL },
	{ "Tháng 3 năm 2018", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },
	{ "Tháng 12/2018", 2018, WHEN_DATED, "2018-12-01..2018-12-31", NULL },	/* year end */
	{ "Tháng 01 năm 2019", 2018, WHEN_DATED, "2019-01-01..2019-01-31", NULL },
	/* Month ranges: "-", "–", "—", "đến", "từ … đến …", across the year end. */
	{ "Tháng 7 - 8", 2018, WHEN_DATED, JUL_AUG, NULL },
	{ "Tháng 7–8", 2018, WHEN_DATED, JUL_AUG, NULL },			/* en dash */
	{ "Tháng 7 — 8", 2018, WHEN_DATED, JUL_AUG, NULL },		/* em dash */
	{ "Tháng 07-08", 2018, WHEN_DATED, JUL_AUG, NULL },
	{ "Tháng 7 đến 8", 2018, WHEN_DATED, JUL_AUG, NULL },
	{ "tháng 7 – tháng 8", 2018, WHEN_DATED, JUL_AUG, NULL },
	{ "từ tháng 7 đến tháng 8", 2018, WHEN_DATED, JUL_AUG, NULL },
	{ "TỪ THÁNG 7 ĐẾN THÁNG 8", 2018, WHEN_DATED, JUL_AUG, NULL },
	{ "tu thang 7 den thang 8", 2018, WHEN_DATED, JUL_AUG, NULL },
	{ "Tháng 1-12", 2018, WHEN_DATED, "2018-01-01..2018-12-31", NULL },
	{ "Tháng 11/2018 - 01/2019", 2018, WHEN_DATED, "2018-11-01..2019-01-31", NULL },
	{ "Tháng 11/2018 – 01/2019", 2018, WHEN_DATED, "2018-11-01..2019-01-31", NULL },
	{ "tháng 11/2018 đến tháng 01/2019", 2018, WHEN_DATED, "2018-11-01..2019-01-31",
	    NULL },
	{ "tháng 11 năm 2018 đến tháng 1 năm 2019", 2018, WHEN_DATED,
	    "2018-11-01..2019-01-31", NULL },
	/* February and the year bounds. */
	{ "Tháng 2/2020", 2018, WHEN_DATED, "2020-02-01..2020-02-29", NULL },	/* leap */
	{ "Tháng 2/2100", 2018, WHEN_DATED, "2100-02-01..2100-02-28", NULL },	/* not leap */
	{ "Tháng 2/2000", 2000, WHEN_DATED, "2000-02-01..2000-02-29", NULL },	/* leap (400) */
	{ "Tháng 2 năm 2024", 2023, WHEN_DATED, "2024-02-01..2024-02-29", NULL },
	{ "Tháng 2/1900", 1900, WHEN_DATED, "1900-02-01..1900-02-28", NULL },	/* lowest year */
	{ "Tháng 12/2100", 2100, WHEN_DATED, "2100-12-01..2100-12-31", NULL },	/* highest */
	/* The same, as people type it. */
	{ "THÁNG 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },
	{ "thang 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },
	{ "Tha\xcc\x81ng 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },	/* NFD */
	{ "  Tháng   3 ,6 ", 2018, WHEN_DATED, M_3_6, NULL },
	{ "Tháng\t3\xc2\xa0và 6", 2018, WHEN_DATED, M_3_6, NULL },		/* tab, NBSP */
	{ "THANG 7 DEN THANG 8", 2018, WHEN_DATED, JUL_AUG, NULL },
	{ "tHáNg 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },
	{ "THA\xcc\x81NG 3, 6, 9, 11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },	/* NFD, upper */
	{ "Th\xc3\xa1ng 3, tha\xcc\x81ng 6", 2018, WHEN_DATED, M_3_6, NULL },	/* NFC + NFD */
	{ "tu\xcc\x9b\xcc\x80 tha\xcc\x81ng 7 \xc4\x91" "e\xcc\x82\xcc\x81n tha\xcc\x81ng 8", 2018,
	    WHEN_DATED, JUL_AUG, NULL },					/* NFD */
	{ "Tha\xcc\x81ng 11/2018 - 01/2019", 2018, WHEN_DATED, "2018-11-01..2019-01-31",
	    NULL },								/* NFD */
	{ "Tháng\xc2\xa0" "7\xc2\xa0–\xc2\xa0" "8", 2018, WHEN_DATED, JUL_AUG, NULL },	/* NBSP */
	{ "\tTháng 3,\t6,\t9,\t11\t", 2018, WHEN_DATED, Q_3_6_9_11, NULL },	/* tabs */
	{ "Tháng  3 ;  6  và  9 , 11", 2018, WHEN_DATED, Q_3_6_9_11, NULL },
	{ "\xc2\xa0\xc2\xa0Tháng 7-8\xc2\xa0", 2018, WHEN_DATED, JUL_AUG, NULL },	/* NBSP */
	/* Quarters. */
	{ "Quý II", 2018, WHEN_DATED, "2018-04-01..2018-06-30", NULL },
	{ "Quý IV", 2018, WHEN_DATED, "2018-10-01..2018-12-31", NULL },
	{ "Quý I", 2018, WHEN_DATED, "2018-01-01..2018-03-31", NULL },
	{ "Quý III", 2018, WHEN_DATED, "2018-07-01..2018-09-30", NULL },
	{ "quý 2", 2018, WHEN_DATED, "2018-04-01..2018-06-30", NULL },
	{ "Quý 4", 2018, WHEN_DATED, "2018-10-01..2018-12-31", NULL },
	{ "Quý II/2019", 2018, WHEN_DATED, "2019-04-01..2019-06-30", NULL },
	{ "quý II năm 2019", 2018, WHEN_DATED, "2019-04-01..2019-06-30", NULL },
	{ "Quý IV/2018", 2018, WHEN_DATED, "2018-10-01..2018-12-31", NULL },
	{ "Quý I/2020", 2018, WHEN_DATED, "2020-01-01..2020-03-31", NULL },
	{ "QUÝ II", 2018, WHEN_DATED, "2018-04-01..2018-06-30", NULL },
	{ "quy ii", 2018, WHEN_DATED, "2018-04-01..2018-06-30", NULL },
	{ "quý iv", 2018, WHEN_DATED, "2018-10-01..2018-12-31", NULL },
	{ "Quy\xcc\x81 II/2019", 2018, WHEN_DATED, "2019-04-01..2019-06-30", NULL },	/* NFD */
	{ "Quý\tII", 2018, WHEN_DATED, "2018-04-01..2018-06-30", NULL },
	/* Quarter deadlines: from the plan's start to the quarter's end. */
	{ "hết quý I năm 2018", 2018, WHEN_DATED, "2018-01-01..2018-03-31", NULL }, /* seed 004 */
	{ "trước hết quý I", 2018, WHEN_DATED, "2018-01-01..2018-03-31", NULL },
	{ "hết quý I", 2018, WHEN_DATED, "2018-01-01..2018-03-31", NULL },
	{ "hết quý II", 2018, WHEN_DATED, "2018-01-01..2018-06-30", NULL },
	{ "hết quý IV năm 2018", 2018, WHEN_DATED, "2018-01-01..2018-12-31", NULL },
	{ "hết quý 1 năm 2018", 2018, WHEN_DATED, "2018-01-01..2018-03-31", NULL },
	{ "hết quý I năm 2019", 2018, WHEN_DATED, "2018-01-01..2019-03-31", NULL },
	{ "HẾT QUÝ I NĂM 2018", 2018, WHEN_DATED, "2018-01-01..2018-03-31", NULL },
	{ "het quy I nam 2018", 2018, WHEN_DATED, "2018-01-01..2018-03-31", NULL },
	{ "he\xcc\x82\xcc\x81t quy\xcc\x81 I na\xcc\x86m 2018", 2018, WHEN_DATED,
	    "2018-01-01..2018-03-31", NULL },					/* NFD */
	/* Day deadlines: from the plan's start to the day. */
	{ "chậm nhất 30/11/2018", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL }, /* s. 004 */
	{ "chậm nhất 30/11", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL },
	{ "ngày 30 tháng 11 năm 2018", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL },
	{ "chậm nhất ngày 30/11/2018", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL },
	{ "CHẬM NHẤT 30/11/2018", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL },
	{ "cham nhat 30/11/2018", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL },
	{ "chậm\tnhất  30/11/2018 ", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL },
	{ "cha\xcc\xa3\xcc\x82m nha\xcc\x82\xcc\x81t 30/11/2018", 2018, WHEN_DATED,
	    "2018-01-01..2018-11-30", NULL },					/* NFD */
	{ "30/11/2018", 2018, WHEN_DATED, "2018-01-01..2018-11-30", NULL },
	{ "hạn 15/12", 2018, WHEN_DATED, "2018-01-01..2018-12-15", NULL },
	{ "HẠN 15/12", 2018, WHEN_DATED, "2018-01-01..2018-12-15", NULL },
	/* Issue 15: "trước D" is the day before D (it was D until then). */
	{ "trước ngày 15/12", 2018, WHEN_DATED, "2018-01-01..2018-12-14", NULL },
	{ "truoc ngay 15/12", 2018, WHEN_DATED, "2018-01-01..2018-12-14", NULL },
	{ "trước ngày 05/02", 2018, WHEN_DATED, "2018-01-01..2018-02-04", NULL },
	{ "trước 15/3", 2018, WHEN_DATED, "2018-01-01..2018-03-14", NULL },
	{ "TRƯỚC NGÀY 15/3", 2018, WHEN_DATED, "2018-01-01..2018-03-14", NULL },
	{ "trước  ngày 15/3/2025", 2025, WHEN_DATED, "2025-01-01..2025-03-14", NULL },
	{ "trước ngày 01/01/2019", 2018, WHEN_DATED, "2018-01-01..2018-12-31", NULL },
	{ "trước ngày 1/3/2024", 2024, WHEN_DATED, "2024-01-01..2024-02-29", NULL },	/* leap */
	{ "trước ngày 30/2", 2018, WHEN_ERROR, "", "30/02/2018" },
	/* Tết Nguyên đán, mùng 1 of the lunar year at UTC+7: 16/02/2018, 29/01/2025. */
	{ "trước Tết", 2018, WHEN_DATED, "2018-01-01..2018-02-15", NULL },
	{ "Trước tết nguyên đán", 2018, WHEN_DATED, "2018-01-01..2018-02-15", NULL },
	{ "truoc tet nguyen dan", 2025, WHEN_DATED, "2025-01-01..2025-01-28", NULL },
	{ "trước Tết Nguyên đán năm 2025", 2025, WHEN_DATED, "2025-01-01..2025-01-28", NULL },
	{ "trước Tết Nguyên đán 2025", 2025, WHEN_DATED, "2025-01-01..2025-01-28", NULL },
	{ "trước Tết năm 2024", 2023, WHEN_DATED, "2023-01-01..2024-02-09", NULL },
	{ "trước Tết năm 2101", 2018, WHEN_ERROR, "", "2101" },
	/* The thirds of a month (thượng, trung, hạ tuần) and its first and last weeks. */
	{ "đầu tháng 4", 2018, WHEN_DATED, "2018-04-01..2018-04-10", NULL },
	{ "thượng tuần tháng 4", 2018, WHEN_DATED, "2018-04-01..2018-04-10", NULL },
	{ "giữa tháng 4", 2018, WHEN_DATED, "2018-04-11..2018-04-20", NULL },
	{ "trung tuần tháng 4", 2018, WHEN_DATED, "2018-04-11..2018-04-20", NULL },
	{ "cuối tháng 4", 2018, WHEN_DATED, "2018-04-21..2018-04-30", NULL },
	{ "hạ tuần tháng 4", 2018, WHEN_DATED, "2018-04-21..2018-04-30", NULL },
	{ "cuối tháng 2", 2024, WHEN_DATED, "2024-02-21..2024-02-29", NULL },	/* leap */
	{ "cuối tháng 2", 2023, WHEN_DATED, "2023-02-21..2023-02-28", NULL },
	{ "tuần đầu tháng 4", 2018, WHEN_DATED, "2018-04-01..2018-04-07", NULL },
	{ "tuần đầu của tháng 4", 2018, WHEN_DATED, "2018-04-01..2018-04-07", NULL },
	{ "tuần cuối tháng 4", 2018, WHEN_DATED, "2018-04-24..2018-04-30", NULL },
	{ "tuần cuối tháng 2", 2018, WHEN_DATED, "2018-02-22..2018-02-28", NULL },
	{ "Đầu tháng 4/2019", 2018, WHEN_DATED, "2019-04-01..2019-04-10", NULL },
	{ "cuối tháng 12 năm 2024", 2024, WHEN_DATED, "2024-12-21..2024-12-31", NULL },
	{ "CUỐI THÁNG 12", 2018, WHEN_DATED, "2018-12-21..2018-12-31", NULL },
	{ "cuoi thang 12", 2018, WHEN_DATED, "2018-12-21..2018-12-31", NULL },
	{ "hạ  tuần   tháng 04", 2018, WHEN_DATED, "2018-04-21..2018-04-30", NULL },
	{ "cuối tháng 13", 2018, WHEN_ERROR, "", "13" },
	{ "đầu tháng", 2018, WHEN_ERROR, "", NULL },
	/* "trong" a month, quarter or year: that month, quarter or year. */
	{ "trong tháng 3", 2018, WHEN_DATED, "2018-03-01..2018-03-31", NULL },
	{ "Trong quý II", 2018, WHEN_DATED, "2018-04-01..2018-06-30", NULL },
	{ "trong năm 2024", 2024, WHEN_DATED, YEAR(2024), NULL },
	{ "31/12/2018", 2018, WHEN_DATED, "2018-01-01..2018-12-31", NULL },	/* year end */
	{ "ngày 31 tháng 12 năm 2018", 2018, WHEN_DATED, "2018-01-01..2018-12-31", NULL },
	{ "chậm nhất 01/01/2019", 2018, WHEN_DATED, "2018-01-01..2019-01-01", NULL },
	{ "chậm nhất 29/02/2020", 2020, WHEN_DATED, "2020-01-01..2020-02-29", NULL },	/* leap */
	{ "29/02/2000", 2000, WHEN_DATED, "2000-01-01..2000-02-29", NULL },	/* leap (400) */
	{ "ngày 29 tháng 2 năm 2020", 2020, WHEN_DATED, "2020-01-01..2020-02-29", NULL },
	/* Day ranges. */
	{ "từ ngày 1/3 đến ngày 15/3", 2018, WHEN_DATED, "2018-03-01..2018-03-15", NULL },
	{ "từ ngày 01/03 đến ngày 15/03", 2018, WHEN_DATED, "2018-03-01..2018-03-15", NULL },
	{ "tu ngay 1/3 den ngay 15/3", 2018, WHEN_DATED, "2018-03-01..2018-03-15", NULL },
	{ "TỪ NGÀY 1/3 ĐẾN NGÀY 15/3", 2018, WHEN_DATED, "2018-03-01..2018-03-15", NULL },
	{ "từ ngày 1/12/2018 đến ngày 15/1/2019", 2018, WHEN_DATED, "2018-12-01..2019-01-15",
	    NULL },
	/* Years. */
	{ "năm 2024", 2024, WHEN_DATED, YEAR(2024), NULL },
	{ "trước năm 2024", 2023, WHEN_DATED, "2023-01-01..2023-12-31", NULL },
	{ "trước năm 2024", 2018, WHEN_DATED, "2018-01-01..2023-12-31", NULL },
	{ "năm 2024", 2023, WHEN_DATED, YEAR(2024), NULL },			/* seed 003 */
	{ "trong năm 2024", 2018, WHEN_DATED, YEAR(2024), NULL },
	{ "NĂM 2024", 2018, WHEN_DATED, YEAR(2024), NULL },
	{ "nam 2024", 2018, WHEN_DATED, YEAR(2024), NULL },
	{ "  năm\t\t2024  ", 2018, WHEN_DATED, YEAR(2024), NULL },
	{ "năm 2018", 2018, WHEN_DATED, YEAR(2018), NULL },			/* seed 004 */
	{ "Năm 2023", 2023, WHEN_DATED, YEAR(2023), NULL },			/* seed 000 */
	{ "năm 2022", 2022, WHEN_DATED, YEAR(2022), NULL },			/* seed 001 */
	{ "trong năm 2022", 2022, WHEN_DATED, YEAR(2022), NULL },		/* seed 001 */
	{ "trong năm 2023", 2023, WHEN_DATED, YEAR(2023), NULL },		/* seeds 000, 003 */
	{ "Hoàn thành trước năm 2024", 2023, WHEN_DATED, YEAR(2023), NULL },	/* seed 003 */
	{ "hoàn thành trước năm 2024", 2018, WHEN_DATED, "2018-01-01..2023-12-31", NULL },
	{ "tru\xcc\x9bo\xcc\x9b\xcc\x81" "c na\xcc\x86m 2024", 2018, WHEN_DATED,
	    "2018-01-01..2023-12-31", NULL },					/* NFD */
	{ "hết năm 2023", 2018, WHEN_DATED, "2018-01-01..2023-12-31", NULL },
	{ "cuối năm 2023", 2018, WHEN_DATED, "2018-01-01..2023-12-31", NULL },
	{ "đến cuối năm 2023", 2018, WHEN_DATED, "2018-01-01..2023-12-31", NULL },
	{ "đến hết năm 2023", 2018, WHEN_DATED, "2018-01-01..2023-12-31", NULL },
	{ "đến năm 2023", 2018, WHEN_DATED, "2018-01-01..2023-12-31", NULL },
	{ "DEN HET NAM 2023", 2018, WHEN_DATED, "2018-01-01..2023-12-31", NULL },
	{ "đến cuối năm 2023", 2023, WHEN_DATED, YEAR(2023), NULL },		/* seeds 002, 003 */
	{ "\xc4\x91" "e\xcc\x82\xcc\x81n cuo\xcc\x82\xcc\x81i na\xcc\x86m 2023", 2023, WHEN_DATED,
	    YEAR(2023), NULL },						/* NFD */
	{ "đến hết năm 2022", 2022, WHEN_DATED, YEAR(2022), NULL },		/* seed 001 */
	{ "cuối năm 2022", 2022, WHEN_DATED, YEAR(2022), NULL },		/* seed 001 */
	{ "đến năm 2019", 2018, WHEN_DATED, "2018-01-01..2019-12-31", NULL },	/* seed 004 */
	{ "đến năm 2020", 2018, WHEN_DATED, "2018-01-01..2020-12-31", NULL },	/* seed 004 */
	{ "năm 2100", 2018, WHEN_DATED, YEAR(2100), NULL },			/* highest year */
	{ "năm 1900", 1900, WHEN_DATED, YEAR(1900), NULL },			/* lowest year */
	/* Halves of the year. */
	{ "6 tháng đầu năm", 2018, WHEN_DATED, "2018-01-01..2018-06-30", NULL },
	{ "06 tháng đầu năm 2018", 2018, WHEN_DATED, "2018-01-01..2018-06-30", NULL },
	{ "6 tháng đầu năm 2018", 2018, WHEN_DATED, "2018-01-01..2018-06-30", NULL }, /* s. 004 */
	{ "6 tháng đầu năm 2023", 2023, WHEN_DATED, "2023-01-01..2023-06-30", NULL }, /* s. 003 */
	{ "6 tháng đầu năm 2019", 2018, WHEN_DATED, "2019-01-01..2019-06-30", NULL },
	{ "6 tháng cuối năm", 2018, WHEN_DATED, "2018-07-01..2018-12-31", NULL },
	{ "6 tháng cuối năm 2018", 2018, WHEN_DATED, "2018-07-01..2018-12-31", NULL },
	{ "6 THÁNG ĐẦU NĂM", 2018, WHEN_DATED, "2018-01-01..2018-06-30", NULL },
	{ "6 thang dau nam", 2018, WHEN_DATED, "2018-01-01..2018-06-30", NULL },
	{ "6 tha\xcc\x81ng \xc4\x91" "a\xcc\x82\xcc\x80u na\xcc\x86m", 2018, WHEN_DATED,
	    "2018-01-01..2018-06-30", NULL },					/* NFD */
	/* Report days (seed 002, section IV "CHẾ ĐỘ HỘI HỢP, BÁO CÁO"). */
	{ "ngày 10 hàng tháng", 2023, WHEN_DATED, MONTHS_BY(2023, 10), NULL },	/* seed 002 */
	{ "vào ngày 10 hàng tháng", 2023, WHEN_DATED, MONTHS_BY(2023, 10), NULL }, /* s. 002 */
	{ "ngày 15 hàng tháng", 2023, WHEN_DATED, MONTHS_BY(2023, 15), NULL },	/* seed 002 */
	{ "chậm nhất vào ngày 15 hàng tháng", 2023, WHEN_DATED, MONTHS_BY(2023, 15),
	    NULL },								/* seed 002 */
	{ "ngày 10 của tháng cuối quý", 2023, WHEN_DATED, QUARTERS_BY(2023, 10),
	    NULL },								/* seed 002 */
	{ "vào ngày 10 của tháng cuối quý", 2023, WHEN_DATED, QUARTERS_BY(2023, 10),
	    NULL },								/* seed 002 */
	{ "ngày 20 của tháng cuối quý", 2023, WHEN_DATED, QUARTERS_BY(2023, 20),
	    NULL },								/* seed 002 */
	{ "chậm nhất vào ngày 20 của tháng cuối quý", 2023, WHEN_DATED,
	    QUARTERS_BY(2023, 20), NULL },					/* seed 002 */
	{ "ngày 20 tháng cuối quý", 2023, WHEN_DATED, QUARTERS_BY(2023, 20), NULL },
	{ "ngày 10 tháng 11", 2023, WHEN_DATED, "2023-01-01..2023-11-10", NULL },  /* s. 002 */
	{ "vào ngày 10 tháng 11", 2023, WHEN_DATED, "2023-01-01..2023-11-10", NULL }, /* 002 */
	{ "ngày 20 tháng 11", 2023, WHEN_DATED, "2023-01-01..2023-11-20", NULL },  /* s. 002 */
	{ "vào ngày 20 tháng 11", 2023, WHEN_DATED, "2023-01-01..2023-11-20", NULL },
	/* Seed 002's own words; "chậm nhất vào" before "ngày … tháng 11" is read like
	 * "chậm nhất vào" before the other report days (see the reply on ambiguities). */
	{ "chậm nhất vào ngày 20 tháng 11", 2023, WHEN_DATED, "2023-01-01..2023-11-20", NULL },
	{ "vào năm 2024", 2023, WHEN_DATED, "2024-01-01..2024-12-31", NULL },	/* seed 002 */
	{ "vào cuối năm 2022", 2022, WHEN_DATED, "2022-01-01..2022-12-31", NULL },	/* seed 001 */
	{ "hoàn thành trong năm 2023", 2023, WHEN_DATED, "2023-01-01..2023-12-31", NULL },
	{ "Định kỳ", 2023, WHEN_ERROR, "", NULL },
	{ "ngày 31 hàng tháng", 2023, WHEN_DATED, MONTHS_WHOLE(2023, 28), NULL },
	{ "ngày 31 của tháng cuối quý", 2023, WHEN_DATED, "2023-01-01..2023-03-31 "
	    "2023-04-01..2023-06-30 2023-07-01..2023-09-30 2023-10-01..2023-12-31", NULL },
	{ "Tháng 7-7", 2018, WHEN_DATED, "2018-07-01..2018-07-31", NULL },
	{ "Tháng 11 - 1", 2018, WHEN_ERROR, "", "backwards" },
	{ "Theo đề xuất của", 2018, WHEN_ERROR, "", NULL },
	{ "hằng tháng", 2018, WHEN_DATED, MONTHS_WHOLE(2018, 28), NULL },
	{ "01 lần / quý", 2018, WHEN_DATED, "2018-01-01..2018-03-31 2018-04-01..2018-06-30 "
	    "2018-07-01..2018-09-30 2018-10-01..2018-12-31", NULL },
	{ "ngày 10 hàng tháng", 2018, WHEN_DATED, MONTHS_BY(2018, 10), NULL },
	{ "ngày 10 hàng tháng", 2020, WHEN_DATED, MONTHS_BY(2020, 10), NULL },	/* leap year */
	{ "NGÀY 10 HÀNG THÁNG", 2023, WHEN_DATED, MONTHS_BY(2023, 10), NULL },
	{ "ngay 10 hang thang", 2023, WHEN_DATED, MONTHS_BY(2023, 10), NULL },
	{ "ngày\xc2\xa0" "10\xc2\xa0hàng\xc2\xa0tháng", 2023, WHEN_DATED, MONTHS_BY(2023, 10),
	    NULL },								/* NBSP */
	{ "nga\xcc\x80y 10 ha\xcc\x80ng tha\xcc\x81ng", 2023, WHEN_DATED, MONTHS_BY(2023, 10),
	    NULL },								/* NFD */
	{ "ngày 10 của tháng cuối quý", 2018, WHEN_DATED, QUARTERS_BY(2018, 10), NULL },
	{ "NGAY 20 CUA THANG CUOI QUY", 2023, WHEN_DATED, QUARTERS_BY(2023, 20), NULL },
	{ "nga\xcc\x80y 20 cu\xcc\x89" "a tha\xcc\x81ng cuo\xcc\x82\xcc\x81i quy\xcc\x81", 2023,
	    WHEN_DATED, QUARTERS_BY(2023, 20), NULL },				/* NFD */
	{ "ngày 10 tháng 11", 2018, WHEN_DATED, "2018-01-01..2018-11-10", NULL },
	{ "ngày 29 tháng 2", 2020, WHEN_DATED, "2020-01-01..2020-02-29", NULL },	/* leap */
	/* Frequencies: each month, quarter or year of the plan year. */
	{ "hàng tháng", 2018, WHEN_DATED, MONTHS_WHOLE(2018, 28), NULL },	/* seed 004 */
	{ "hàng tháng", 2020, WHEN_DATED, MONTHS_WHOLE(2020, 29), NULL },	/* leap year */
	{ "01 lần/tháng", 2018, WHEN_DATED, MONTHS_WHOLE(2018, 28), NULL },
	{ "1 lần/tháng", 2018, WHEN_DATED, MONTHS_WHOLE(2018, 28), NULL },
	{ "hang thang", 2018, WHEN_DATED, MONTHS_WHOLE(2018, 28), NULL },
	{ "ha\xcc\x80ng tha\xcc\x81ng", 2023, WHEN_DATED, MONTHS_WHOLE(2023, 28), NULL }, /* NFD */
	{ "ít nhất 01 lần/quý", 2023, WHEN_DATED, QUARTERS_WHOLE(2023), NULL },	/* seed 002 */
	{ "đột xuất và có ít nhất 01 lần/quý", 2023, WHEN_DATED, QUARTERS_WHOLE(2023),
	    NULL },								/* seed 002 */
	{ "1 lần/quý", 2018, WHEN_DATED, QUARTERS_WHOLE(2018), NULL },
	{ "01 lần/quý", 2018, WHEN_DATED, QUARTERS_WHOLE(2018), NULL },
	{ "ít nhất 1 lần/quý", 2018, WHEN_DATED, QUARTERS_WHOLE(2018), NULL },
	{ "hàng quý", 2018, WHEN_DATED, QUARTERS_WHOLE(2018), NULL },
	{ "mỗi quý 1 lần", 2018, WHEN_DATED, QUARTERS_WHOLE(2018), NULL },
	{ "mỗi quý 01 lần", 2018, WHEN_DATED, QUARTERS_WHOLE(2018), NULL },
	{ "ÍT NHẤT 01 LẦN/QUÝ", 2023, WHEN_DATED, QUARTERS_WHOLE(2023), NULL },
	{ "it nhat 01 lan/quy", 2023, WHEN_DATED, QUARTERS_WHOLE(2023), NULL },
	{ "i\xcc\x81t nha\xcc\x82\xcc\x81t 01 la\xcc\x82\xcc\x80n/quy\xcc\x81", 2023, WHEN_DATED,
	    QUARTERS_WHOLE(2023), NULL },					/* NFD */
	{ "hàng năm", 2018, WHEN_DATED, YEAR(2018), NULL },
	{ "hàng năm", 2023, WHEN_DATED, YEAR(2023), NULL },			/* seed 002 */
	{ "hàng năm", 2022, WHEN_DATED, YEAR(2022), NULL },			/* seed 001 */
	{ "01 lần/năm", 2018, WHEN_DATED, YEAR(2018), NULL },
	{ "1 lần/năm", 2018, WHEN_DATED, YEAR(2018), NULL },
	{ "HANG NAM", 2018, WHEN_DATED, YEAR(2018), NULL },
	/* Not dated. */
	{ "Thường xuyên", 2018, WHEN_CONTINUOUS, "", NULL },			/* seed 004 */
	{ "THƯỜNG XUYÊN", 2018, WHEN_CONTINUOUS, "", NULL },
	{ "thuong xuyen", 2018, WHEN_CONTINUOUS, "", NULL },
	{ "thường xuyên", 2023, WHEN_CONTINUOUS, "", NULL },			/* seed 000 */
	{ "Thu\xcc\x9bo\xcc\x9b\xcc\x80ng xuye\xcc\x82n", 2018, WHEN_CONTINUOUS, "", NULL }, /* NFD */
	{ "Th\xc6\xb0\xe1\xbb\x9dng xuye\xcc\x82n", 2018, WHEN_CONTINUOUS, "", NULL },	/* mixed */
	{ " Thường\txuyên\xc2\xa0", 2018, WHEN_CONTINUOUS, "", NULL },
	{ "Theo thời gian thích hợp", 2018, WHEN_UNSCHEDULED, "", NULL },	/* seed 004 */
	{ "THEO THỜI GIAN THÍCH HỢP", 2018, WHEN_UNSCHEDULED, "", NULL },
	{ "theo thoi gian thich hop", 2018, WHEN_UNSCHEDULED, "", NULL },
	{ "Theo đề xuất của BCD xã", 2018, WHEN_UNSCHEDULED, "", NULL },	/* seed 004 */
	{ "Theo đề xuất của BCĐ xã", 2018, WHEN_UNSCHEDULED, "", NULL },
	{ "theo de xuat cua BCD xa", 2018, WHEN_UNSCHEDULED, "", NULL },
	{ "THEO ĐỀ XUẤT CỦA UBND HUYỆN", 2018, WHEN_UNSCHEDULED, "", NULL },
	{ "Theo đề xuất của Phòng NN&PTNT, VPĐP (2018)", 2018, WHEN_UNSCHEDULED, "", NULL },
	{ "Theo \xc4\x91" "e\xcc\x82\xcc\x80 xua\xcc\x82\xcc\x81t cu\xcc\x89" "a BC\xc4\x90 xa\xcc\x83",
	    2018, WHEN_UNSCHEDULED, "", NULL },					/* NFD */
	{ "Định kỳ theo quy định và đột xuất", 2018, WHEN_REGIME, "", NULL },	/* seed 004 */
	{ "Định kỳ theo quy định", 2018, WHEN_REGIME, "", NULL },
	{ "ĐỊNH KỲ THEO QUY ĐỊNH VÀ ĐỘT XUẤT", 2018, WHEN_REGIME, "", NULL },
	{ "dinh ky theo quy dinh va dot xuat", 2018, WHEN_REGIME, "", NULL },
	{ "\xc4\x90i\xcc\xa3nh ky\xcc\x80 theo quy \xc4\x91i\xcc\xa3nh va\xcc\x80 "
	    "\xc4\x91o\xcc\xa3\xcc\x82t xua\xcc\x82\xcc\x81t", 2018, WHEN_REGIME, "", NULL }, /* NFD */
	{ "Định kỳ\ttheo  quy định\xc2\xa0và đột xuất", 2018, WHEN_REGIME, "", NULL },
	/* Refused, with a reason. */
	{ "Tháng 13", 2018, WHEN_ERROR, "", "13" },
	{ "Tháng 0", 2018, WHEN_ERROR, "", "month" },
	{ "31/02/2018", 2018, WHEN_ERROR, "", "31/02/2018" },
	{ "chậm nhất 31/4", 2018, WHEN_ERROR, "", "31/04/2018" },
	{ "Tháng 8-7", 2018, WHEN_ERROR, "", "8-7" },
	{ "Tháng 3, 3", 2018, WHEN_ERROR, "", "once each" },
	{ "Tháng 6, 3", 2018, WHEN_ERROR, "", "time order" },
	{ "Tháng 2/2101", 2018, WHEN_ERROR, "", "2101" },
	{ "Quý V", 2018, WHEN_ERROR, "", NULL },
	/* Weekly: a day that is none, no day, no "hàng tuần" (the rest: weekly_rows). */
	{ "thứ 8 hàng tuần", 2023, WHEN_ERROR, "", NULL },
	{ "thứ 1 hàng tuần", 2023, WHEN_ERROR, "", NULL },
	{ "thứ hàng tuần", 2023, WHEN_ERROR, "", NULL },
	{ "vào thứ 7", 2023, WHEN_ERROR, "", NULL },
	{ "hàng tuần vào", 2023, WHEN_ERROR, "", NULL },
	{ "hàng tuần vào thứ 7 và Chủ nhật", 2023, WHEN_ERROR, "", NULL },
	{ "thứ 7 hàng tuần tháng 3", 2023, WHEN_ERROR, "", NULL },
	{ "hàng tuần tháng 3", 2023, WHEN_ERROR, "", NULL },
	{ "hàng tuần", 2023, WHEN_WEEKLY, "", NULL },	/* like "Thường xuyên": no dates */
	{ "Hằng tuần", 2023, WHEN_WEEKLY, "", NULL },
	{ "HA\xcc\x80NG TUA\xcc\x82\xcc\x80N", 2023, WHEN_WEEKLY, "", NULL },	/* NFD, upper */
	{ "", 2018, WHEN_ERROR, "", NULL },
	{ "   ", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 3,", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 3 năm", 2018, WHEN_ERROR, "", NULL },
	{ "hôm qua", 2018, WHEN_ERROR, "", NULL },
	{ "Thường xuyên hôm qua", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 99999", 2018, WHEN_ERROR, "", NULL },
	{ "\xff", 2018, WHEN_ERROR, "", "UTF-8" },
	{ "Tháng 3\xc3", 2018, WHEN_ERROR, "", "UTF-8" },		/* truncated sequence */
	/* Months and days that do not exist. */
	{ "Tháng 00", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 13/2018", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 3, 13", 2018, WHEN_ERROR, "", NULL },
	{ "Quý 0", 2018, WHEN_ERROR, "", NULL },
	{ "Quý 5", 2018, WHEN_ERROR, "", NULL },
	{ "quý VI", 2018, WHEN_ERROR, "", NULL },
	{ "hết quý V", 2018, WHEN_ERROR, "", NULL },
	{ "29/02/2019", 2019, WHEN_ERROR, "", NULL },			/* not a leap year */
	{ "chậm nhất 29/02/2019", 2019, WHEN_ERROR, "", NULL },
	{ "29/02/2100", 2100, WHEN_ERROR, "", NULL },			/* 2100 is not leap */
	{ "ngày 29 tháng 2", 2019, WHEN_ERROR, "", NULL },
	{ "ngày 30 tháng 2", 2020, WHEN_ERROR, "", NULL },
	{ "ngày 31 tháng 4 năm 2018", 2018, WHEN_ERROR, "", NULL },
	{ "32/01/2018", 2018, WHEN_ERROR, "", NULL },
	{ "00/01/2018", 2018, WHEN_ERROR, "", NULL },
	{ "15/13/2018", 2018, WHEN_ERROR, "", NULL },
	{ "ngày 0 hàng tháng", 2018, WHEN_ERROR, "", NULL },
	{ "ngày 32 hàng tháng", 2018, WHEN_ERROR, "", NULL },
	/* Reversed ranges. */
	{ "Tháng 8 – 7", 2018, WHEN_ERROR, "", NULL },
	{ "tháng 8 đến tháng 7", 2018, WHEN_ERROR, "", NULL },
	{ "từ tháng 12 đến tháng 1", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 01/2019 - 11/2018", 2018, WHEN_ERROR, "", NULL },
	{ "từ ngày 15/3 đến ngày 1/3", 2018, WHEN_ERROR, "", NULL },
	/* Repeated or unordered months. */
	{ "Tháng 3 và 3", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 3, tháng 3", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 3, 6, 3", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 03, 3", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 11, 3", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 3; 9; 6", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 1/2019, 12/2018", 2018, WHEN_ERROR, "", NULL },
	/* Years outside 1900–2100. */
	{ "năm 1899", 2018, WHEN_ERROR, "", "1899" },
	{ "năm 2101", 2018, WHEN_ERROR, "", "2101" },
	{ "Tháng 1/1899", 2018, WHEN_ERROR, "", "1899" },
	{ "Quý II/1899", 2018, WHEN_ERROR, "", "1899" },
	{ "hết quý I năm 2101", 2018, WHEN_ERROR, "", "2101" },
	{ "chậm nhất 01/01/2101", 2018, WHEN_ERROR, "", NULL },
	{ "trước năm 2101", 2018, WHEN_ERROR, "", "2101" },
	{ "năm 24", 2018, WHEN_ERROR, "", NULL },			/* year 24, not 2024 */
	/* Empty, blank, trailing junk, bare words, half a cell. */
	{ "\t", 2018, WHEN_ERROR, "", NULL },
	{ "\xc2\xa0", 2018, WHEN_ERROR, "", NULL },				/* NBSP only */
	{ " \t\xc2\xa0 ", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 3 abc", 2018, WHEN_ERROR, "", NULL },
	{ "Quý II abc", 2018, WHEN_ERROR, "", NULL },
	{ "năm 2024 abc", 2018, WHEN_ERROR, "", NULL },
	{ "chậm nhất 30/11/2018 abc", 2018, WHEN_ERROR, "", NULL },
	{ "ngày 10 hàng tháng abc", 2018, WHEN_ERROR, "", NULL },
	{ "hàng quý abc", 2018, WHEN_ERROR, "", NULL },
	{ "Tháng 7-8 abc", 2018, WHEN_ERROR, "", NULL },
	{ "abc", 2018, WHEN_ERROR, "", NULL },
	{ "quý", 2018, WHEN_ERROR, "", NULL },
	{ "năm", 2018, WHEN_ERROR, "", NULL },
	{ "chậm nhất", 2018, WHEN_ERROR, "", NULL },
	{ "hàng", 2018, WHEN_ERROR, "", NULL },
	{ "Theo thời gian thích", 2018, WHEN_ERROR, "", NULL },	/* seed 004's half cell */
	/* Invalid UTF-8. */
	{ "Tháng \xff 3", 2018, WHEN_ERROR, "", "UTF-8" },
	{ "\xc0\xaf", 2018, WHEN_ERROR, "", "UTF-8" },			/* overlong "/" */
	{ "\xed\xa0\x80", 2018, WHEN_ERROR, "", "UTF-8" },		/* surrogate */
};

#define NROWS ((int)(sizeof(rows) / sizeof(*rows)))

/* The periods of w as "start..due start..due" into out. */
static void
periods_text(const struct when *w, char *out, size_t size)
{
	char s[11], d[11];
	size_t j, len;

	*out = '\0';
	for (j = 0; j < w->n; j++) {
		date_iso(w->periods[j].start, s);
		date_iso(w->periods[j].due, d);
		len = strlen(out);
		snprintf(out + len, size - len, "%s%s..%s", j ? " " : "", s, d);
	}
}

/* w is what row r wants: kind, return code, periods, error text, distinct keys. */
static void
check_row(const struct row *r, const char *text, const struct when *w, int rc)
{
	char got[512];
	size_t i, j;

	periods_text(w, got, sizeof(got));
	ck_assert_msg(w->kind == r->kind, "\"%s\": kind %s, want %s", text,
	    when_kind_name(w->kind), when_kind_name(r->kind));
	ck_assert_msg(!strcmp(got, r->periods), "\"%s\": \"%s\", want \"%s\"", text, got,
	    r->periods);
	ck_assert_msg(rc == (r->kind == WHEN_ERROR ? -1 : 0), "\"%s\": returned %d", text, rc);
	if (r->kind == WHEN_ERROR) {
		ck_assert_msg(w->error != NULL && *w->error, "\"%s\": no error text", text);
		ck_assert_msg(r->error == NULL || strstr(w->error, r->error),
		    "\"%s\": error \"%s\" does not mention \"%s\"", text, w->error, r->error);
		ck_assert_msg(w->periods == NULL, "\"%s\": periods left on an error", text);
	} else
		ck_assert_msg(w->error == NULL, "\"%s\": error \"%s\" on success", text, w->error);
	for (i = 0; i < w->n; i++) {
		ck_assert_msg(w->periods[i].key[0] != '\0', "\"%s\": empty key", text);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(w->periods[i].key, w->periods[j].key) != 0,
			    "\"%s\": key \"%s\" twice", text, w->periods[i].key);
	}
}

START_TEST(test_when_table)
{
	const struct row *r = &rows[_i];
	struct when w;
	int rc = when_parse(r->text, r->year, date_from_ymd(r->year, 1, 1), &w);

	check_row(r, r->text, &w, rc);
	when_free(&w);
	ck_assert_int_eq(w.n, 0);
	ck_assert_ptr_null(w.periods);
	ck_assert_ptr_null(w.error);
}
END_TEST

/* Every row again with the whole text in NFD, as some macOS editors save it. */
START_TEST(test_when_table_nfd)
{
	const struct row *r = &rows[_i];
	utf8proc_uint8_t *nfd = NULL;
	struct when w;
	int rc;

	if (utf8proc_map((const utf8proc_uint8_t *)r->text, 0, &nfd,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE) < 0) {
		ck_assert_int_eq(r->kind, WHEN_ERROR);	/* only invalid UTF-8 cannot be mapped */
		return;
	}
	rc = when_parse((const char *)nfd, r->year, date_from_ymd(r->year, 1, 1), &w);
	check_row(r, (const char *)nfd, &w, rc);
	when_free(&w);
	free(nfd);
}
END_TEST

/* Weekly wordings: every such day of the plan's year, start = due = the day, the
 * day's ISO date its key. The days of the week are 1 Monday … 7 Sunday. */
static const struct weekly_row {
	const char	*text;
	int		 year, weekday;
	const char	*first;
	size_t		 n;
} weekly_rows[] = {
	{ "vào thứ 7 hàng tuần", 2023, 6, "2023-01-07", 52 },		/* seed 003 */
	{ "Vào thứ 7 hằng tuần", 2023, 6, "2023-01-07", 52 },
	{ "vao thu 7 hang tuan", 2023, 6, "2023-01-07", 52 },
	{ "VÀO THỨ 7 HÀNG TUẦN", 2023, 6, "2023-01-07", 52 },
	{ "  vào   thứ 7\thàng  tuần ", 2023, 6, "2023-01-07", 52 },
	{ "thứ Bảy hằng tuần", 2023, 6, "2023-01-07", 52 },
	{ "thứ bảy hàng tuần", 2023, 6, "2023-01-07", 52 },
	{ "thứ bẩy hằng tuần", 2023, 6, "2023-01-07", 52 },		/* as often written */
	{ "T7 hàng tuần", 2023, 6, "2023-01-07", 52 },
	{ "t7 hằng tuần", 2023, 6, "2023-01-07", 52 },
	{ "hàng tuần vào thứ Hai", 2023, 1, "2023-01-02", 52 },
	{ "hằng tuần vào thứ 2", 2023, 1, "2023-01-02", 52 },
	{ "hàng tuần vào T2", 2023, 1, "2023-01-02", 52 },
	{ "thứ Ba hàng tuần", 2023, 2, "2023-01-03", 52 },
	{ "thứ Tư hàng tuần", 2023, 3, "2023-01-04", 52 },
	{ "thứ Năm hàng tuần", 2023, 4, "2023-01-05", 52 },
	{ "các ngày thứ Sáu hàng tuần", 2023, 5, "2023-01-06", 52 },
	{ "vào các ngày thứ 6 hằng tuần", 2023, 5, "2023-01-06", 52 },
	{ "Chủ nhật hàng tuần", 2023, 7, "2023-01-01", 53 },		/* 2023 has 53 */
	{ "CN hàng tuần", 2023, 7, "2023-01-01", 53 },
	{ "hàng tuần vào chủ nhật", 2023, 7, "2023-01-01", 53 },
	{ "thứ 2 hàng tuần", 2024, 1, "2024-01-01", 53 },		/* leap year */
	{ "thứ 7 hàng tuần", 2018, 6, "2018-01-06", 52 },
};
#define NWEEKLY ((int)(sizeof(weekly_rows) / sizeof(*weekly_rows)))

static void
check_weekly(const struct weekly_row *r, const char *text)
{
	ntm_date first, jan1 = date_from_ymd(r->year, 1, 1), dec31 = date_from_ymd(r->year, 12, 31);
	char key[11];
	struct when w;
	size_t i;

	ck_assert_int_eq(date_parse_iso(r->first, &first), 0);
	ck_assert_msg(when_parse(text, r->year, jan1, &w) == 0, "\"%s\": %s", text, w.error);
	ck_assert_msg(w.kind == WHEN_WEEKLY, "\"%s\": kind %s", text, when_kind_name(w.kind));
	ck_assert_msg(w.weekday == r->weekday, "\"%s\": day %d, want %d", text, w.weekday,
	    r->weekday);
	ck_assert_msg(w.n == r->n, "\"%s\": %zu days, want %zu", text, w.n, r->n);
	ck_assert_int_eq(w.periods[0].start, first);
	ck_assert(first - 7 < jan1 && w.periods[w.n - 1].due <= dec31 &&
	    w.periods[w.n - 1].due + 7 > dec31);
	for (i = 0; i < w.n; i++) {
		ck_assert_int_eq(w.periods[i].start, w.periods[i].due);
		ck_assert_int_eq(w.periods[i].due, first + 7 * (ntm_date)i);
		ck_assert_int_eq(date_weekday(w.periods[i].due), r->weekday % 7);
		date_iso(w.periods[i].due, key);
		ck_assert_str_eq(w.periods[i].key, key);
		ck_assert(!w.periods[i].before);
	}
	when_free(&w);
}

START_TEST(test_when_weekly)
{
	utf8proc_uint8_t *nfd = NULL;

	check_weekly(&weekly_rows[_i], weekly_rows[_i].text);
	ck_assert(utf8proc_map((const utf8proc_uint8_t *)weekly_rows[_i].text, 0, &nfd,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE) >= 0);
	check_weekly(&weekly_rows[_i], (const char *)nfd);
	free(nfd);
}
END_TEST

/* A word of the wordings with the wrong marks is refused with the wording it resembles;
 * a text of other words gets no such advice ("họp" is not "hợp"), nor a proposer's name. */
START_TEST(test_when_misspelt)
{
	static const struct { const char *text, *says; } k[] = {
		{ "cuôi tháng 4", "\"cuôi\" is not how a time wording writes it: did you mean "
		    "\"cuối tháng 4\"?" },
		{ "tuân đầu tháng", "did you mean \"tuần đầu tháng\"?" },	/* not read either */
		{ "thang 3 nắm 2019", "did you mean \"thang 3 năm 2019\"?" },
		{ "chạm nhất 30/11/2023", "did you mean \"chậm nhất 30/11/2023\"?" },
		{ "vào thư 7 hàng tuần", "did you mean \"vào thứ 7 hàng tuần\"?" },
		{ "Sau cuộc họp giao ban", NULL },
		{ "trước kỳ họp HĐND", NULL },
	};
	struct when w;
	size_t i;

	for (i = 0; i < sizeof(k) / sizeof(*k); i++) {
		ck_assert_int_eq(when_parse(k[i].text, 2023, date_from_ymd(2023, 1, 1), &w), -1);
		ck_assert_msg(k[i].says ? strstr(w.error, k[i].says) != NULL :
		    strstr(w.error, "did you mean") == NULL, "\"%s\": %s", k[i].text, w.error);
		when_free(&w);
	}
	ck_assert_int_eq(when_parse("Theo đề xuất của Hội Nông dân, Hội Cựu chiến binh", 2023,
	    date_from_ymd(2023, 1, 1), &w), 0);
	when_free(&w);
}
END_TEST

/* Deadline forms run from the plan's start; forms naming their months ignore it. */
START_TEST(test_when_plan_start)
{
	ntm_date start = date_from_ymd(2018, 1, 30), day;
	struct when w;

	ck_assert_int_eq(when_parse("chậm nhất 30/11/2018", 2018, start, &w), 0);
	ck_assert_int_eq(w.n, 1);
	ck_assert_int_eq(w.periods[0].start, start);
	ck_assert_int_eq(date_parse_iso("2018-11-30", &day), 0);
	ck_assert_int_eq(w.periods[0].due, day);
	when_free(&w);
	ck_assert_int_eq(when_parse("hết quý I", 2018, start, &w), 0);
	ck_assert_int_eq(w.periods[0].start, start);
	when_free(&w);
	ck_assert_int_eq(when_parse("Tháng 3", 2018, start, &w), 0);
	ck_assert_int_eq(w.periods[0].start, date_from_ymd(2018, 3, 1));
	when_free(&w);
	/* A deadline before the plan starts cannot be met. */
	ck_assert_int_eq(when_parse("chậm nhất 15/01/2018", 2018, start, &w), -1);
	ck_assert_int_eq(w.kind, WHEN_ERROR);
	when_free(&w);
}
END_TEST

/* Keys name the period (they become UIDs), so they must not depend on how it is typed. */
START_TEST(test_when_keys)
{
	static const struct { const char *text, *keys; } k[] = {
		{ "Tháng 3", "2018-03" },
		{ "tha\xcc\x81ng 03", "2018-03" },
		{ "Tháng 3,6,9,11", "2018-03 2018-06 2018-09 2018-11" },
		{ "Tháng 7-8", "2018-07..2018-08" },
		{ "tháng 7 đến tháng 8", "2018-07..2018-08" },
		{ "Tháng 01/2019", "2019-01" },
		{ "Quý II", "2018-Q2" },
		{ "hết quý I năm 2018", "2018-Q1" },
		{ "chậm nhất 30/11/2018", "2018-11-30" },
		{ "năm 2024", "2024" },
	};
	char got[128];
	struct when w;
	size_t i, j;

	for (i = 0; i < sizeof(k) / sizeof(*k); i++) {
		ck_assert_int_eq(when_parse(k[i].text, 2018, date_from_ymd(2018, 1, 1), &w), 0);
		got[0] = '\0';
		for (j = 0; j < w.n; j++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", j ? " " : "",
			    w.periods[j].key);
		ck_assert_msg(!strcmp(got, k[i].keys), "\"%s\": keys \"%s\", want \"%s\"",
		    k[i].text, got, k[i].keys);
		when_free(&w);
	}
}
END_TEST

START_TEST(test_when_kind_names)
{
	ck_assert_str_eq(when_kind_name(WHEN_DATED), "dated");
	ck_assert_str_eq(when_kind_name(WHEN_CONTINUOUS), "continuous");
	ck_assert_str_eq(when_kind_name(WHEN_UNSCHEDULED), "unscheduled");
	ck_assert_str_eq(when_kind_name(WHEN_REGIME), "regime");
	ck_assert_str_eq(when_kind_name(WHEN_WEEKLY), "weekly");
	ck_assert_str_eq(when_kind_name(WHEN_ERROR), "error");
}
END_TEST

Suite *
when_suite(void)
{
	Suite *s = suite_create("when");
	TCase *tc = tcase_create("table");
	TCase *more = tcase_create("rules");

	tcase_add_loop_test(tc, test_when_table, 0, NROWS);
	tcase_add_loop_test(tc, test_when_table_nfd, 0, NROWS);
	tcase_add_loop_test(tc, test_when_weekly, 0, NWEEKLY);
	suite_add_tcase(s, tc);
	tcase_add_test(more, test_when_plan_start);
	tcase_add_test(more, test_when_keys);
	tcase_add_test(more, test_when_misspelt);
	tcase_add_test(more, test_when_kind_names);
	suite_add_tcase(s, more);
	return s;
}
