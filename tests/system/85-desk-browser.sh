#!/bin/sh
# The coordinator's desk in a real browser: Debian's chromium, driven by playwright-core
# (tests/tools/browser_desk.mjs), at a desktop's size and, for the summary, at a phone's.
# Two organisations' plans are loaded (Văn Quan 2018 and Gia Lộc 2023); the account is
# the Văn phòng Điều phối's of Văn Quan. Not signed in, the desk sends to its sign-in
# page; a wrong password is refused. The summary of this quarter shows, cell by cell,
# what ntmctl report computes, sorts by its headers, and each unit links to its items.
# An overdue item marked done through its form moves the counts (and the database has
# it, with the account in the audit log); the communes' progress is a chart and a table
# equal to ntmctl progress; the summary's CSV and XLSX, downloaded by their links, read
# back with Python's csv and openpyxl hold the same numbers. A POST without the form's
# token and another organisation's pages are refused and change nothing. June's meeting
# of the steering committee, reached from the calendar's "Mã" link, is set by typing into
# its form: a Saturday is refused with the typed values kept, a Thursday is set (the
# notice counts the invitations the database has; the calendar shows its hours and
# place), moved on a phone with no end given (two hours), and cancelled. Every page is
# saved as a screenshot in $BUILD/test-logs/85-desk-browser/, and no page says anything
# on the console (CSP violations included).
. "$(dirname "$0")/test.common"

