#!/bin/sh
# Follow and urge (theo dõi, đôn đốc) over two simulated weeks of NTM_NOW: an overdue
# item comes back to its lead every 3 working days until it is done, the directing unit
# hears of it after 5 working days overdue and again every 3, nobody gets two mails a
# day; ntmd started at 07:29:57 with all five plans sends each unit one mail; Tân
# Thạnh's monthly report reaches the units that owe it.
. "$(dirname "$0")/test.common"

write_config
start_smtpd

# run_day YYYY-MM-DD — ntmd runs that morning until the 07:30 round is sent and recorded.
run_day() {
	start_ntmd "$1T07:29:57+07:00"
	round=$(sql "SELECT strftime('%s', '$1 00:30:00')")
	wait_for "the round of $1" 20 round_done "$round"
	stop_ntmd
}
round_done() {
	[ "$(sql "SELECT count(*) FROM reminder WHERE state IN ('pending', 'sending') AND max(fire_at, next_try) <= $1")" = 0 ]
}

# mails — one line a mail: "day recipient [QUÁ HẠN]-items-of-II.1 late-units-listed";
# fails if a mail went out before send_at (the catch-up at 07:29:57 waits for the round).
mails() {
	$PY - "$SPOOL" <<'PY'
import email, email.policy, email.utils, glob, json, os, sys, zoneinfo
zone = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
for eml in sorted(glob.glob(os.path.join(sys.argv[1], "*.eml"))):
    m = email.message_from_binary_file(open(eml, "rb"), policy=email.policy.default)
    meta = json.load(open(eml[:-4] + ".json"))
    when = email.utils.parsedate_to_datetime(m["Date"]).astimezone(zone)
    day = when.date()
    if when.strftime("%H:%M") < "07:30":
        sys.exit("%s: sent at %s, before send_at" % (eml, when))
    text = m.get_body(("plain",)).get_content()
    own = "II.1-overdue" if "[QUÁ HẠN] Xây dựng kế hoạch và giao vốn" in text else "-"
    late = "late:" + ",".join(l[2:].split(" (")[0] for l in text.splitlines()
                              if l.startswith("* ") and "Đơn vị chậm thực hiện" in text) or "-"
    print(day.isoformat(), ",".join(meta["rcpt_tos"]), own, late)
PY
}

say "II.1 is due Monday 02/04/2018 and nobody reports it done"
# The plan as the office would complete it: VPĐP's phone and postal address.
sed 's|    emails = \[ "vpdp@vanquan.example" \];|&\n    phone = "0205 3830 123";\n    address = "Khối 1, thị trấn Văn Quan, Lạng Sơn";|' \
    "$TOP/calendars/van-quan-2018.conf" >"$T/van-quan-2018.conf"
cmp -s "$T/van-quan-2018.conf" "$TOP/calendars/van-quan-2018.conf" && fail "the plan was not completed"
CALENDARS="$T/van-quan-2018.conf" write_config
NTM_NOW=2018-03-20T10:00:00+07:00 ctl sync >/dev/null
for d in 2018-04-03 2018-04-04 2018-04-05 2018-04-06 2018-04-09 2018-04-10 2018-04-11 \
    2018-04-12 2018-04-13 2018-04-16 2018-04-17; do
	run_day "$d"
done
mails >"$T/mails" || fail "a mail before 07:30"
cat "$T/mails"
twice=$(cut -d' ' -f1,2 "$T/mails" | sort | uniq -d)
assert_eq "$twice" "" "a unit mailed twice on one day"
assert_eq "$(awk '$2 == "tckh@vanquan.example" && $3 == "II.1-overdue" { print $1 }' "$T/mails" | tr '\n' ' ')" \
    "2018-04-03 2018-04-06 2018-04-11 2018-04-16 " "II.1 overdue to Phòng TC-KH: first, then every 3 working days"
