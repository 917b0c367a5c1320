#!/bin/sh
# The four buckets of task tracking (QĐ 42/2014/QĐ-TTg) for two quarters of Văn Quan
# 2018: items closed with ntmctl done at chosen instants (on the last second of the due
# day, on the first second after it, on a deadline the working-day rule moved) and
# through the desk (signed in with curl: a real session, the form's token), then
# ntmctl report --json checked unit by unit, its CSV read as Excel would, and progress,
# assignments and overdue --csv; unknown options refused.
. "$(dirname "$0")/test.common"

write_config
export NTM_NOW=2018-01-02T08:00:00+07:00
ctl sync >/dev/null 2>&1 || fail "sync"
id_of() { sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id WHERE t.ref = '$1' ORDER BY o.due LIMIT 1"; }
II2=$(id_of II.2) II1=$(id_of II.1) III1=$(id_of III.1) MT2=$(id_of MT.2) IV3=$(id_of IV.3)
# row FILE UNIT — the unit's counts as "on_time late in_time overdue total pct"
row() {
	$PY - "$1" "$2" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
unit = None if sys.argv[2] == "TOTAL" else sys.argv[2]
r = [r for r in rows if r["unit"] == unit]
if len(r) != 1:
    print("missing")
else:
    r = r[0]
    print(r["done_on_time"], r["done_late"], r["open_in_time"], r["open_overdue"], r["total"], r["on_time_pct"])
PY
}
report() {
	ctl report --plan van-quan-2018 --json "$@" >"$T/r.json" || fail "report $*"
}

say "II.2 (due 31/01) done at 23:59:59 of its due day: on time, for both its lead units"
NTM_NOW=2018-01-31T23:59:59+07:00 ctl done "$II2" >/dev/null || fail "done II.2"
NTM_NOW=2018-04-10T09:00:00+07:00 report --from 2018-01-01 --to 2018-03-31
assert_eq "$(row "$T/r.json" vpdp)" "1 0 0 0 1 100.0" "Q1 VPĐP"
assert_eq "$(row "$T/r.json" ubnd-xa)" "1 0 0 0 1 100.0" "Q1 UBND các xã"
assert_eq "$(row "$T/r.json" TOTAL)" "2 0 0 0 2 100.0" "Q1 total"
assert_eq "$(json "$T/r.json" 'len(j)')" 3 "Q1: two lead units and the total"
assert_eq "$(json "$T/r.json" 'j[-1]["name"]')" "Tổng cộng" "the total row"

say "MT.2 (Xã Văn An, due 02/04) marked done on the desk at 15:00 that day: on time"
printf 'mật-khẩu-vpdp-2018\n' | ctl user add dieu.phoi --unit vpdp || fail "user add"
start_ntmd 2018-04-02T15:00:00+07:00
BASE="http://127.0.0.1:$HTTP_PORT"
jar="$T/cookies"
curl -s -c "$jar" -b "$jar" "$BASE/signin" -o "$T/signin.html" || fail "GET /signin"
token() { grep -o 'name="csrf" value="[0-9a-f]*"' "$1" | head -n 1 | grep -o '[0-9a-f]\{64\}'; }
code=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
    --data-urlencode "csrf=$(token "$T/signin.html")" --data-urlencode "login=dieu.phoi" \
    --data-urlencode "password=mật-khẩu-vpdp-2018" --data-urlencode "next=/overdue" "$BASE/signin")
assert_eq "$code" "303 $BASE/overdue" "signing in"
curl -s -b "$jar" "$BASE/item?id=$MT2" -o "$T/item.html" || fail "GET /item"
grep -q "Xã Văn An đạt tiêu chí 5, 6" "$T/item.html" || fail "the item's page: $(head -c 600 "$T/item.html")"
code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
    --data-urlencode "csrf=$(token "$T/item.html")" --data-urlencode "id=$MT2" \
    --data-urlencode "action=done" --data-urlencode "note=Đã thẩm định tiêu chí 5, 6" \
    "$BASE/item")
