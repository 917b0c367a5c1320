#!/bin/sh
# Plans as data: all five seeds check and load; the reporting regime becomes dated items
# with due and latest days; commune targets become deadlines; a bad criterion reference
# is refused with its line; every feed still parses in ical.js.
. "$(dirname "$0")/test.common"

say "ntmctl check: the five seed plans have no errors, and the 6-rõ report names what is missing"
"$NTMCTL" check --catalogs "$TOP/config/catalogs/*.conf" "$TOP"/calendars/*.conf \
    >"$T/check.out" 2>"$T/check.err" || fail "check failed: $(grep -v warning: "$T/check.err")"
assert_contains "$(cat "$T/check.out")" "5 plans checked: 0 errors," "check summary"
for plan in van-quan-2018 gia-loc-2023 krong-no-2022 tan-thanh-2023 cam-thanh-2023; do
	grep -q "calendars/$plan.conf: plan $plan: " "$T/check.out" || fail "no summary for $plan"
done
# Seed 004 names no expected product anywhere, and the meetings of X are not dated days.
line=$(grep -n '"Họp Ban Chỉ đạo huyện"' "$TOP/calendars/van-quan-2018.conf" | cut -d: -f1)
grep -q "calendars/van-quan-2018.conf:[0-9]*: warning: task X.3: no expected product (rõ sản phẩm)" \
    "$T/check.err" || fail "X.3 has no product warning"
grep -q "warning: task I.1: no dated time: \"Thường xuyên\" (rõ thời gian)" "$T/check.err" ||
	fail "I.1 has no dated-time warning"
[ -n "$line" ] || fail "X.3 not found in the plan"

say "a reference to a criterion the catalog lacks: file:line, non-zero, nothing loaded"
sed 's/refs = \[ "1", "2", "11", "12", "13", "18",/refs = [ "20", "1", "2", "11", "12", "13", "18",/' \
    "$TOP/calendars/tan-thanh-2023.conf" >"$T/bad-ref.conf"
cmp -s "$T/bad-ref.conf" "$TOP/calendars/tan-thanh-2023.conf" && fail "the test did not change the plan"
bad_line=$(grep -n 'refs = \[ "20", "1"' "$T/bad-ref.conf" | cut -d: -f1)
if "$NTMCTL" check --catalogs "$TOP/config/catalogs/*.conf" "$T/bad-ref.conf" >/dev/null 2>"$T/err"; then
	fail "check accepted criterion 20 of a 19-criterion set"
fi
assert_contains "$(cat "$T/err")" "$T/bad-ref.conf:$bad_line: \"20\" is not a criterion or indicator of 318/QĐ-TTg:I" "bad ref"
sed 's/catalog = "318\/QĐ-TTg:I";/catalog = "318\/QĐ-TTg:IX";/' "$TOP/calendars/tan-thanh-2023.conf" >"$T/bad-set.conf"
if "$NTMCTL" check --catalogs "$TOP/config/catalogs/*.conf" "$T/bad-set.conf" >/dev/null 2>"$T/err"; then
	fail "check accepted an unknown catalog"
fi
assert_contains "$(cat "$T/err")" "catalog \"318/QĐ-TTg:IX\" is not one of the loaded criteria sets" "bad set"
# two files of one plan code: check refuses them as sync does
cp "$TOP/calendars/tan-thanh-2023.conf" "$T/copy.conf"
if "$NTMCTL" check --catalogs "$TOP/config/catalogs/*.conf" "$TOP/calendars/tan-thanh-2023.conf" \
    "$T/copy.conf" >/dev/null 2>"$T/err"; then
	fail "check accepted two plans of one code"
fi
assert_contains "$(cat "$T/err")" "$T/copy.conf: plan code \"tan-thanh-2023\" is also used by $TOP/calendars/tan-thanh-2023.conf" "plan code twice"
CALENDARS="$T/bad-ref.conf" write_config
if ctl sync >/dev/null 2>"$T/err"; then fail "sync loaded a plan with an unknown criterion"; fi
assert_contains "$(cat "$T/err")" "$T/bad-ref.conf:$bad_line:" "sync bad ref"
[ "$(sql 'SELECT count(*) FROM plan')" = 0 ] || fail "a plan was loaded despite the error"

say "all five plans load together"
CALENDARS="$TOP/calendars/*.conf" write_config
ctl sync >"$T/sync.out" || fail "sync failed"
assert_contains "$(cat "$T/sync.out")" "5 plans," "sync"

say "seed 002's reporting regime: monthly due the 10th, at the latest the 15th; quarterly; annual"
# A day that falls on a day off moves to the next working day; the plan's day is kept.
ctl occurrences --plan tan-thanh-2023 --json >"$T/occ.json"
ctl tasks --plan tan-thanh-2023 --json >"$T/tasks.json"
monthly=$(json "$T/tasks.json" '[t["id"] for t in j if "ngày 10 hàng tháng" in t["when"]][0]')
assert_eq "$(json "$T/occ.json" "[(o['due'], o['latest'], o['latest_original']) for o in j if o['task'] == '$monthly'][:2]")" \
    "[('2023-01-10', '2023-01-16', '2023-01-15'), ('2023-02-10', '2023-02-15', None)]" "monthly report (15/1/2023 is a Sunday)"
assert_eq "$(json "$T/occ.json" "len([o for o in j if o['task'] == '$monthly'])")" 12 "twelve monthly reports"
quarterly=$(json "$T/tasks.json" '[t["id"] for t in j if "ngày 10 của tháng cuối quý" in t["when"]][0]')
assert_eq "$(json "$T/occ.json" "[(o['due'], o['due_original'], o['latest']) for o in j if o['task'] == '$quarterly']")" \
    "[('2023-03-10', None, '2023-03-20'), ('2023-06-12', '2023-06-10', '2023-06-20'), ('2023-09-11', '2023-09-10', '2023-09-20'), ('2023-12-11', '2023-12-10', '2023-12-20')]" \
    "quarterly report (10/6 a Saturday, 10/9 and 10/12 Sundays)"
annual=$(json "$T/tasks.json" '[t["id"] for t in j if t["when"].endswith("ngày 10 tháng 11")][0]')
assert_eq "$(json "$T/occ.json" "[(o['due'], o['latest']) for o in j if o['task'] == '$annual']")" \
    "[('2023-11-10', '2023-11-20')]" "annual report"
meeting=$(json "$T/tasks.json" '[t["id"] for t in j if t["kind"] == "meeting"][0]')
assert_eq "$(json "$T/occ.json" "[o['due'] for o in j if o['task'] == '$meeting']")" \
    "['2023-03-31', '2023-06-30', '2023-09-30', '2023-12-31']" "a meeting each quarter"
assert_eq "$(json "$T/occ.json" "len(set(o['uid'] for o in j)) == len(j)")" True "unique UIDs"

say "commune targets: seed 004's Vân Mộng by 30/11/2018, Văn An by the end of Q1 2018; seed 003's 6.2 by \"năm 2024\", 17.1 \"trước năm 2024\", with reasons"
ctl tasks --plan van-quan-2018 --json >"$T/vq.json"
ctl tasks --plan cam-thanh-2023 --json >"$T/ct.json"
ctl occurrences --plan cam-thanh-2023 --json >"$T/ct-occ.json"
# "trước năm 2024" ends on Sunday 31/12/2023; 1/1/2024 is Tết Dương lịch, so the
# deadline ends on Tuesday 2/1/2024, and the plan's day is kept beside it.
for want in "6.2:2024-12-31:None" "17.1:2024-01-02:'2023-12-31'" "12.2:2024-01-02:'2023-12-31'"; do
	ref=${want%%:*} rest=${want#*:}
	due=${rest%%:*} original=${rest#*:}
	id=$(json "$T/ct.json" "[t['id'] for t in j if t['id'].startswith('MT.') and t['title'].endswith(' $ref')][0]")
	assert_eq "$(json "$T/ct-occ.json" "[(o['due'], o['due_original']) for o in j if o['task'] == '$id']")" "[('$due', $original)]" "target $ref"
done
ctl occurrences --plan van-quan-2018 --json >"$T/vq-occ.json"
# Văn An's "hết quý I năm 2018" ends on Saturday 31/3/2018: Monday 2/4.
for want in "Vân Mộng:2018-11-30" "Văn An:2018-04-02"; do
	commune=${want%%:*} due=${want#*:}
	id=$(json "$T/vq.json" "[t['id'] for t in j if t['id'].startswith('MT.') and '$commune' in t['title']][0]")
	assert_eq "$(json "$T/vq-occ.json" "[o['due'] for o in j if o['task'] == '$id']")" "['$due']" "target of $commune"
done
assert_eq "$(sql "SELECT count(*) FROM target_criterion tc JOIN target t ON t.id = tc.target_id
    JOIN unit u ON u.id = t.commune_id WHERE u.name = 'Xã Vân Mộng' AND t.by_text = 'chậm nhất 30/11/2018'")" 12 \
    "Vân Mộng's 12 criteria"
assert_eq "$(sql "SELECT t.reason IS NOT NULL AND t.proposal IS NOT NULL FROM target t JOIN target_criterion tc
    ON tc.target_id = t.id JOIN criterion c ON c.id = tc.criterion_id JOIN plan p ON p.id = t.plan_id
    WHERE p.code = 'cam-thanh-2023' AND c.ref = '17.1'")" 1 "17.1 keeps its reason and proposal"
assert_eq "$(sql "SELECT criteria_met || '/' || criteria_total || ' ' || indicators_met || '/' || indicators_total
    FROM progress p JOIN plan pl ON pl.id = p.plan_id WHERE pl.code = 'tan-thanh-2023'")" "9/19 40/57" "seed 002 progress"
assert_eq "$(sql "SELECT group_concat(c.ref, ',') FROM (SELECT c.ref FROM assignment a JOIN criterion c ON c.id = a.criterion_id
    JOIN catalog k ON k.id = c.catalog_id JOIN unit u ON u.id = a.unit_id JOIN plan p ON p.id = a.plan_id
    WHERE p.code = 'gia-loc-2023' AND k.code = '318/QĐ-TTg:II' AND u.name LIKE 'Phòng Kinh tế%'
    ORDER BY CAST(c.ref AS INTEGER)) c")" "1,2,4,7,9" "seed 000: Phòng Kinh tế - Hạ tầng answers for 1, 2, 4, 7, 9"

say "import-table: seed 004's task table as pasted from Word, page breaks and all"
ctl import-table --plan van-quan-2019 --year 2019 -o "$T/van-quan-2019.conf" \
    "$TOP/tests/data/van-quan-2018-pl1.tsv" 2>"$T/import.err" || fail "import failed: $(cat "$T/import.err")"
grep -q "Theo thời gian thích hợp" "$T/van-quan-2019.conf" || fail "the split cell was not rejoined"
"$NTMCTL" check --catalogs "$TOP/config/catalogs/*.conf" "$T/van-quan-2019.conf" >/dev/null 2>&1 ||
	fail "the imported plan does not check"
CALENDARS="$T/*.conf" write_config
sed -i "s|^calendars = .*|calendars = [ \"$TOP/calendars/*.conf\", \"$T/van-quan-2019.conf\" ];|" "$T/ntmd.conf"
ctl sync >/dev/null || fail "sync of the imported plan failed"
ctl tasks --plan van-quan-2019 --json >"$T/vq19.json"
ctl occurrences --plan van-quan-2019 --json >"$T/vq19-occ.json"
# The same rows, kinds and times as the hand transcription (which adds the targets, MT.*).
assert_eq "$(json "$T/vq19.json" "[(t['id'], t['kind'], t['when']) for t in j]")" \
    "$(json "$T/vq.json" "[(t['id'], t['kind'], t['when']) for t in j if not t['id'].startswith('MT.')]")" \
    "imported tasks"
assert_eq "$(json "$T/vq19.json" "[t['lead'] for t in j if t['id'] == 'II.1'][0]")" "['phong-tckh', 'vpdp']" \
    "units matched through aliases"
assert_eq "$(json "$T/vq19-occ.json" "[o['due'] for o in j if o['task'] == 'X.4']")" "['2019-01-31']" \
    "Tháng 01/2019 in the imported plan"
assert_eq "$(json "$T/vq19-occ.json" "len([o for o in j if o['task'] == 'X.3'])")" 4 "four steering meetings"
printf 'TT\tNội dung công việc\tThời gian\nI\tA\t\n1\tB\tTháng 13\n' >"$T/bad.tsv"
if ctl import-table --plan x-2019 --year 2019 -o "$T/bad.conf" "$T/bad.tsv" 2>"$T/err"; then
	fail "import accepted Tháng 13"
fi
assert_contains "$(cat "$T/err")" "$T/bad.tsv:3:" "import error line"
[ ! -e "$T/bad.conf" ] || fail "a failed import wrote its output"

say "every unit's feed parses in ical.js"
for unit in $(sql "SELECT o.code || '/' || u.code FROM unit u JOIN org o ON o.id = u.org_id
    WHERE EXISTS (SELECT 1 FROM task_unit tu WHERE tu.unit_id = u.id) ORDER BY 1 LIMIT 400"); do
	ctl feed "$unit" >"$T/feed.ics" || fail "no feed for $unit"
	node "$TOOLS/check_ics.mjs" "$T/feed.ics" >/dev/null || fail "ical.js cannot read the feed of $unit"
done
echo ok