assert_eq "$(grep '^[^ ]* bcd@vanquan.example .*Phòng Tài chính - Kế hoạch' "$T/mails" | cut -d' ' -f1 | tr '\n' ' ')" \
    "2018-04-09 2018-04-12 2018-04-17 " "the Ban Chỉ đạo hears after 5 working days, then every 3"
bcd=$(grep -l '"rcpt_tos": \["bcd@vanquan.example"\]' "$SPOOL"/*.json | tail -n 1)
$PY "$TOOLS/check_mail.py" "${bcd%.json}.eml" >"$T/bcd.json" || fail "the escalation is malformed"
text=$(json "$T/bcd.json" 'j["text"]')
assert_contains "$text" "* Phòng Tài chính - Kế hoạch (tckh@vanquan.example)" "the late unit and its contact"
assert_contains "$text" "[QUÁ HẠN] hạn chót 02/04/2018, đã quá 15 ngày" "days overdue"
assert_contains "$(json "$T/bcd.json" 'j["html"]')" "[QUÁ HẠN]" "the label in the HTML"
assert_eq "$(json "$T/bcd.json" 'j["reply_to"]')" "vpdp@vanquan.example" "Reply-To the coordination office"
assert_contains "$(echo "$text" | tr '\n' ' ')" "Cần trao đổi, xin liên hệ Văn phòng Điều phối Chương trình MTQG xây dựng nông thôn mới huyện Văn Quan; điện thoại: 0205 3830 123; địa chỉ: Khối 1, thị trấn Văn Quan, Lạng Sơn; thư điện tử: vpdp@vanquan.example." "the coordination office's contact"
vpdp=$(grep -l '"rcpt_tos": \["vpdp@vanquan.example"\]' "$SPOOL"/*.json | tail -n 1)
$PY "$TOOLS/check_mail.py" "${vpdp%.json}.eml" >"$T/vpdp.json" || fail "VPĐP's mail is malformed"
assert_eq "$(json "$T/vpdp.json" 'j["reply_to"]')" "None" "VPĐP's own mail has no Reply-To"
case "$(json "$T/vpdp.json" 'j["text"]')" in
*"xin liên hệ"*) fail "VPĐP is told to ask itself" ;;
esac
json "$T/vpdp.json" 'j["text"]' | grep -E '^ +[^ ][^:]*: *$' && fail "an empty field in VPĐP's mail"

say "17/04: the plan puts II.1's latest day off to Friday 20/04, and Xã Văn An gets an address"
# Overdue again from Monday 23/04: the overdue mail and its repeats come back. Văn An
# (MT.2, whose reminders VPĐP had in its stead) is now told itself.
sed -e 's|        when    = "Tháng 3";|&\n        latest  = "chậm nhất 20/04/2018";|' \
    -e 's|    aliases = \[ "Văn An", "xã Văn An" \];$|&  emails = [ "vanan@vanquan.example" ];|' \
    "$T/van-quan-2018.conf" >"$T/put-off.conf"
[ "$(diff "$T/van-quan-2018.conf" "$T/put-off.conf" | grep -c '^>')" = 2 ] || fail "the plan was not changed as meant"
cp "$T/put-off.conf" "$T/van-quan-2018.conf"
NTM_NOW=2018-04-17T16:00:00+07:00 ctl sync >/dev/null
before=$(mail_count)
for d in 2018-04-18 2018-04-19 2018-04-20 2018-04-23; do
	run_day "$d"
done
mails | tail -n "+$((before + 1))" >"$T/put-off"
cat "$T/put-off"
assert_eq "$(awk '$2 == "tckh@vanquan.example" && $3 == "II.1-overdue" { print $1 }' "$T/put-off" | tr '\n' ' ')" \
    "2018-04-23 " "II.1 overdue again only once past its new latest day"
assert_eq "$(grep -c '^[^ ]* bcd@vanquan.example .*Phòng Tài chính - Kế hoạch' "$T/put-off" || true)" 0 "the Ban Chỉ đạo told of II.1 before it is 5 working days past 20/04"
grep -q '^2018-04-18 vanan@vanquan.example ' "$T/put-off" || fail "Xã Văn An not told of MT.2 itself"
vpdp=$(grep -l '"rcpt_tos": \["vpdp@vanquan.example"\]' "$SPOOL"/*.json | tail -n 1)
$PY "$TOOLS/check_mail.py" "${vpdp%.json}.eml" >"$T/vpdp3.json" || fail "VPĐP's mail is malformed"
# VPĐP, the coordination unit, now hears of Văn An as a late unit, not in its stead
text=$(json "$T/vpdp3.json" 'j["text"]')
case "$text" in
*"Chưa có người nhận: đơn vị chủ trì (Xã Văn An)"*) fail "VPĐP still stands in for Văn An" ;;
esac
assert_contains "$text" "* Xã Văn An (vanan@vanquan.example)" "Văn An among the late units in VPĐP's mail"

say "done on 24/04: it stops coming back"
id=$(sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id WHERE t.ref = 'II.1'")
NTM_NOW=2018-04-24T10:00:00+07:00 ctl done "$id" >/dev/null
before=$(mail_count)
for d in 2018-04-26 2018-04-27 2018-05-02; do
	run_day "$d"
done
mails | tail -n "+$((before + 1))" >"$T/after"
cat "$T/after"
assert_eq "$(grep -c 'II.1-overdue\|Phòng Tài chính - Kế hoạch' "$T/after" || true)" 0 "II.1 after it was done"
assert_eq "$(sql "SELECT count(*) FROM reminder WHERE occurrence_id = $id AND state = 'pending'")" 0 "II.1 reminders pending"

say "all five plans, ntmd started at 07:29:57: one mail a unit"
rm -f "$SPOOL"/*.eml "$SPOOL"/*.json "$T"/ntmd.db*
CALENDARS="$TOP/calendars/*.conf" write_config
NTM_NOW=2024-01-02T07:00:00+07:00 ctl sync >/dev/null
run_day 2024-01-02
mails >"$T/all"
[ -s "$T/all" ] || fail "no mail on 02/01/2024"
assert_eq "$(cut -d' ' -f2 "$T/all" | sort | uniq -d)" "" "a unit mailed twice"

say "Tân Thạnh's monthly report reaches the units that owe it"
# "Báo cáo định kỳ vào ngày 10 hàng tháng … cho Ban quản lý (Đ/c Phạm Thị Kim Ngân)":
# Friday 10/03/2023, the lead-1 reminder on Thursday 09/03.
rm -f "$SPOOL"/*.eml "$SPOOL"/*.json "$T"/ntmd.db*
NTM_NOW=2023-03-01T07:00:00+07:00 ctl sync >/dev/null
run_day 2023-03-09
owing=$(sql "SELECT group_concat(e.address, ' ') FROM task t JOIN plan p ON p.id = t.plan_id JOIN task_unit tu ON tu.task_id = t.id AND tu.role = 'lead' JOIN unit_email e ON e.unit_id = tu.unit_id WHERE p.code = 'tan-thanh-2023' AND t.ref = 'IV.2'")
[ -n "$owing" ] || fail "Tân Thạnh's monthly report has no lead with an address"
for a in $owing; do
	f=$(grep -l "\"rcpt_tos\": \[\"$a\"\]" "$SPOOL"/*.json) || fail "no mail to $a"
	$PY "$TOOLS/check_mail.py" "${f%.json}.eml" >"$T/report.json" || fail "mail to $a malformed"
	text=$(json "$T/report.json" 'j["text"]')
	assert_contains "$text" "Báo cáo tháng" "the monthly report in $a's mail"
	assert_contains "$text" "Hạn: thứ Sáu, 10/03/2023 (còn 1 ngày)" "its due day"
	assert_contains "$text" "Chậm nhất: thứ Tư, 15/03/2023" "its latest day"
	assert_contains "$text" "Gửi báo cáo cho: Phạm Thị Kim Ngân" "whom it goes to"
	assert_contains "$text" "Kế hoạch 249/KH-BQL, mục IV.2" "the plan's own item code"
done
echo ok