assert_eq "$code" "303 $BASE/overdue?done=$MT2" "marking MT.2 done on the desk"
assert_eq "$(sql "SELECT status || ' ' || done_by FROM occurrence WHERE id = $MT2")" "done dieu.phoi" "MT.2 done by the account"
assert_eq "$(sql "SELECT actor || ' ' || unit_id || ' ' || note FROM audit WHERE occurrence_id = $MT2")" \
    "dieu.phoi $(sql "SELECT id FROM unit WHERE code = 'vpdp'") Đã thẩm định tiêu chí 5, 6" "the audit row"
say "a department's account may mark done only what its unit is given, and waive nothing"
printf 'mật-khẩu-phòng-nn\n' | ctl user add phong.nn --unit phong-nnptnt >/dev/null || fail "user add"
djar="$T/dept-cookies"
curl -s -c "$djar" -b "$djar" "$BASE/signin" -o "$T/signin2.html" || fail "GET /signin"
code=$(curl -s -c "$djar" -b "$djar" -o /dev/null -w '%{http_code}' \
    --data-urlencode "csrf=$(token "$T/signin2.html")" --data-urlencode "login=phong.nn" \
    --data-urlencode "password=mật-khẩu-phòng-nn" "$BASE/signin")
assert_eq "$code" 303 "the department signing in"
curl -s -b "$djar" "$BASE/item?id=$IV3" -o "$T/item2.html" || fail "GET /item"
grep -q "chỉ xem" "$T/item2.html" || fail "a department's view of another unit's item offers forms"
sqlite3 "$T/ntmd.db" .dump >"$T/before.sql"
for action in done waive; do
	code=$(curl -s -b "$djar" -o "$T/refused.html" -w '%{http_code}' \
	    --data-urlencode "csrf=$(token "$T/item2.html")" --data-urlencode "id=$IV3" \
	    --data-urlencode "action=$action" --data-urlencode "note=không cần" "$BASE/item")
	assert_eq "$code" 403 "a department's $action of IV.3 (the VPĐP's)"
done
sqlite3 "$T/ntmd.db" .dump | cmp -s - "$T/before.sql" || fail "a refused action changed the database"
stop_ntmd

say "Q2 in its middle (15/05): what is due is judged now, IV.3 (31/05) still in time"
NTM_NOW=2018-04-02T16:00:00+07:00 ctl done "$III1" >/dev/null || fail "done III.1"
NTM_NOW=2018-04-03T00:00:00+07:00 ctl done "$II1" >/dev/null || fail "done II.1"
NTM_NOW=2018-05-15T10:00:00+07:00 report --from 2018-04-01 --to 2018-06-30
# III.1: plan 31/03 (a Saturday), moved to Monday 02/04, done that afternoon: on time.
# II.1: the same day, done at 00:00:00 of 03/04: late. MT.2, on the desk: on time.
assert_eq "$(row "$T/r.json" tv-bcd-huyen)" "1 0 0 0 1 100.0" "Q2 Thành viên BCĐ"
assert_eq "$(row "$T/r.json" phong-tckh)" "0 1 0 0 1 0.0" "Q2 Phòng TC-KH"
assert_eq "$(row "$T/r.json" xa-van-an)" "1 0 0 0 1 100.0" "Q2 Xã Văn An"
assert_eq "$(row "$T/r.json" vpdp)" "1 1 1 0 3 50.0" "Q2 VPĐP on 15/05"
assert_eq "$(row "$T/r.json" ubnd-xa)" "missing" "II.2, done before the quarter, is not Q2's"

say "Q2 judged at its end: IV.3 open past 31/05 is overdue"
NTM_NOW=2018-07-10T09:00:00+07:00 report --from 2018-04-01 --to 2018-06-30
assert_eq "$(row "$T/r.json" vpdp)" "1 1 0 1 3 33.3" "Q2 VPĐP"
assert_eq "$(row "$T/r.json" TOTAL)" "4 2 0 1 7 57.1" "Q2 total"
say "done after the period's end counts as open in it"
NTM_NOW=2018-07-05T09:00:00+07:00 ctl done "$IV3" >/dev/null || fail "done IV.3"
NTM_NOW=2018-07-10T09:00:00+07:00 report --from 2018-04-01 --to 2018-06-30
assert_eq "$(row "$T/r.json" vpdp)" "1 1 0 1 3 33.3" "Q2 VPĐP after IV.3 done on 05/07"
NTM_NOW=2018-07-10T09:00:00+07:00 report --from 2018-04-01 --to 2018-07-31
# and July's own: III.1 and IV.3 of 02/07 overdue, IV.3 of 31/07 still in time
assert_eq "$(row "$T/r.json" vpdp)" "1 2 1 2 6 20.0" "April–July: IV.3 done late"

