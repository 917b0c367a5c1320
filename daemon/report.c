/* The coordinator's statistics and lists: four buckets a unit, overdue items, commune
 * progress, targets and assignments, each as a table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report.h"
#include "store.h"

static const char *bucket_names[] = { "done_on_time", "done_late", "open_in_time",
	"open_overdue" };
/* As the quarterly reports name them (QĐ 42/2014/QĐ-TTg). */
static const char *bucket_labels[] = { "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
	"Chưa hoàn thành, trong hạn", "Chưa hoàn thành, quá hạn" };

enum bucket
report_bucket(const char *status, time_t due_end, time_t done_at, time_t at)
{
	if (!strcmp(status, "done") && done_at <= at)
		return done_at < due_end ? BUCKET_DONE_ON_TIME : BUCKET_DONE_LATE;
	if (strcmp(status, "open") && strcmp(status, "done"))
		return BUCKET_NONE;
	return at < due_end ? BUCKET_OPEN_IN_TIME : BUCKET_OPEN_OVERDUE;
}

const char *
report_bucket_name(enum bucket b)
{
	return b < NBUCKETS ? bucket_names[b] : NULL;
}

static void
sql_report_bucket(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *status = sqlite3_value_text(argv[0]);
	const unsigned char *due = sqlite3_value_text(argv[1]);
	ntm_date day;
	enum bucket b;

	(void)argc;
	if (status == NULL || due == NULL || date_parse_iso((const char *)due, &day) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	b = report_bucket((const char *)status, date_at(day + 1, 0),
	    (time_t)sqlite3_value_int64(argv[2]), (time_t)sqlite3_value_int64(argv[3]));
	if (b == BUCKET_NONE)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, bucket_names[b], -1, SQLITE_STATIC);
}

int
report_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "report_bucket", 4, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, sql_report_bucket, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int
report_period(const char *name, ntm_date today, ntm_date *from, ntm_date *to)
{
	int y, m, d, months;

	date_to_ymd(today, &y, &m, &d);
	if (!strcmp(name, "month"))
		months = 1;
	else if (!strcmp(name, "quarter"))
		months = 3;
	else if (!strcmp(name, "half"))
		months = 6;
	else if (!strcmp(name, "year"))
		months = 12;
	else
		return -1;
	m = (m - 1) / months * months + 1;
	*from = date_from_ymd(y, m, 1);
	*to = m + months > 12 ? date_from_ymd(y, 12, 31) :
	    date_from_ymd(y, m + months, 1) - 1;
	return 0;
}

/*
 * Every query binds the scope the same way: ?1 organisation, ?2 plan, ?3 unit (NULL:
 * all), ?4 and ?5 the first and last day, ?6 the first day's start, ?7 the instant
 * items are judged at, ?8 today.
 */
#define IN_SCOPE "(?1 IS NULL OR p.org_id = ?1) AND (?2 IS NULL OR p.id = ?2)"
/* The unit as ntmctl names it: its code within one organisation, else org/code. */
#define UNIT_NAME "CASE WHEN ?1 IS NULL AND ?2 IS NULL THEN " \
	"(SELECT code FROM org WHERE id = u.org_id) || '/' || u.code ELSE u.code END"
/* The items counted, each with its bucket b. */
#define COUNTED "(SELECT o.id, o.task_id, o.due, o.done_at, t.plan_id, " \
	"report_bucket(o.status, o.due, o.done_at, ?7) AS b FROM occurrence o " \
	"JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id " \
	"WHERE " STORE_HAS_DEADLINE " AND o.tentative = 0 AND o.due <= ?5 " \
	"AND (o.status = 'open' OR (o.status = 'done' AND coalesce(o.done_at >= ?6, 1))) " \
	"AND " IN_SCOPE ")"
#define DAY_OF(t) "date(" t ", 'unixepoch', 'localtime')"	/* TZ is the config's zone */

static const char sql_units[] = "SELECT " UNIT_NAME ", u.name, "
	"sum(c.b = 'done_on_time'), sum(c.b = 'done_late'), sum(c.b = 'open_in_time'), "
	"sum(c.b = 'open_overdue') FROM " COUNTED " c "
	"JOIN task_unit tu ON tu.task_id = c.task_id AND tu.role = 'lead' "
	"JOIN unit u ON u.id = tu.unit_id WHERE c.b IS NOT NULL AND (?3 IS NULL OR u.id = ?3) "
	"GROUP BY u.id ORDER BY u.org_id, u.id";

