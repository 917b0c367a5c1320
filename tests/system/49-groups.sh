#!/bin/sh
# A commune head subscribes to one feed and sees everything the commune must do: what
# the plan gives "UBND các xã", "BCĐ xã", "BQL xã" (groups the commune belongs to, in
# the plan file) as well as its own target; a group that is not one is an error with
# file and line, and changes nothing.
. "$(dirname "$0")/test.common"

write_config
export NTM_NOW=2018-03-26T08:00:00+07:00
ctl sync >/dev/null 2>&1 || fail "sync"
ctl feed xa-van-an >"$T/van-an.ics" 2>/dev/null || fail "feed xa-van-an"
$PY "$TOOLS/check_ics.py" "$T/van-an.ics" >"$T/van-an.json" || fail "the feed"
# what the feed must hold: the commune's own tasks and those of its groups
want=$(sql "SELECT count(*) FROM occurrence o WHERE o.status != 'cancelled' AND o.task_id IN
    (SELECT tu.task_id FROM task_unit tu JOIN unit u ON u.id = tu.unit_id WHERE u.code IN
    ('xa-van-an', 'ubnd-xa', 'bcd-xa', 'bql-xa', 'dang-uy-chinh-quyen-doan-the-xa', 'bcd-xa-ve-dich'))")
[ "$want" -gt 5 ] || fail "the plan gives the commune collectives $want items only"
assert_eq "$(json "$T/van-an.json" 'len(j["events"])')" "$want" "Xã Văn An's events"
assert_contains "$(json "$T/van-an.json" '[e["summary"] for e in j["events"]]')" "Xã Văn An đạt tiêu chí 5, 6" "its own target"
assert_contains "$(json "$T/van-an.json" '[e["description"] for e in j["events"] if "II.2" in e["description"]][0]')" \
    "Ủy ban nhân dân các xã" "II.2 (UBND các xã) in Văn An's feed, with the group's name"
# Vân Mộng is not one of the communes already "về đích": not in BCĐ về đích's items
ctl feed xa-van-mong >"$T/van-mong.ics" 2>/dev/null || fail "feed xa-van-mong"
[ "$(grep -c '^BEGIN:VEVENT' "$T/van-mong.ics")" -le "$(grep -c '^BEGIN:VEVENT' "$T/van-an.ics")" ] ||
    fail "Vân Mộng has more than Văn An"
assert_eq "$(sql "SELECT count(*) FROM unit_group g JOIN unit m ON m.id = g.member_id JOIN unit u ON u.id = g.group_id WHERE u.code = 'ubnd-xa'")" 23 "communes in UBND các xã"

say "a group that is not a unit of kind group"
sed 's/groups = \[ "ubnd-xa", "bcd-xa", "bql-xa", "dang-uy-chinh-quyen-doan-the-xa" \]; }, *$/groups = [ "vpdp" ]; },/' \
    "$TOP/calendars/van-quan-2018.conf" >"$T/bad.conf"
line=$(grep -n 'groups = \[ "vpdp" \]' "$T/bad.conf" | head -n 1 | cut -d: -f1)
[ -n "$line" ] || fail "no bad group written"
sqlite3 "$T/ntmd.db" .dump >"$T/before.sql"
CALENDARS="$T/bad.conf" write_config
if ctl sync >"$T/out" 2>"$T/err"; then fail "sync took a bad group"; fi
unit_line=$(awk -v l="$line" 'NR <= l && /\{ code = "xa-/ { n = NR } END { print n }' "$T/bad.conf")
assert_contains "$(cat "$T/err")" "bad.conf:$unit_line: group \"vpdp\" of unit" "the error's file:line"
sqlite3 "$T/ntmd.db" .dump | cmp -s - "$T/before.sql" || fail "a refused plan changed the database"
echo "PASS"