CHROMIUM=$(command -v chromium) || fail "no chromium (make test-deps installs it)"
SHOTS="$TOP/$BUILD/test-logs/85-desk-browser"
mkdir -p "$SHOTS" "$T/downloads"
rm -f "$SHOTS"/*.png
export CHROMIUM SHOTS
BASE="http://127.0.0.1:$HTTP_PORT"
LOGIN=vq.vpdp
PASSWORD='Lạng Sơn-2018 bí mật'
VPDP="Văn phòng Điều phối Chương trình MTQG xây dựng nông thôn mới huyện Văn Quan"
Q2="from=2018-04-01&to=2018-06-30"

CALENDARS="$TOP/calendars/van-quan-2018.conf\", \"$TOP/calendars/gia-loc-2023.conf"
write_config
start_smtpd
# ntmd's clock starts at 09:00 on Tuesday 15/05/2018 and runs on: this quarter is
# 01/04–30/06. ntmctl is asked at ntmd's clock (never behind it: T0 is taken before
# ntmd starts, and rounded down).
START=2018-05-15T09:00:00+07:00
START_EPOCH=$(date -d "$START" +%s)
T0=$(date +%s)
start_ntmd "$START"
ntmd_now() {
	TZ=Asia/Ho_Chi_Minh date -d "@$((START_EPOCH + $(date +%s) - T0 + 1))" +%Y-%m-%dT%H:%M:%S%:z
}
synced() {
	[ "$(sql "SELECT count(*) FROM plan WHERE code IN ('van-quan-2018', 'gia-loc-2023')")" = 2 ]
}
wait_for "both plans loaded" 20 synced
# nctl ARGS... — ntmctl at ntmd's clock
nctl() {
	NTM_NOW=$(ntmd_now) ctl "$@" 2>>"$T/ntmctl.err"
}
printf '%s\n' "$PASSWORD" | ctl user add "$LOGIN" --unit van-quan/vpdp >/dev/null 2>"$T/user.err" ||
    fail "ntmctl user add: $(cat "$T/user.err")"

start_browser browser_desk.mjs

# step NAME ARGS... — one step in the browser (test.common's browser_step); fails also
# when a page's screenshot is missing.
step() {
	browser_step "$@"
	shot=$(got 'j.get("screenshot")')
	[ "$shot" = None ] || [ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	    fail "no screenshot of the page ($1 $3): $shot"
}
# page STATUS PATH WHAT — the page shown has STATUS and PATH (with its query), is in
# Vietnamese, with its own stylesheet applied.
page() {
	assert_eq "$(got 'j["status"]')" "$1" "$3: status"
	assert_eq "$(got 'j["url"]')" "$BASE$2" "$3: address"
	assert_eq "$(got 'j["lang"]')" vi "$3: language"
	assert_eq "$(got 'j["styled"]')" True "$3: its stylesheet applied"
}
# desk STATUS PATH WHAT — a page of the desk, signed in: the menu says who.
desk() {
	page "$@"
	assert_eq "$(got 'j["who"]')" "$LOGIN — $VPDP Đăng xuất" "$3: who is signed in"
}
# check WHAT PYTHON ARGS... — PYTHON (on standard input) exits 0, else fails with what
# it said.
check() {
	what=$1
	shift
	out=$($PY - "$@" 2>&1) || fail "$what: $(printf '%s\n' "$out" | tail -n 1)"
}
# The answer's first table against ntmctl report's JSON (rows in the same order unless
# the third argument is "any").
summary_is() {
	check "the summary against ntmctl report ($3)" "$T/answer.json" "$1" "${2:-same}" <<'PY'
import json, sys
page = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))
t = page["tables"][0]
keys = ["unit", "name", "done_on_time", "done_late", "open_in_time", "open_overdue", "total",
    "on_time_pct"]
headers = ["Mã đơn vị", "Đơn vị chủ trì", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
    "Chưa hoàn thành, trong hạn", "Chưa hoàn thành, quá hạn", "Tổng số", "Tỷ lệ đúng hạn (%)"]
head = [h.removesuffix(" ▲").removesuffix(" ▼") for h in t["head"]]
assert head == headers, f"headers {t['head']}"
def shown(k, v):
    if v is None:	# no text is shown as nothing, no number as a dash
        return "" if k in ("unit", "name") else "–"
    # the page writes the share as Vietnamese does: 66,7
    return f"{v:.1f}".replace(".", ",") if k == "on_time_pct" else str(v)
want = [[shown(k, r[k]) for k in keys] for r in report if r["unit"] is not None]
total = [[shown(k, r[k]) for k in keys] for r in report if r["unit"] is None]
assert len(want) >= 2, f"ntmctl report has {len(want)} units"
got = t["body"] if sys.argv[3] == "same" else sorted(t["body"])
if sys.argv[3] != "same":
    want.sort()
for g, w in zip(got, want):
    assert g == w, f"the row of {w[0]}: the page has {g}, ntmctl report {w}"
assert len(got) == len(want), f"{len(got)} rows on the page, {len(want)} in ntmctl report"
assert t["foot"] == total, f"the total row: the page has {t['foot']}, ntmctl report {total}"
# Each unit's name links to its items; the buckets are coloured as the provinces do.
colours = {"good": "rgb(220, 252, 231)", "warn": "rgb(255, 237, 213)",
    "bad": "rgb(254, 226, 226)"}
for row, links, classes, bg in zip(t["body"], t["links"], t["classes"], t["backgrounds"]):
    assert links[1] == f"/unit?from=2018-04-01&to=2018-06-30&code={row[0]}", \
        f"{row[0]}'s link: {links[1]}"
    # a bucket's cell coloured when it holds any: green on time, orange late, red overdue
    want_class = {col: c if row[col] != "0" else None for col, c in
        [(2, "good"), (3, "warn"), (4, None), (5, "bad")]}
    # the share on time: green from 80 %, orange from 50 %, red below
    if row[7] != "–":
        p = float(row[7].replace(",", "."))
        want_class[7] = "good" if p >= 80 else "warn" if p >= 50 else "bad"
    for col, c in want_class.items():
        has = [x for x in classes[col].split() if x in colours]
        assert has == ([c] if c else []), f"{row[0]}, column {col} ({row[col]}): class {classes[col]}"
        assert bg[col] == colours.get(c, "rgba(0, 0, 0, 0)"), \
            f"{row[0]}, column {col} ({row[col]}): background {bg[col]}"
PY
}
# report FILE — ntmctl report of this quarter, at ntmd's clock, as JSON in FILE.
report() {
	nctl report --plan van-quan-2018 --from 2018-04-01 --to 2018-06-30 --json >"$1" ||
	    fail "ntmctl report: $(tail -n 3 "$T/ntmctl.err")"
}
# column N — the Nth column (0-based) of the answer's first table's body, one a line.
column() {
	$PY -c 'import json,sys; [print(r[int(sys.argv[2])]) for r in json.load(open(sys.argv[1]))["tables"][0]["body"]]' "$T/answer.json" "$1"
}
state() {
	sql "SELECT id, status, done_at, done_by, note FROM occurrence ORDER BY id; SELECT * FROM audit ORDER BY id"
}
id_of() {
	sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id WHERE p.code = '$1' AND t.ref = '$2' ORDER BY o.due LIMIT 1"
}

say "not signed in, the desk sends to its sign-in page"
step open desk "$BASE/"
page 200 "/signin?next=/" "the sign-in page"
assert_eq "$(got '[(r["method"], r["url"], r["status"], r["location"]) for r in j["redirects"]]')" \
    "[('GET', '$BASE/', 303, '/signin?next=/')]" "/ not signed in"
assert_eq "$(got 'j["h1"]')" "Theo dõi, đôn đốc thực hiện kế hoạch nông thôn mới" "the sign-in page's heading"
assert_eq "$(got 'j["who"]')" None "a menu before signing in"
assert_eq "$(got 'j["tables"]')" "[]" "tables before signing in"
step open desk "$BASE/progress?plan=van-quan-2018"
page 200 "/signin?next=/progress%3Fplan%3Dvan-quan-2018" "/progress not signed in: the query kept for after signing in"

say "a wrong password is refused"
step signin desk "$LOGIN" "Lạng Sơn-2018 sai rồi"
page 403 "/signin" "a wrong password"
assert_eq "$(got 'j["alert"]')" "Tên đăng nhập hoặc mật khẩu không đúng." "the refusal"
assert_eq "$(got 'j["who"]')" None "the menu of the account on a wrong password's refusal"
body=$(got 'j["body"]')
step signin desk "nobody.here" "Lạng Sơn-2018 sai rồi"
page 403 "/signin" "an unknown login"
assert_eq "$(got 'j["alert"]')" "Tên đăng nhập hoặc mật khẩu không đúng." "the refusal of an unknown login"
assert_eq "$(got 'j["body"]')" "$body" "an unknown login's refusal against a wrong password's"
assert_eq "$(got '[c["name"] for c in j["cookies"] if c["name"] == "ntm_session"]')" "[]" "a session for a wrong password"
assert_eq "$(sql "SELECT count(*) FROM session")" 0 "sessions after a wrong password"

say "signed in, the summary of this quarter"
step open desk "$BASE/"
step signin desk "$LOGIN" "$PASSWORD"
desk 200 "/" "the summary"
assert_eq "$(got '[(r["method"], r["status"], r["location"]) for r in j["redirects"]]')" \
    "[('POST', 303, '/')]" "signing in"
assert_eq "$(got '[(c["path"], c["httpOnly"], c["sameSite"]) for c in j["cookies"] if c["name"] == "ntm_session"]')" \
    "[('/', True, 'Strict')]" "the session's cookie"
assert_eq "$(got 'j["h1"]')" "Tổng hợp kết quả thực hiện nhiệm vụ" "the summary's heading"
assert_eq "$(got 'j["here"]')" "Tổng hợp" "the menu's current page"
assert_contains "$(got 'j["body"]')" "Từ ngày 01/04/2018 đến ngày 30/06/2018" "this quarter at ntmd's clock"
assert_contains "$(got 'j["body"]')" "Ủy ban nhân dân huyện Văn Quan — tất cả kế hoạch" "the scope"
assert_eq "$(got '[d["text"] for d in j["downloads"]]')" "['CSV (Excel)', 'XLSX']" "the download links"
report "$T/before.json"
summary_is "$T/before.json" same "this quarter"
assert_eq "$(got 'j["tables"][0]["body"][0][0]')" tv-bcd-huyen "the first row, unsorted"

say "sorting by a column's header"
step click desk "table.data thead" "Chưa hoàn thành, quá hạn"
desk 200 "/?$Q2&sort=open_overdue&dir=desc" "sorted by overdue, descending"
assert_eq "$(got 'j["tables"][0]["sort"][5]')" descending "aria-sort"
summary_is "$T/before.json" any "sorted by overdue"
column 5 >"$T/col"
sort -rn "$T/col" | cmp -s - "$T/col" || fail "overdue not descending: $(tr '\n' ' ' <"$T/col")"
assert_eq "$(got 'j["tables"][0]["body"][0][0]')" vpdp "the most overdue first"
step click desk "table.data thead" "Chưa hoàn thành, quá hạn ▼"
desk 200 "/?$Q2&sort=open_overdue&dir=asc" "sorted by overdue, ascending"
assert_eq "$(got 'j["tables"][0]["sort"][5]')" ascending "aria-sort"
column 5 >"$T/col"
sort -n "$T/col" | cmp -s - "$T/col" || fail "overdue not ascending: $(tr '\n' ' ' <"$T/col")"
assert_eq "$(got 'j["tables"][0]["body"][-1][0]')" vpdp "the most overdue last"
step click desk "table.data thead" "Đơn vị chủ trì"
desk 200 "/?$Q2&sort=name&dir=asc" "sorted by name"
summary_is "$T/before.json" any "sorted by name"
column 1 >"$T/col"
LC_ALL=C sort "$T/col" | cmp -s - "$T/col" || fail "names not sorted: $(tr '\n' ';' <"$T/col")"

say "a unit's items"
step click desk "table.data tbody" "$VPDP"
desk 200 "/unit?$Q2&code=vpdp" "Văn phòng Điều phối's items"
assert_eq "$(got 'j["h1"]')" "Nhiệm vụ do $VPDP chủ trì" "the unit page's heading"
# What the unit leads, due by the quarter's end, not closed before it, as the database
# has it: the open ones past their due day overdue (ntmd's today is 15/05).
sql "SELECT p.code, t.ref, t.title, strftime('%d/%m/%Y', o.due), CASE WHEN o.due < '2018-05-15' THEN 'Chưa hoàn thành, quá hạn' ELSE 'Chưa hoàn thành, trong hạn' END FROM occurrence o JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id JOIN task_unit tu ON tu.task_id = t.id AND tu.role = 'lead' JOIN unit u ON u.id = tu.unit_id WHERE p.code = 'van-quan-2018' AND u.code = 'vpdp' AND t.kind != 'meeting' AND o.tentative = 0 AND o.due <= '2018-06-30' AND o.status = 'open' ORDER BY o.due, o.id" >"$T/items.txt"
check "the unit's items" "$T/answer.json" "$T/items.txt" "$T/before.json" <<'PY'
import json, sys
page = json.load(open(sys.argv[1]))
t = page["tables"][0]
assert t["head"] == ["Kế hoạch", "Mục", "Nội dung", "Thời hạn", "Ngày hoàn thành",
    "Kết quả"], t["head"]
want = [l.split("|") for l in open(sys.argv[2], encoding="utf-8").read().splitlines()]
got = [[r[0], r[1], r[2], r[3], r[5]] for r in t["body"]]
assert got == want, f"the page has {got}, the database {want}"
assert all(r[4] == "–" for r in t["body"]), "a done day for an open item"
vpdp = [r for r in json.load(open(sys.argv[3])) if r["unit"] == "vpdp"][0]
results = [r[5] for r in t["body"]]
for b, label in [("done_on_time", "Hoàn thành đúng hạn"), ("done_late", "Hoàn thành quá hạn"),
        ("open_in_time", "Chưa hoàn thành, trong hạn"), ("open_overdue", "Chưa hoàn thành, quá hạn")]:
    assert results.count(label) == vpdp[b], f"{b}: {results.count(label)} items, ntmctl report {vpdp[b]}"
PY

say "Quá hạn: the overdue items, as ntmctl overdue has them"
step click desk nav "Quá hạn"
desk 200 "/overdue" "the overdue items"
assert_eq "$(got 'j["here"]')" "Quá hạn" "the menu's current page"
nctl overdue --json >"$T/overdue.json" || fail "ntmctl overdue"
check "the overdue items against ntmctl overdue" "$T/answer.json" "$T/overdue.json" <<'PY'
import json, sys
page = json.load(open(sys.argv[1]))
t = page["tables"][0]
assert [h.rstrip(" ▲▼") for h in t["head"]] == ["Mã mục", "Kế hoạch", "Mục", "Nội dung",
    "Tình trạng", "Thời hạn", "Hạn chót", "Số ngày quá hạn", "Đơn vị chủ trì",
    "Đơn vị phối hợp", "Liên hệ"], t["head"]
vn = lambda d: "/".join(reversed(d.split("-")))
want = [[str(o["id"]), o["plan"], o["task"], o["title"],
    {"overdue": "Quá hạn", "late": "Trễ hạn"}[o["state"]], vn(o["due"]), vn(o["latest"]),
    str(o["days_overdue"]), "; ".join(o["lead"])]
    for o in json.load(open(sys.argv[2])) if o["plan"] == "van-quan-2018"]
got = [r[:9] for r in t["body"]]
assert got == want, f"the page has {got}, ntmctl overdue {want}"
for r, links in zip(t["body"], t["links"]):
    assert links[0] == links[3] == f"/item?id={r[0]}", f"item {r[0]}'s links: {links}"
PY
II1=$(id_of van-quan-2018 II.1)
III1=$(id_of van-quan-2018 III.1)
assert_eq "$(got "[r[2] for r in j['tables'][0]['body'] if r[0] == '$II1']")" "['II.1']" "II.1 overdue"
assert_contains "$(got "[r[8] for r in j['tables'][0]['body'] if r[0] == '$II1'][0]")" "$VPDP" "II.1 led by the VPĐP"
overdue_rows=$(got 'j["tables"][0]["body"]')
step open desk "$BASE/overdue?plan=van-quan-2018"
desk 200 "/overdue?plan=van-quan-2018" "the plan's overdue items"
assert_eq "$(got 'j["tables"][0]["body"]')" "$overdue_rows" "the plan's overdue items, its organisation's only plan"
step open desk "$BASE/overdue?unit=vpdp"
desk 200 "/overdue?unit=vpdp" "the VPĐP's overdue items"
assert_eq "$(got "all('$VPDP' in r[8] for r in j['tables'][0]['body'])")" True "only the VPĐP's items"
assert_eq "$(got "len(j['tables'][0]['body'])")" "$(json "$T/before.json" '[r["open_overdue"] for r in j if r["unit"] == "vpdp"][0]')" \
    "the VPĐP's overdue items, as ntmctl report counts them"

say "II.1 opened and marked done"
step click desk "table.data tbody" "$II1"
desk 200 "/item?id=$II1" "item II.1"
assert_eq "$(got 'j["h1"]')" "Nhiệm vụ #$II1" "the item's heading"
assert_contains "$(got 'j["body"]')" "Xây dựng kế hoạch và giao vốn thực hiện Chương trình năm 2018" "the item's title"
assert_eq "$(got '"Đánh dấu đã hoàn thành" in j["buttons"] and "Miễn thực hiện" in j["buttons"]')" True "the item's forms"
state >"$T/before.state"
NOTE='Đã giao vốn theo Quyết định 123/QĐ-UBND ngày 14/5/2018 <b>& "bổ sung"</b>'
step mark desk "$NOTE"
desk 200 "/overdue?done=$II1" "after marking II.1 done"
assert_eq "$(got '[(r["method"], r["url"], r["status"], r["location"]) for r in j["redirects"]]')" \
    "[('POST', '$BASE/item', 303, '/overdue?done=$II1')]" "the form's answer"
assert_eq "$(got 'j["notice"]')" "Đã ghi nhận mục #$II1 hoàn thành." "the notice"
assert_eq "$(got "[r for r in j['tables'][0]['body'] if r[0] == '$II1']")" "[]" "II.1 still overdue"
assert_eq "$(sql "SELECT status, done_by, note FROM occurrence WHERE id = $II1")" "done|$LOGIN|$NOTE" "II.1 in the database"
done_at=$(sql "SELECT done_at FROM occurrence WHERE id = $II1")
now=$(date -d "$(ntmd_now)" +%s)
[ "$done_at" -ge "$START_EPOCH" ] && [ "$done_at" -le "$now" ] ||
    fail "II.1 done at $done_at, not at ntmd's clock ($START_EPOCH–$now)"
assert_eq "$(sql "SELECT a.actor, u.code, a.remote, a.note, a.at FROM audit a JOIN unit u ON u.id = a.unit_id WHERE a.action = 'done' AND a.occurrence_id = $II1")" \
    "$LOGIN|vpdp|127.0.0.1|$NOTE|$done_at" "the audit row"
state >"$T/after.state"
diff "$T/before.state" "$T/after.state" | grep '^[<>]' | grep -v "^[<>] $II1|" | grep -v "^> [0-9]*|$done_at|$LOGIN|done|" >"$T/other.diff" &&
    fail "marking II.1 done changed more: $(cat "$T/other.diff")"

say "back on the summary, the counts moved as ntmctl report has them"
step click desk nav "Tổng hợp"
desk 200 "/" "the summary after II.1 done"
report "$T/after.json"
summary_is "$T/after.json" same "after II.1 done"
check "the VPĐP's counts moved" "$T/before.json" "$T/after.json" <<'PY'
import json, sys
b, a = ([r for r in json.load(open(f)) if r["unit"] == "vpdp"][0] for f in sys.argv[1:3])
assert a["open_overdue"] == b["open_overdue"] - 1, f"open_overdue {b['open_overdue']} → {a['open_overdue']}"
assert a["done_late"] == b["done_late"] + 1, f"done_late {b['done_late']} → {a['done_late']}"
assert (a["done_on_time"], a["open_in_time"], a["total"]) == \
    (b["done_on_time"], b["open_in_time"], b["total"]), f"{b} → {a}"
PY
step open desk "$BASE/unit?$Q2&code=vpdp"
desk 200 "/unit?$Q2&code=vpdp" "the VPĐP's items after II.1 done"
assert_eq "$(got "[(r[4], r[5]) for r in j['tables'][0]['body'] if r[1] == 'II.1']")" \
    "[('15/05/2018', 'Hoàn thành quá hạn')]" "II.1 on the unit's page"

say "Tiến độ xã: a chart and a table, as ntmctl progress has them"
step click desk nav "Tiến độ xã"
desk 200 "/progress" "the communes' progress"
assert_eq "$(got 'j["chart"] is not None and j["chart"]["shown"]')" True "the chart shown"
nctl progress --plan van-quan-2018 --json >"$T/progress.json" || fail "ntmctl progress"
sql "SELECT count(*) FROM target x JOIN plan p ON p.id = x.plan_id WHERE p.code = 'van-quan-2018'" >"$T/targets.txt"
check "the progress against ntmctl progress" "$T/answer.json" "$T/progress.json" "$T/targets.txt" <<'PY'
import json, sys
page = json.load(open(sys.argv[1]))
progress = json.load(open(sys.argv[2]))
keys = ["plan", "commune", "set", "as_of", "criteria_met", "criteria_total", "indicators_met",
    "indicators_total", "targets"]
def shown(k, v):
    if v is None:	# no text is shown as nothing, no number or day as a dash
        return "" if k in ("plan", "commune", "set", "targets") else "–"
    return "/".join(reversed(v.split("-"))) if k == "as_of" else str(v)
t = page["tables"][0]
assert t["head"][:2] == ["Kế hoạch", "Xã"] and len(t["head"]) == len(keys), t["head"]
want = [[shown(k, r[k]) for k in keys] for r in progress]
assert len(want) > 0, "no commune in ntmctl progress"
for g, w in zip(t["body"], want):
    assert g == w, f"{w[1]}: the page has {g}, ntmctl progress {w}"
assert len(t["body"]) == len(want), f"{len(t['body'])} communes on the page, {len(want)} in ntmctl"
# Each commune with figures in the chart: its name, a bar of criteria reached (blue)
# and, where known, one of indicators (green), each labelled "met/total".
chart = page["chart"]
figures = [r for r in progress if r["criteria_met"] is not None and r["criteria_total"]]
assert figures, "no commune with figures in ntmctl progress"
for r in figures:
    assert r["commune"] in chart["texts"], f"{r['commune']} not in the chart"
    for met, total, unit, fill in [("criteria_met", "criteria_total", "tiêu chí", "#2563eb"),
            ("indicators_met", "indicators_total", "chỉ tiêu", "#16a34a")]:
        if r[met] is not None and r[total]:
            label = f"{r[met]}/{r[total]} {unit}"
            assert label in chart["texts"], f"{r['commune']}: no {label} in the chart"
            width = 360 * min(r[met], r[total]) // r[total]
            assert {"width": width, "fill": fill} in chart["rects"], \
                f"{r['commune']}: no bar {width} wide of {fill}"
bars = [x for x in chart["rects"] if x["fill"] in ("#2563eb", "#16a34a") and x["width"] > 12]
assert bars, "no bar longer than the legend's square"
targets = page["tables"][1]
assert "Xã" in targets["head"] and "Thời hạn" in targets["head"], targets["head"]
n = int(open(sys.argv[3]).read())
assert len(targets["body"]) == n, f"{len(targets['body'])} targets on the page, {n} in the plan"
PY

say "Phân công tiêu chí and Lịch"
step click desk nav "Phân công tiêu chí"
desk 200 "/assignments" "the assignments"
assert_eq "$(got 'j["h1"]')" "Phân công phụ trách tiêu chí" "the assignments' heading"
step click desk nav "Lịch"
desk 200 "/calendar" "the calendar"
assert_eq "$(got 'j["h1"]')" "Lịch họp và thời hạn 30 ngày tới" "the calendar's heading"

say "the summary's CSV and XLSX, downloaded and read back"
step click desk nav "Tổng hợp"
desk 200 "/" "the summary"
summary_is "$T/after.json" same "before the downloads"
step download desk "CSV (Excel)" "$T/downloads/summary.csv"
assert_eq "$(got 'j["suggested"]')" tong-hop-2018-04-01-2018-06-30.csv "the CSV's name"
assert_eq "$(got 'j["url"]')" "$BASE/?$Q2&format=csv" "the CSV's address"
step download desk XLSX "$T/downloads/summary.xlsx"
assert_eq "$(got 'j["suggested"]')" tong-hop-2018-04-01-2018-06-30.xlsx "the XLSX's name"
check "the CSV" "$T/downloads/summary.csv" "$T/after.json" <<'PY'
import csv, io, json, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
assert rows[0] == ["Mã đơn vị", "Đơn vị chủ trì", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
    "Chưa hoàn thành, trong hạn", "Chưa hoàn thành, quá hạn", "Tổng số",
    "Tỷ lệ đúng hạn (%)"], rows[0]
keys = ["unit", "name", "done_on_time", "done_late", "open_in_time", "open_overdue", "total",
    "on_time_pct"]
def shown(k, v):
    if v is None:
        return ""
    return f"{v:.1f}" if k == "on_time_pct" else str(v)
want = [[shown(k, r[k]) for k in keys] for r in json.load(open(sys.argv[2]))]
assert rows[1:] == want, f"the CSV has {rows[1:]}, ntmctl report {want}"
PY
$PY "$TOOLS/read_xlsx.py" "$T/downloads/summary.xlsx" >"$T/xlsx.json" 2>"$T/xlsx.err" ||
    fail "openpyxl cannot read the XLSX: $(cat "$T/xlsx.err")"
check "the XLSX" "$T/xlsx.json" "$T/after.json" <<'PY'
import json, sys
book = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))
assert len(book["sheets"]) == 1, [s["title"] for s in book["sheets"]]
sheet = book["sheets"][0]
assert sheet["title"] == "Tổng hợp", sheet["title"]
rows = sheet["rows"]
value = lambda c: None if c is None else c["value"]
first = lambda r: value(r[0]) if r else None
titles = [first(r) for r in rows[:3]]
assert titles == ["Tổng hợp kết quả thực hiện nhiệm vụ",
    "Ủy ban nhân dân huyện Văn Quan — tất cả kế hoạch",
    "Từ ngày 01/04/2018 đến ngày 30/06/2018"], titles
assert all(c is None for c in rows[3]), f"no blank line after the title: {rows[3]}"
header = [value(c) for c in rows[4]]
assert header == ["Mã đơn vị", "Đơn vị chủ trì", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
    "Chưa hoàn thành, trong hạn", "Chưa hoàn thành, quá hạn", "Tổng số",
    "Tỷ lệ đúng hạn (%)"], header
keys = ["unit", "name", "done_on_time", "done_late", "open_in_time", "open_overdue", "total",
    "on_time_pct"]
data = rows[5:]
assert len(data) == len(report), f"{len(data)} rows in the XLSX, {len(report)} in ntmctl report"
for row, r in zip(data, report):
    row = row + [None] * (len(keys) - len(row))
    for c, k in zip(row, keys):
        if r[k] is None:
            assert c is None, f"{r['unit']} {k}: {c}, ntmctl report none"
        elif k in ("unit", "name"):
            assert c["type"] == "str" and c["value"] == r[k], f"{r['unit']} {k}: {c}"
        else:
            assert c["type"] in ("int", "float"), f"{r['unit']} {k}: {c} is not a number"
            assert abs(c["value"] - r[k]) < 1e-9, f"{r['unit']} {k}: {c['value']}, ntmctl {r[k]}"
assert sheet["freeze"] == "A6", f"frozen at {sheet['freeze']}"
PY

say "a POST without the form's token: 403, nothing changed"
state >"$T/before.state"
step get desk "/overdue"
assert_eq "$(got 'j["status"]')" 200 "the tab's context carries the session"
step post desk "/item" "{\"id\": \"$III1\", \"action\": \"done\", \"note\": \"không có mã\"}"
assert_eq "$(got 'j["status"]')" 403 "a POST without csrf"
assert_contains "$(got 'j["body"]')" "Biểu mẫu đã cũ" "a POST without csrf"
step post desk "/item" "{\"csrf\": \"$(printf '%064d' 0)\", \"id\": \"$III1\", \"action\": \"waive\", \"note\": \"mã sai\"}"
assert_eq "$(got 'j["status"]')" 403 "a POST with a wrong csrf"
assert_contains "$(got 'j["body"]')" "Biểu mẫu đã cũ" "a POST with a wrong csrf"
state >"$T/after.state"
cmp -s "$T/before.state" "$T/after.state" ||
    fail "a POST without the token changed the database: $(diff "$T/before.state" "$T/after.state" | head -5)"
assert_eq "$(sql "SELECT status FROM occurrence WHERE id = $III1")" open "III.1"

say "another organisation's plan and item: 403"
step open desk "$BASE/progress?plan=gia-loc-2023"
page 403 "/progress?plan=gia-loc-2023" "Gia Lộc's progress"
assert_eq "$(got 'j["h1"]')" "Không có quyền xem" "Gia Lộc's progress"
assert_eq "$(got 'j["chart"]')" None "a chart of Gia Lộc"
assert_eq "$(got 'j["tables"]')" "[]" "a table of Gia Lộc"
step open desk "$BASE/?plan=gia-loc-2023"
page 403 "/?plan=gia-loc-2023" "Gia Lộc's summary"
assert_eq "$(got 'j["h1"]')" "Không có quyền xem" "Gia Lộc's summary"
GL=$(sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id WHERE p.code = 'gia-loc-2023' ORDER BY o.id LIMIT 1")
[ -n "$GL" ] || fail "no item of Gia Lộc"
step open desk "$BASE/item?id=$GL"
page 403 "/item?id=$GL" "a Gia Lộc item"
assert_eq "$(got 'j["h1"]')" "Không có quyền xem" "a Gia Lộc item"
assert_eq "$(got 'j["buttons"]')" "['Đăng xuất']" "forms on a Gia Lộc item"
state >"$T/after.state"
cmp -s "$T/before.state" "$T/after.state" || fail "another organisation's pages changed the database"

say "a meeting set on its item's page, refused on a Saturday, moved on a phone, cancelled"
# June's meeting of the steering committee (X.3): a tentative placeholder until set.
JUNE=$(sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id WHERE p.code = 'van-quan-2018' AND t.ref = 'X.3' AND o.period = '2018-06'")
[ -n "$JUNE" ] || fail "no June meeting of X.3"
# meeting_state — the items, the audit log, the schedules and how many invitations
meeting_state() {
	state
	sql "SELECT * FROM meeting; SELECT count(*) FROM reminder WHERE kind LIKE 'invite-%'"
}
# invited — the invitations of June's meeting's latest change, as the database has them
invited() {
	sql "SELECT count(*) FROM reminder r JOIN occurrence o ON o.id = r.occurrence_id WHERE o.id = $JUNE AND r.kind = 'invite-' || o.sequence"
}
# fields — the meeting form's fields as the page holds them, one a line
fields() {
	got '"\n".join(str(j["fields"].get(k)) for k in ["date", "start", "end", "place", "meeting-note", "force"])'
}
step click desk nav "Lịch"
desk 200 "/calendar" "the calendar"
assert_eq "$(got 'j["tables"][0]["head"][:4]')" "['Mã', 'Ngày', 'Loại', 'Giờ, địa điểm']" "the calendar's first columns"
assert_eq "$(got "[r[:4] for r in j['tables'][0]['body'] if r[0] == '$JUNE']")" \
    "[['$JUNE', '$(sql "SELECT strftime('%d/%m/%Y', day) FROM occurrence WHERE id = $JUNE")', 'Họp (chưa định ngày)', '']]" \
    "June's meeting in the calendar, not yet set"
assert_eq "$(got "[l[0] for r, l in zip(j['tables'][0]['body'], j['tables'][0]['links']) if r[0] == '$JUNE']")" \
    "['/item?id=$JUNE']" "June's meeting's link in the calendar"
step click desk "table.data tbody" "$JUNE"
desk 200 "/item?id=$JUNE" "June's meeting"
assert_eq "$(got 'j["h1"]')" "Cuộc họp #$JUNE" "the meeting's heading"
assert_eq "$(got 'j["here"]')" "Lịch" "the menu's current page, for a meeting"
assert_contains "$(got 'j["body"]')" \
    "Chưa ấn định ngày họp (theo kế hoạch: $(sql "SELECT strftime('%d/%m/%Y', start) || ' - ' || strftime('%d/%m/%Y', due) FROM occurrence WHERE id = $JUNE"))." \
    "the meeting not yet set"
assert_eq "$(got '[b for b in j["buttons"] if "họp" in b or "lịch" in b]')" \
    "['Xếp lịch và gửi thư mời', 'Hủy cuộc họp và báo các đơn vị']" "the meeting's buttons"
assert_eq "$(fields | tr '\n' '|')" "|||||False|" "the meeting's form, empty"
meeting_state >"$T/before.state"
seq=$(sql "SELECT sequence FROM occurrence WHERE id = $JUNE")
PLACE="Hội trường UBND huyện"
MNOTE='Sơ kết 6 tháng <b>& "mang báo cáo"</b>'
step type desk "Ngày họp" 2018-06-16
step type desk "Giờ bắt đầu" 08:30
step type desk "Giờ kết thúc (để trống: sau 2 giờ)" 11:00
step type desk "Địa điểm" "$PLACE"
step type desk "Ghi chú cho các đơn vị" "$MNOTE"
step press desk "Xếp lịch và gửi thư mời"
desk 400 "/item" "a Saturday refused"
assert_eq "$(got 'j["alert"]')" "Ngày 16/06/2018 là ngày nghỉ (thứ Bảy). Chọn ngày khác, hoặc đánh dấu «Vẫn xếp lịch» nếu cuộc họp vẫn diễn ra vào ngày đó." \
    "the Saturday's refusal"
assert_eq "$(got 'j["notice"]')" None "a notice with the refusal"
printf '2018-06-16\n08:30\n11:00\n%s\n%s\nFalse\n' "$PLACE" "$MNOTE" >"$T/want"
fields | cmp -s - "$T/want" || fail "the form after the refusal: $(fields | tr '\n' '|')"
assert_contains "$(got 'j["body"]')" "Chưa ấn định ngày họp" "the meeting after the refusal"
meeting_state >"$T/after.state"
cmp -s "$T/before.state" "$T/after.state" ||
    fail "the refused Saturday changed the database: $(diff "$T/before.state" "$T/after.state" | head -5)"
step type desk "Ngày họp" 2018-06-14
step press desk "Xếp lịch và gửi thư mời"
K=$(invited)
[ "$K" -gt 0 ] || fail "no unit invited to June's meeting"
desk 200 "/item?id=$JUNE&invited=$K" "June's meeting set"
assert_eq "$(got '[(r["method"], r["url"], r["status"], r["location"]) for r in j["redirects"]]')" \
    "[('POST', '$BASE/item', 303, '/item?id=$JUNE&invited=$K')]" "the schedule form's answer"
assert_eq "$(got 'j["notice"]')" "Đã ghi lịch họp; thư báo đã gửi tới $K đơn vị." "the notice"
assert_eq "$(got 'j["alert"]')" None "an alert once set"
assert_contains "$(got 'j["body"]')" "Đã xếp lịch: 8 giờ 30, thứ Năm, 14/06/2018, đến 11 giờ 00. Địa điểm: $PLACE." \
    "the schedule shown"
assert_contains "$(got 'j["body"]')" "Ghi chú: $MNOTE" "the note shown, as typed"
assert_eq "$(got '[b for b in j["buttons"] if "họp" in b or "lịch" in b]')" \
    "['Dời lịch và báo các đơn vị', 'Hủy cuộc họp và báo các đơn vị']" "the buttons once set"
printf '2018-06-14\n08:30\n11:00\n%s\n%s\nFalse\n' "$PLACE" "$MNOTE" >"$T/want"
fields | cmp -s - "$T/want" || fail "the form once set: $(fields | tr '\n' '|')"
assert_eq "$(sql "SELECT m.day, m.start_time, m.end_time, m.place, m.note, m.cancelled, m.set_by, o.tentative, o.sequence FROM meeting m JOIN occurrence o ON o.id = m.occurrence_id WHERE o.id = $JUNE")" \
    "2018-06-14|08:30|11:00|$PLACE|$MNOTE|0|$LOGIN|0|$((seq + 1))" "June's meeting in the database"
assert_eq "$(sql "SELECT actor, action, remote FROM audit WHERE occurrence_id = $JUNE ORDER BY id DESC LIMIT 1")" \
    "$LOGIN|meeting-set|127.0.0.1" "the audit row"
step click desk nav "Lịch"
desk 200 "/calendar" "the calendar with June's meeting set"
assert_eq "$(got "[r[:4] for r in j['tables'][0]['body'] if r[0] == '$JUNE']")" \
    "[['$JUNE', '14/06/2018', 'Họp', '08:30–11:00, $PLACE']]" "June's meeting in the calendar, set"

say "moved on a phone, where the form fits the screen; no end given, two hours"
step open phone "$BASE/item?id=$JUNE"
desk 200 "/item?id=$JUNE" "June's meeting on a phone"
assert_eq "$(got 'j["inner_width"]')" 390 "laid out at the phone's width"
assert_eq "$(got 'j["scroll_width"] <= j["inner_width"]')" True "the meeting's page wider than the phone ($(got 'j["scroll_width"]') px)"
step type phone "Ngày họp" 2018-06-15
step type phone "Giờ bắt đầu" 14:00
step type phone "Giờ kết thúc (để trống: sau 2 giờ)" ""
step press phone "Dời lịch và báo các đơn vị"
K=$(invited)
[ "$K" -gt 0 ] || fail "no unit told of the move"
desk 200 "/item?id=$JUNE&invited=$K" "June's meeting moved on a phone"
assert_eq "$(got 'j["notice"]')" "Đã ghi lịch họp; thư báo đã gửi tới $K đơn vị." "the notice of the move"
assert_contains "$(got 'j["body"]')" "Đã xếp lịch: 14 giờ 00, thứ Sáu, 15/06/2018, đến 16 giờ 00. Địa điểm: $PLACE." \
    "the schedule moved"
assert_eq "$(got 'j["scroll_width"] <= j["inner_width"]')" True "the moved meeting's page wider than the phone ($(got 'j["scroll_width"]') px)"
assert_eq "$(sql "SELECT m.day, m.start_time, m.end_time, o.sequence FROM meeting m JOIN occurrence o ON o.id = m.occurrence_id WHERE o.id = $JUNE")" \
    "2018-06-15|14:00|16:00|$((seq + 2))" "June's meeting moved in the database"

say "cancelled by its button"
step open desk "$BASE/item?id=$JUNE"
desk 200 "/item?id=$JUNE" "June's meeting before cancelling"
step type desk "Lý do hủy (gửi tới các đơn vị)" "Trùng lịch họp của tỉnh"
step tick desk "Tôi xác nhận hủy cuộc họp này"
step press desk "Hủy cuộc họp và báo các đơn vị"
K=$(invited)
[ "$K" -gt 0 ] || fail "no unit told of the cancel"
desk 200 "/item?id=$JUNE&cancelled=$K" "June's meeting cancelled"
assert_eq "$(got 'j["notice"]')" "Đã hủy cuộc họp; thư báo đã gửi tới $K đơn vị." "the notice of the cancel"
assert_eq "$(sql "SELECT note FROM meeting WHERE occurrence_id = $JUNE")" "Trùng lịch họp của tỉnh" \
    "the cancel's reason"
assert_contains "$(got 'j["body"]')" "Cuộc họp đã hủy." "the meeting cancelled"
case $(got 'j["body"]') in *"Đã xếp lịch"*) fail "a cancelled meeting still shown as set" ;; esac
assert_eq "$(got '[b for b in j["buttons"] if "họp" in b or "lịch" in b]')" \
    "['Xếp lịch và gửi thư mời']" "the buttons of a cancelled meeting"
assert_eq "$(sql "SELECT m.cancelled, o.status, o.sequence FROM meeting m JOIN occurrence o ON o.id = m.occurrence_id WHERE o.id = $JUNE")" \
    "1|cancelled|$((seq + 3))" "June's meeting cancelled in the database"
assert_eq "$(sql "SELECT actor, action FROM audit WHERE occurrence_id = $JUNE ORDER BY id DESC LIMIT 1")" \
    "$LOGIN|meeting-cancel" "the cancel's audit row"
step click desk nav "Lịch"
desk 200 "/calendar" "the calendar after the cancel"
assert_eq "$(got "[r for r in j['tables'][0]['body'] if r[0] == '$JUNE']")" "[]" "a cancelled meeting in the calendar"

say "the summary on a phone"
step open phone "$BASE/"
desk 200 "/" "the summary on a phone"
assert_eq "$(got 'j["inner_width"]')" 390 "laid out at the phone's width"
assert_eq "$(got 'j["scroll_width"] <= j["inner_width"]')" True "the summary wider than the phone ($(got 'j["scroll_width"]') px)"
report "$T/phone.json"
summary_is "$T/phone.json" same "on a phone"

say "signing out"
step press desk "Đăng xuất"
page 200 "/signin" "signed out"
assert_eq "$(got '[(r["method"], r["status"]) for r in j["redirects"]]')" "[('POST', 303)]" "signing out"
step open desk "$BASE/"
page 200 "/signin?next=/" "/ after signing out"
echo ok