/* The day done is left out where the item counts as open: done after the period. */
static const char sql_items[] = "SELECT p.code, t.ref, t.title, c.due, "
	"CASE WHEN c.b LIKE 'done%' THEN " DAY_OF("c.done_at") " END, "
	"c.b FROM " COUNTED " c "
	"JOIN task t ON t.id = c.task_id JOIN plan p ON p.id = t.plan_id "
	"JOIN task_unit tu ON tu.task_id = c.task_id AND tu.role = 'lead' AND tu.unit_id = ?3 "
	"WHERE c.b IS NOT NULL ORDER BY c.due, c.id";

/* Names and contact of task t's units in a role. */
#define ROLE_NAMES(role) "(SELECT group_concat(u.name, '; ') FROM task_unit tu " \
	"JOIN unit u ON u.id = tu.unit_id WHERE tu.task_id = t.id AND tu.role = '" role "')"
#define LEAD_CONTACT "(SELECT group_concat(nullif(ltrim(coalesce((SELECT " \
	"group_concat(address, ', ') FROM unit_email WHERE unit_id = u.id), '') || " \
	"coalesce(', ' || u.phone, ''), ', '), ''), '; ') FROM task_unit tu JOIN unit u ON u.id = tu.unit_id " \
	"WHERE tu.task_id = t.id AND tu.role = 'lead')"

static const char sql_overdue[] = "SELECT o.id, p.code, t.ref, t.title, "
	"CASE item_state(o.status, o.due, o.latest, ?8, 0) WHEN 'late' THEN 'Trễ hạn' "
	"ELSE 'Quá hạn' END, o.due, coalesce(o.latest, o.due), "
	"CAST(julianday(?8) - julianday(o.due) AS INTEGER), "
	ROLE_NAMES("lead") ", " ROLE_NAMES("support") ", " LEAD_CONTACT " "
	"FROM occurrence o JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id "
	"WHERE o.status = 'open' AND o.tentative = 0 AND " STORE_HAS_DEADLINE " AND o.due < ?8 "
	"AND " IN_SCOPE " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM task_unit tu WHERE "
	"tu.task_id = t.id AND tu.unit_id = ?3 AND tu.role = 'lead')) ORDER BY o.due, o.id";

/* A target's state: reached, its task done, past its deadline, or not yet. */
#define TARGET_STATE "CASE WHEN x.status = 'achieved' THEN 'Đã đạt' " \
	"WHEN (SELECT o.status FROM occurrence o WHERE o.task_id = x.task_id " \
	"ORDER BY o.due DESC LIMIT 1) = 'done' THEN 'Đã hoàn thành' " \
	"WHEN x.due < ?8 THEN 'Quá hạn' ELSE 'Chưa đạt' END"
#define TARGET_CRITERIA "(SELECT group_concat(r.ref, ', ') FROM target_criterion tc " \
	"JOIN criterion r ON r.id = tc.criterion_id WHERE tc.target_id = x.id)"

/* Every commune with progress or targets in a plan; its targets in one cell. */
static const char sql_progress[] = "SELECT p.code, u.name, c.code, g.as_of, "
	"g.criteria_met, g.criteria_total, g.indicators_met, g.indicators_total, "
	"(SELECT group_concat(coalesce('TC ' || " TARGET_CRITERIA ", 'Mục tiêu') || "
	"coalesce(' đến ' || strftime('%d/%m/%Y', x.due), ' ' || x.by_text, '') || ': ' || "
	TARGET_STATE ", '; ') FROM target x WHERE x.plan_id = k.plan_id AND x.commune_id = k.commune_id) "
	"FROM (SELECT plan_id, commune_id FROM progress UNION "
	"SELECT plan_id, commune_id FROM target) k JOIN plan p ON p.id = k.plan_id "
	"JOIN unit u ON u.id = k.commune_id LEFT JOIN progress g ON g.plan_id = k.plan_id "
	"AND g.commune_id = k.commune_id LEFT JOIN catalog c ON c.id = coalesce(g.catalog_id, "
	"(SELECT x.catalog_id FROM target x WHERE x.plan_id = k.plan_id AND "
	"x.commune_id = k.commune_id AND x.catalog_id IS NOT NULL), "
	"(SELECT id FROM catalog WHERE code = p.catalog)) WHERE " IN_SCOPE " ORDER BY p.id, u.id";

