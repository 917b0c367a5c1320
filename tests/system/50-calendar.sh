#!/bin/sh
# The administrative calendar: the lunar calendar against an independent computation,
# each year's days off against the government's announcements, deadlines moved by
# Bộ luật Dân sự 2015 Điều 148 khoản 5, and due/late/overdue at the exact instants.
. "$(dirname "$0")/test.common"

say "lunar months 1900-2100 against PyEphem (tests/tools/lunar_ref.py, UTC+7)"
"$TOP/$BUILD/lunar-dump" 1900 2100 >"$T/ours.txt" || fail "lunar-dump: a day does not convert back"
$PY "$TOOLS/lunar_ref.py" months --tz 7 --from 1900 --to 2100 >"$T/ref.txt" || fail "lunar_ref.py"
assert_eq "$(wc -l <"$T/ref.txt")" 2487 "lunar months in the reference"
# The one month the two computations place differently: ephem has the new moon of
# July 1967 at 17:00:02 UTC, 2 s after midnight at UTC+7; Meeus' series (ours) puts it a
# few seconds before. Both are within their accuracy, so only this line may differ.
diff "$T/ref.txt" "$T/ours.txt" >"$T/lunar.diff" || true
assert_eq "$(cat "$T/lunar.diff")" "836c836
< 1967-07-08 1967 6 0
---
> 1967-07-07 1967 6 0" "lunar months that differ from the reference"

say "where the Vietnamese and Chinese calendars differ (tests/data/lunar-vietnam-china.txt)"
$PY "$TOOLS/lunar_ref.py" diff --from 1900 --to 2100 >"$T/vn-cn.txt"
cmp -s "$T/vn-cn.txt" "$TOP/tests/data/lunar-vietnam-china.txt" || fail "the list of Vietnam/China differences changed"
assert_eq "$(grep -c '^[0-9]\{4\}: Vietnam' "$T/vn-cn.txt")" 10 "years whose Tết differs"
grep -q '^1985: Vietnam 1985-01-21, China 1985-02-20' "$T/vn-cn.txt" || fail "Tết 1985"
# The reference at UTC+8 against Debian's Chinese table (python3-lunardate): the eight
# mismatches are the table's (Beijing mean time before 1929, old month lengths in 1954
# and 1956, new moons minutes from midnight in 1933 and 1978), each listed in the file.
$PY "$TOOLS/lunar_ref.py" cn-check --from 1900 --to 2099 >"$T/cn-check.txt" || true
cmp -s "$T/cn-check.txt" "$TOP/tests/data/lunar-cn-check.txt" || fail "the reference no longer agrees with python3-lunardate as recorded"

say "days off 2018, 2023, 2024 and 2026, as the government announced them"
write_config
days() { ctl calendar "$1" --json >"$T/cal.json" && json "$T/cal.json" "' '.join(d['date'][5:] for d in j['$2'])"; }
# Thông báo 573/TB-VPCP: Tết 14-20/2; Công văn 6519/VPCP-KGVX: 31/12 swapped for 5/1/2019.
assert_eq "$(days 2018 days_off)" "01-01 02-14 02-15 02-16 02-17 02-18 02-19 02-20 04-25 04-30 05-01 09-02 09-03 12-31" "2018"
assert_eq "$(days 2018 workdays)" "" "2018 make-up days"
assert_eq "$(json "$T/cal.json" "[d['name'] for d in j['days_off'] if d['date'] == '2018-09-03']")" "['Nghỉ bù Quốc khánh (2/9)']" "2018: one day for Quốc khánh (Bộ luật Lao động 2012)"
# Công văn 8056/VPCP-KGVX: Tết 20-26/1, Quốc khánh 1-4/9; nghỉ bù for 1/1, 29/4, 30/4.
assert_eq "$(days 2023 days_off)" "01-01 01-02 01-20 01-21 01-22 01-23 01-24 01-25 01-26 04-29 04-30 05-01 05-02 05-03 09-01 09-02 09-04" "2023"
# Công văn 8662/VPCP-KGVX (Tết 8-14/2, Quốc khánh 2-3/9) and 2450/VPCP-KGVX (29/4 for 4/5).
assert_eq "$(days 2024 days_off)" "01-01 02-08 02-09 02-10 02-11 02-12 02-13 02-14 04-18 04-29 04-30 05-01 09-02 09-03" "2024"
assert_eq "$(days 2024 workdays)" "05-04" "2024 make-up days"
# Thông báo 9441/TB-BNV (Tết 16-20/2, Quốc khánh 1-2/9, 31/8 for 22/8), Công văn
# 12729/VPCP-KGVX (2/1 for 10/1); Giỗ Tổ on a Sunday; Ngày Văn hóa Việt Nam 24/11.
assert_eq "$(days 2026 days_off)" "01-01 01-02 02-16 02-17 02-18 02-19 02-20 04-26 04-27 04-30 05-01 08-31 09-01 09-02 11-24" "2026"
assert_eq "$(days 2026 workdays)" "01-10 08-22" "2026 make-up days"
assert_eq "$(json "$T/cal.json" "[d['name'] for d in j['days_off'] if d['date'] == '2026-02-16']")" "['Tết Âm lịch (29 tháng Chạp)']" "the last day of Ất Tỵ"
# Without the announcements: the labour code alone (2024: Tết from 30 tháng Chạp).
assert_eq "$("$NTMCTL" calendar 2024 --json | $PY -c 'import json,sys; print(" ".join(d["date"][5:] for d in json.load(sys.stdin)["days_off"]))')" \
    "01-01 02-09 02-10 02-11 02-12 02-13 02-14 02-15 04-18 04-30 05-01 09-02 09-03" "2024 by the labour code alone"