say "--unit narrows to one unit, the total follows"
NTM_NOW=2018-07-10T09:00:00+07:00 report --from 2018-04-01 --to 2018-06-30 --unit phong-tckh
assert_eq "$(json "$T/r.json" 'len(j)')" 2 "one unit and the total"
assert_eq "$(row "$T/r.json" TOTAL)" "0 1 0 0 1 0.0" "Phòng TC-KH's total"

say "CSV for Excel: BOM, Vietnamese headers, the same numbers"
NTM_NOW=2018-07-10T09:00:00+07:00 ctl report --plan van-quan-2018 --csv --from 2018-04-01 --to 2018-06-30 >"$T/r.csv" || fail "report --csv"
$PY - "$T/r.csv" <<'PY' || fail "the CSV"
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
assert b"\r\n" in raw, "no CRLF"
rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
assert rows[0] == ["Mã đơn vị", "Đơn vị chủ trì", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
    "Chưa hoàn thành, trong hạn", "Chưa hoàn thành, quá hạn", "Tổng số", "Tỷ lệ đúng hạn (%)"], rows[0]
total = rows[-1]
assert total[1] == "Tổng cộng" and total[2:] == ["4", "2", "0", "1", "7", "57.1"], total
PY

say "progress, assignments, overdue --csv"
ctl progress --plan van-quan-2018 --json >"$T/p.json" || fail "progress"
assert_eq "$(json "$T/p.json" '[(r["criteria_met"], r["criteria_total"]) for r in j if r["commune"] == "Xã Vân Mộng"][0]')" "(7, 19)" "Vân Mộng's criteria"
assert_contains "$(json "$T/p.json" '[r["targets"] for r in j if r["commune"] == "Xã Văn An"][0]')" "TC 5, 6 đến 31/03/2018" "Văn An's target"
CALENDARS="$TOP/calendars/gia-loc-2023.conf" write_config
ctl sync >/dev/null 2>&1 || fail "sync Gia Lộc"
ctl assignments --plan gia-loc-2023 --json >"$T/a.json" || fail "assignments"
assert_contains "$(json "$T/a.json" '[r["unit"] + ":" + r["role"] for r in j if r["criterion"] == "18" and r["set"] == "318/QĐ-TTg:I"]')" "Phòng Nội vụ:Chủ trì" "who answers for criterion 18"
write_config
NTM_NOW=2018-07-10T09:00:00+07:00 ctl overdue --csv >"$T/o.csv" || fail "overdue --csv"
$PY - "$T/o.csv" <<'PY' || fail "overdue CSV"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
iii1 = [r for r in rows if r["Mục"] == "III.1" and r["Thời hạn"] == "2018-07-02"]
assert len(iii1) == 1, rows
r = iii1[0]
assert r["Tình trạng"] == "Quá hạn" and r["Số ngày quá hạn"] == "8", r
assert "Văn phòng Điều phối" in r["Đơn vị chủ trì"] and "vpdp@vanquan.example" in r["Liên hệ"], r
assert not [r for r in rows if r["Mục"] == "MT.2"], "MT.2 was done"
PY

say "unknown options and missing values are errors"
for args in "report --from 2018-01-01 --to 2018-03-31 --xyz" "report --from 2018-01-01" \
    "report --from 2018-13-01 --to 2018-12-31" "overdue --html" "units --xyz" "progress extra" \
    "assignments --plan"; do
	if ctl $args >"$T/out" 2>"$T/err"; then fail "ntmctl $args passed"; fi
	[ -s "$T/err" ] || fail "ntmctl $args: no message"
done
echo "PASS"