static const char sql_targets[] = "SELECT p.code, u.name, c.code, " TARGET_CRITERIA ", "
	"x.by_text, x.due, " TARGET_STATE ", x.goal FROM target x JOIN plan p ON "
	"p.id = x.plan_id JOIN unit u ON u.id = x.commune_id "
	"LEFT JOIN catalog c ON c.id = x.catalog_id WHERE " IN_SCOPE " ORDER BY p.id, x.id";

static const char sql_assignments[] = "SELECT p.code, c.code, r.ref, r.name, u.name, "
	"CASE a.role WHEN 'lead' THEN 'Chủ trì' ELSE 'Phối hợp' END, a.note "
	"FROM assignment a JOIN plan p ON p.id = a.plan_id JOIN unit u ON u.id = a.unit_id "
	"JOIN criterion r ON r.id = a.criterion_id JOIN catalog c ON c.id = r.catalog_id "
	"WHERE " IN_SCOPE " ORDER BY p.id, r.id, a.role, u.id";

static void
bind_id(sqlite3_stmt *st, int i, sqlite3_int64 id)
{
	if (id > 0)
		sqlite3_bind_int64(st, i, id);
}

static sqlite3_stmt *
scoped(sqlite3 *db, const char *sql, const struct report_scope *s)
{
	sqlite3_stmt *st = store_stmt(db, sql);
	time_t end = date_at(s->to + 1, 0);
	char from[11], to[11], today[11];

	if (st == NULL)
		return NULL;
	date_iso(s->from, from);
	date_iso(s->to, to);
	date_iso(date_of(s->now), today);
	bind_id(st, 1, s->org_id);
	bind_id(st, 2, s->plan_id);
	bind_id(st, 3, s->unit_id);
	sqlite3_bind_text(st, 4, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)date_at(s->from, 0));
	sqlite3_bind_int64(st, 7, (sqlite3_int64)(s->now < end ? s->now : end));
	sqlite3_bind_text(st, 8, today, -1, SQLITE_TRANSIENT);
	return st;
}

/* Append each row of the query to t, its columns in order: 0, or -1 (logged). */
static int
fill(sqlite3 *db, const char *sql, const struct report_scope *s, struct table *t)
{
	sqlite3_stmt *st = scoped(db, sql, s);
	size_t r, i;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = table_row(t);
		for (i = 0; i < t->ncols && i < (size_t)sqlite3_column_count(st); i++)
			table_set(t, r, i, (const char *)sqlite3_column_text(st, (int)i));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("database: report: %s", store_error(db));
		return -1;
	}
	return 0;
}

#define NCOLS(cols)	(sizeof(cols) / sizeof(*(cols)))

/* A table of these columns, of the query's rows. */
static int
listing(sqlite3 *db, const struct report_scope *s, struct table *t,
    const struct column *cols, size_t ncols, const char *sql)
{
	table_init(t, cols, ncols, NULL);
	return fill(db, sql, s, t);
}

static const struct column unit_cols[] = {
	{ "unit", "Mã đơn vị", COL_TEXT, "code" },
	{ "name", "Đơn vị chủ trì", COL_TEXT, NULL },
	{ "done_on_time", "Hoàn thành đúng hạn", COL_INT, NULL },
	{ "done_late", "Hoàn thành quá hạn", COL_INT, NULL },
	{ "open_in_time", "Chưa hoàn thành, trong hạn", COL_INT, NULL },
	{ "open_overdue", "Chưa hoàn thành, quá hạn", COL_INT, NULL },
	{ "total", "Tổng số", COL_INT, NULL },
	{ "on_time_pct", "Tỷ lệ đúng hạn (%)", COL_DECIMAL, NULL },
};
enum { U_UNIT, U_NAME, U_BUCKETS, U_TOTAL = U_BUCKETS + NBUCKETS, U_PCT };