say "a holiday file that contradicts the calendar: file:line, non-zero, the database as it was"
mkdir "$T/holidays"
cp "$TOP/config/holidays/2024.conf" "$T/holidays/"
printf 'year = 2025;\nworkdays = ( { date = "2025-04-26"; name = "Làm bù"; } );\n' >"$T/holidays/2025.conf"
sed -i "s#^holidays = .*#holidays = [ \"$T/holidays/*.conf\" ];#" "$T/ntmd.conf"
ctl sync >/dev/null 2>&1 || fail "sync before the bad file"
before=$(sql "SELECT count(*) || ':' || max(changed_at) FROM occurrence")
printf 'year = 2025;\ndays_off = (\n  { date = "2025-03-04"; name = "Nghỉ thử"; },\n  { date = "2025-05-01"; name = "Trùng ngày lễ"; }\n);\n' >"$T/holidays/2025.conf"
if "$NTMD" -n -c "$T/ntmd.conf" >"$T/n.out" 2>&1; then fail "ntmd -n accepted a bad holiday file"; fi
assert_contains "$(cat "$T/n.out")" "$T/holidays/2025.conf:4: 2025-05-01 is already off: Ngày Quốc tế Lao động (1/5)" "ntmd -n"
if ctl sync >"$T/sync.out" 2>&1; then fail "sync accepted a bad holiday file"; fi
assert_eq "$(sql "SELECT count(*) || ':' || max(changed_at) FROM occurrence")" "$before" "database unchanged"
sed -i "s#^holidays = .*#holidays = [ \"$TOP/config/holidays/*.conf\" ];#" "$T/ntmd.conf"

say "ntmctl when --working-days"
assert_eq "$(ctl when --year 2024 --working-days --json 'ngày 10/02/2024' | $PY -c 'import json,sys; print(json.load(sys.stdin)["occurrences"])')" \
    "[{'start': '2024-01-01', 'due': '2024-02-15', 'due_original': '2024-02-10'}]" "Tết 2024"
# "trước": the day before, and back to the last working day before the Tết break
assert_eq "$(ctl when --year 2024 --working-days --json 'trước ngày 10/02/2024' | $PY -c 'import json,sys; print(json.load(sys.stdin)["occurrences"])')" \
    "[{'start': '2024-01-01', 'due': '2024-02-07', 'due_original': '2024-02-09'}]" "before Tết 2024"
assert_eq "$(ctl when --year 2024 --working-days --rule previous --json '02/9/2024' | $PY -c 'import json,sys; print(json.load(sys.stdin)["occurrences"][0]["due"])')" \
    "2024-08-30" "Quốc khánh 2024, previous working day"

say "deadlines on days off move to the next working day; meetings stay and are flagged"
CALENDARS="$TOP/tests/data/deadlines-*.conf" write_config
NTM_NOW=2024-01-02T08:00:00+07:00 ctl sync >/dev/null || fail "sync of the test plans"
NTM_NOW=2024-01-02T08:00:00+07:00 ctl occurrences --plan deadlines-2024 --json >"$T/occ.json"
occ() { json "$T/occ.json" "[(o['due'], o['due_original'], o['latest'], o['latest_original'], o['day'], o['day_off']) for o in j if o['task'] == 'I.$1'][$2]"; }
assert_eq "$(occ 1 0)" "('2024-04-01', '2024-03-30', '2024-04-01', '2024-03-30', '2024-04-01', None)" "a Saturday"
assert_eq "$(occ 2 0)" "('2024-02-15', '2024-02-10', '2024-02-15', '2024-02-10', '2024-02-15', None)" "Tết"
assert_eq "$(occ 3 0)" "('2024-05-02', '2024-04-29', '2024-05-02', '2024-04-29', '2024-05-02', None)" "30/4 - 1/5 with the 29/4 swap"
assert_eq "$(occ 4 0)" "('2024-09-04', '2024-09-02', '2024-09-04', '2024-09-02', '2024-09-04', None)" "Quốc khánh"
assert_eq "$(occ 5 1)" "('2024-02-15', '2024-02-10', '2024-02-15', None, '2024-02-15', None)" "February report: due in Tết, latest 15/2"
assert_eq "$(occ 5 5)" "('2024-06-10', None, '2024-06-17', '2024-06-15', '2024-06-10', None)" "June report: latest on a Saturday"
assert_eq "$(occ 6 0)" "('2024-09-02', None, '2024-09-02', None, '2024-09-02', 'Quốc khánh (2/9)')" "a meeting on Quốc khánh"
assert_eq "$(occ 7 0)" "('2024-09-30', None, '2024-09-30', None, '2024-09-04', None)" "a tentative meeting on its first working day"
NTM_NOW=2024-01-02T08:00:00+07:00 ctl occurrences --plan deadlines-2022 --json >"$T/occ22.json"
assert_eq "$(json "$T/occ22.json" "[(o['task'], o['due'], o['due_original']) for o in j]")" \
    "[('I.2', '2022-12-30', '2022-12-31'), ('I.1', '2022-12-31', None)]" "per-kind rules across a year end"

say "due today until the end of the day in Asia/Ho_Chi_Minh, then late, then overdue"
state() { NTM_NOW=$1 ctl occurrences --plan deadlines-2024 --json | $PY -c 'import json,sys; print([o["state"] for o in json.load(sys.stdin) if o["task"] == "I.5"][5])'; }
# The June report: due Monday 10/6, at the latest Monday 17/6 (15/6 is a Saturday).
# NTM_NOW starts a clock that runs on, so "just before" is half a minute before.
assert_eq "$(state 2024-06-02T23:59:30+07:00)" upcoming "8 days before"
assert_eq "$(state 2024-06-03T00:00:00+07:00)" due_soon "7 days before"
assert_eq "$(state 2024-06-10T00:00:00+07:00)" due_today "the due day begins"
assert_eq "$(state 2024-06-10T23:59:30+07:00)" due_today "the due day's last minute"
assert_eq "$(state 2024-06-10T17:00:00Z)" late "midnight in Hà Nội, written in UTC"
assert_eq "$(state 2024-06-17T23:59:30+07:00)" late "the latest day's last minute"
assert_eq "$(state 2024-06-18T00:00:00+07:00)" overdue "past the latest day"
overdue_list() { NTM_NOW=$1 ctl overdue --json | $PY -c 'import json,sys; print(sorted((o["task"], o["due"], o["state"]) for o in json.load(sys.stdin) if o["plan"] == "deadlines-2024"))'; }
assert_eq "$(overdue_list 2024-02-15T23:59:30+07:00)" "[('I.5', '2024-01-10', 'overdue')]" "overdue list on the shifted due day"
assert_eq "$(overdue_list 2024-02-16T00:00:00+07:00)" "[('I.2', '2024-02-15', 'overdue'), ('I.5', '2024-01-10', 'overdue'), ('I.5', '2024-02-15', 'overdue')]" "overdue list the day after"
assert_eq "$(overdue_list 2024-06-11T00:00:00+07:00 | tr ',' '\n' | grep -c late)" 1 "the June report is late, not overdue"

say "the feed says late and overdue, and calendar clients read it"
NTM_NOW=2024-06-11T08:00:00+07:00 ctl feed thu-nghiem/vpdp >"$T/feed.ics" || fail "ntmctl feed"
node "$TOOLS/check_ics.mjs" "$T/feed.ics" >"$T/feed.json" || fail "ical.js rejects the feed"
june=$(json "$T/feed.json" "[(e['summary'], e['start']) for e in j['events'] if e['uid'] == 'deadlines-2024/I.5/2024-06@ntmd']")
assert_eq "$june" "[('[Chậm] Hạn: Báo cáo tháng', '2024-06-10')]" "the late June report"
assert_contains "$(json "$T/feed.json" "[e['description'] for e in j['events'] if e['uid'] == 'deadlines-2024/I.5/2024-06@ntmd'][0]")" "Chậm nhất: hết thứ Hai, 17/06/2024" "the latest day in the feed"
meeting=$(json "$T/feed.json" "[e['description'] for e in j['events'] if e['uid'] == 'deadlines-2024/I.6/2024-09-02@ntmd'][0]")
assert_contains "$meeting" "Lưu ý: ngày 02/09/2024 là ngày nghỉ (Quốc khánh (2/9))." "the meeting on a day off"
echo ok