/* The colours of the provinces' tables: green done on time, orange done late, red
 * overdue; a bucket's cell coloured when it holds any. */
static const char *bucket_class[NBUCKETS] = { "good", "warn", NULL, "bad" };

/* Total and share on time of row r, whose buckets are set; adds them to sum. */
static void
finish_unit_row(struct table *t, size_t r, long long *sum)
{
	long long n[NBUCKETS], total = 0, judged;
	char pct[16];
	double p;
	int b;

	for (b = 0; b < NBUCKETS; b++) {
		n[b] = atoll(t->cells[r * t->ncols + U_BUCKETS + b].text);
		total += n[b];
		sum[b] += n[b];
		if (n[b] > 0)
			table_class(t, r, U_BUCKETS + b, bucket_class[b]);
	}
	table_set_int(t, r, U_TOTAL, total);
	judged = n[BUCKET_DONE_ON_TIME] + n[BUCKET_DONE_LATE] + n[BUCKET_OPEN_OVERDUE];
	if (judged == 0)
		return;
	/* one decimal, a half rounded up as officials round (printf would round 6.25 to
	 * the even 6.2) */
	p = floor(1000.0 * (double)n[BUCKET_DONE_ON_TIME] / (double)judged + 0.5) / 10;
	snprintf(pct, sizeof(pct), "%.1f", p);
	table_set(t, r, U_PCT, pct);
	table_class(t, r, U_PCT, p >= 80 ? "good" : p >= 50 ? "warn" : "bad");
}

int
report_units(sqlite3 *db, const struct report_scope *s, struct table *t)
{
	long long sum[NBUCKETS] = { 0 };
	size_t r, n;
	int b;

	if (listing(db, s, t, unit_cols, NCOLS(unit_cols), sql_units) < 0)
		return -1;
	for (r = 0, n = t->nrows; r < n; r++)
		finish_unit_row(t, r, sum);
	r = table_row(t);
	table_set(t, r, U_NAME, "Tổng cộng");
	for (b = 0; b < NBUCKETS; b++)
		table_set_int(t, r, U_BUCKETS + b, sum[b]);
	finish_unit_row(t, r, (long long[NBUCKETS]){ 0 });
	t->nfoot = 1;
	return 0;
}

static const struct column item_cols[] = {
	{ "plan", "Kế hoạch", COL_TEXT, NULL },
	{ "task", "Mục", COL_TEXT, NULL },
	{ "title", "Nội dung", COL_TEXT, NULL },
	{ "due", "Thời hạn", COL_DATE, NULL },
	{ "done", "Ngày hoàn thành", COL_DATE, NULL },
	{ "result", "Kết quả", COL_TEXT, NULL },
};
enum { I_RESULT = 5 };

int
report_items(sqlite3 *db, const struct report_scope *s, struct table *t)
{
	const char *name;
	size_t r;
	int b;

	if (listing(db, s, t, item_cols, NCOLS(item_cols), sql_items) < 0)
		return -1;
	for (r = 0; r < t->nrows; r++) {	/* the query gives the bucket's name */
		name = t->cells[r * t->ncols + I_RESULT].text;
		for (b = 0; b < NBUCKETS; b++)
			if (name && !strcmp(name, bucket_names[b])) {
				table_class(t, r, I_RESULT, bucket_class[b]);
				table_set(t, r, I_RESULT, bucket_labels[b]);	/* frees name */
				break;
			}
	}
	return 0;
}

static const struct column overdue_cols[] = {
	{ "id", "Mã mục", COL_INT, NULL },
	{ "plan", "Kế hoạch", COL_TEXT, "code" },
	{ "task", "Mục", COL_TEXT, NULL },
	{ "title", "Nội dung", COL_TEXT, NULL },
	{ "state", "Tình trạng", COL_TEXT, NULL },
	{ "due", "Thời hạn", COL_DATE, NULL },
	{ "latest", "Hạn chót", COL_DATE, NULL },
	{ "days_overdue", "Số ngày quá hạn", COL_INT, NULL },
	{ "lead", "Đơn vị chủ trì", COL_TEXT, NULL },
	{ "support", "Đơn vị phối hợp", COL_TEXT, NULL },
	{ "contact", "Liên hệ", COL_TEXT, NULL },
};

int
report_overdue(sqlite3 *db, const struct report_scope *s, struct table *t)
{
	const char *class;
	size_t r;

	if (listing(db, s, t, overdue_cols, NCOLS(overdue_cols), sql_overdue) < 0)
		return -1;
	for (r = 0; r < t->nrows; r++) {
		class = !strcmp(t->cells[r * t->ncols + 4].text, "Trễ hạn") ? "warn" : "bad";
		table_class(t, r, 4, class);
		table_class(t, r, 7, class);
	}
	return 0;
}

static const struct column progress_cols[] = {
	{ "plan", "Kế hoạch", COL_TEXT, NULL },
	{ "commune", "Xã", COL_TEXT, NULL },
	{ "set", "Bộ tiêu chí", COL_TEXT, NULL },
	{ "as_of", "Số liệu đến ngày", COL_DATE, NULL },
	{ "criteria_met", "Tiêu chí đạt", COL_INT, NULL },
	{ "criteria_total", "Tổng số tiêu chí", COL_INT, NULL },
	{ "indicators_met", "Chỉ tiêu đạt", COL_INT, NULL },
	{ "indicators_total", "Tổng số chỉ tiêu", COL_INT, NULL },
	{ "targets", "Mục tiêu: tiêu chí, thời hạn, tình trạng", COL_TEXT, NULL },
};

int
report_progress(sqlite3 *db, const struct report_scope *s, struct table *t)
{
	return listing(db, s, t, progress_cols, NCOLS(progress_cols), sql_progress);
}

static const struct column target_cols[] = {
	{ "plan", "Kế hoạch", COL_TEXT, NULL },
	{ "commune", "Xã", COL_TEXT, NULL },
	{ "set", "Bộ tiêu chí", COL_TEXT, NULL },
	{ "criteria", "Tiêu chí phải đạt", COL_TEXT, NULL },
	{ "when", "Thời gian (theo kế hoạch)", COL_TEXT, NULL },
	{ "due", "Thời hạn", COL_DATE, NULL },
	{ "state", "Tình trạng", COL_TEXT, NULL },
	{ "goal", "Mục tiêu", COL_TEXT, NULL },
};

int
report_targets(sqlite3 *db, const struct report_scope *s, struct table *t)
{
	return listing(db, s, t, target_cols, NCOLS(target_cols), sql_targets);
}

static const struct column assignment_cols[] = {
	{ "plan", "Kế hoạch", COL_TEXT, NULL },
	{ "set", "Bộ tiêu chí", COL_TEXT, NULL },
	{ "criterion", "Tiêu chí", COL_TEXT, NULL },
	{ "criterion_name", "Tên tiêu chí", COL_TEXT, NULL },
	{ "unit", "Đơn vị", COL_TEXT, NULL },
	{ "role", "Vai trò", COL_TEXT, NULL },
	{ "note", "Ghi chú", COL_TEXT, NULL },
};

int
report_assignments(sqlite3 *db, const struct report_scope *s, struct table *t)
{
	return listing(db, s, t, assignment_cols, NCOLS(assignment_cols), sql_assignments);
}

static const char sql_calendar[] = "SELECT o.id, o.day, CASE t.kind WHEN 'meeting' THEN "
	"CASE WHEN o.tentative THEN 'Họp (chưa định ngày)' ELSE 'Họp' END "
	"WHEN 'report' THEN 'Hạn báo cáo' ELSE 'Hạn hoàn thành' END, "
	"coalesce(m.start_time || '–' || m.end_time || coalesce(', ' || m.place, ''), ''), "
	"p.code, t.ref, t.title, "
	ROLE_NAMES("lead") ", CASE o.status WHEN 'done' THEN 'Đã hoàn thành' WHEN 'waived' "
	"THEN 'Đã miễn' ELSE '' END FROM occurrence o JOIN task t ON t.id = o.task_id "
	"JOIN plan p ON p.id = t.plan_id LEFT JOIN meeting m ON m.occurrence_id = o.id "
	"WHERE o.day BETWEEN ?8 AND date(?8, '+30 days') "
	"AND o.status != 'cancelled' AND o.rrule IS NULL AND " IN_SCOPE
	" ORDER BY o.day, t.kind != 'meeting', o.id";

static const struct column calendar_cols[] = {
	{ "id", "Mã", COL_INT, NULL },
	{ "day", "Ngày", COL_DATE, NULL },
	{ "kind", "Loại", COL_TEXT, NULL },
	{ "time", "Giờ, địa điểm", COL_TEXT, NULL },
	{ "plan", "Kế hoạch", COL_TEXT, NULL },
	{ "task", "Mục", COL_TEXT, NULL },
	{ "title", "Nội dung", COL_TEXT, NULL },
	{ "lead", "Đơn vị chủ trì", COL_TEXT, NULL },
	{ "state", "Tình trạng", COL_TEXT, NULL },
};

int
report_calendar(sqlite3 *db, const struct report_scope *s, struct table *t)
{
	return listing(db, s, t, calendar_cols, NCOLS(calendar_cols), sql_calendar);
}

/* The units with assignments in the plan, in the plan's order, and each criterion's
 * roles by unit. */
static const char sql_matrix_units[] = "SELECT DISTINCT u.id, u.code, u.name FROM assignment a "
	"JOIN unit u ON u.id = a.unit_id WHERE a.plan_id = ?2 ORDER BY u.id";
static const char sql_matrix_rows[] = "SELECT r.id, c.code, r.ref, r.name, a.unit_id, "
	"group_concat(CASE a.role WHEN 'lead' THEN 'Chủ trì' ELSE 'Phối hợp' END, ', ') "
	"FROM assignment a JOIN criterion r ON r.id = a.criterion_id JOIN catalog c "
	"ON c.id = r.catalog_id WHERE a.plan_id = ?2 GROUP BY r.id, a.unit_id "
	"ORDER BY r.id, a.unit_id";
enum { M_SET, M_REF, M_NAME, M_UNITS };

/* The matrix's columns: the criterion's, then one a unit (unit[i] its id). */
static size_t
matrix_columns(sqlite3 *db, const struct report_scope *s, struct table *t,
    sqlite3_int64 **unit)
{
	sqlite3_stmt *st = scoped(db, sql_matrix_units, s);
	struct column *cols = xcalloc(M_UNITS, sizeof(*cols));
	size_t n = M_UNITS;

	cols[M_SET] = (struct column){ xstrdup("set"), xstrdup("Bộ tiêu chí"), COL_TEXT, NULL };
	cols[M_REF] = (struct column){ xstrdup("criterion"), xstrdup("Tiêu chí"), COL_TEXT,
	    NULL };
	cols[M_NAME] = (struct column){ xstrdup("name"), xstrdup("Tên tiêu chí"), COL_TEXT,
	    NULL };
	*unit = xcalloc(n, sizeof(**unit));
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		cols = xrealloc(cols, (n + 1) * sizeof(*cols));
		*unit = xrealloc(*unit, (n + 1) * sizeof(**unit));
		(*unit)[n] = sqlite3_column_int64(st, 0);
		cols[n++] = (struct column){ xstrdup((const char *)sqlite3_column_text(st, 1)),
		    xstrdup((const char *)sqlite3_column_text(st, 2)), COL_TEXT, "role" };
	}
	if (st)
		sqlite3_reset(st);
	table_own_columns(t, cols, n);
	return n;
}

int
report_matrix(sqlite3 *db, const struct report_scope *s, struct table *t)
{
	sqlite3_int64 *unit, last = 0;
	size_t n = matrix_columns(db, s, t, &unit), r = 0, i;
	sqlite3_stmt *st = scoped(db, sql_matrix_rows, s);
	int rc = SQLITE_ERROR;

	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) != last) {
			last = sqlite3_column_int64(st, 0);
			r = table_row(t);
			for (i = M_SET; i < M_UNITS; i++)
				table_set(t, r, i, (const char *)sqlite3_column_text(st,
				    (int)i + 1));
		}
		for (i = M_UNITS; i < n; i++)
			if (unit[i] == sqlite3_column_int64(st, 4))
				table_set(t, r, i, (const char *)sqlite3_column_text(st, 5));
	}
	if (st)
		sqlite3_reset(st);
	free(unit);
	if (rc != SQLITE_DONE) {
		log_warnx("database: assignments: %s", store_error(db));
		return -1;
	}
	return 0;
}
