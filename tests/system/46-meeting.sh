#!/bin/sh
# A meeting set by a coordinator, end to end. Văn Quan's steering committee meets in
# "Tháng 3, 6, 9, 11": a tentative all-day placeholder until `ntmctl schedule` sets the
# day, the hours and the place. The subscribed feed then shows the same UID at 08:00
# +07:00 with SEQUENCE up (python-icalendar, ical.js and python3-recurring-ical-events
# agree), each unit in it has an invitation at the real SMTP server before the day's
# 07:30 round (Vietnamese date, place, an .ics of the same event), a move and a cancel
# do the same again, days off and days outside the month are refused, a reload keeps
# the schedule and a plan that moves the meeting to April drops it (log, ntmctl check,
# the units told). The desk does it too, for the coordination unit only.
. "$(dirname "$0")/test.common"

NOW=2018-03-05T06:00:00+07:00	# before the 07:30 round: any mail now is an invitation
export NTM_NOW=$NOW
write_config
start_smtpd
ctl sync >/dev/null 2>&1 || fail "sync"
item() {
	sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id
	    WHERE t.ref = '$1' AND o.period = '$2' AND o.status != 'cancelled'"
}
MARCH=$(item X.3 2018-03)
JUNE=$(item X.3 2018-06)
UID3="van-quan-2018/X.3/2018-03@ntmd"
start_ntmd "$NOW"
feed_url=$(ctl feed-url vpdp 2>/dev/null) || fail "feed-url vpdp"
plan_url=$(ctl feed-url --plan van-quan-2018 2>/dev/null) || fail "feed-url --plan"

# event NAME UID EXPR: EXPR over the event e of that UID in $T/NAME.json
event() {
	json "$T/$1.json" "[$3 for e in j['events'] if e['uid'] == '$2'][0]"
}
expanded() {
	grep "^$2 " "$T/$1.exp" | cut -d' ' -f2-
}

say "before: a tentative all-day placeholder on the month's first working day"
read_feed "$feed_url" before 2018-01-01 2019-02-01
assert_eq "$(event before "$UID3" "(e['status'], e['sequence'], e['allday'], e['start'])")" \
    "('TENTATIVE', 0, True, '2018-03-01')" "the placeholder"
assert_eq "$(expanded before "$UID3")" "2018-03-01 TENTATIVE 0" "the placeholder, expanded"

# invitations N SEQ [METHOD]: wait for N more mails than $seen; each an invitation of
# SEQUENCE SEQ with the .ics of $UID3, checked strictly, an iTIP METHOD (REQUEST unless
# given) with the recipient as ATTENDEE; their subjects into $T/subjects
seen=0
invitations() {
	want=$((seen + $1))
	wait_for "$1 invitations" 15 has_mails "$want"
	sleep 0.5
	assert_eq "$(mail_count)" "$want" "mails after the change (none but the invitations)"
	: >"$T/subjects"
	for f in $(ls "$SPOOL"/*.eml | sort | tail -n "$1"); do
		$PY "$TOOLS/check_mail.py" "$f" >"$T/mail.json" || fail "mail $f is malformed"
		json "$T/mail.json" 'j["subject"]' >>"$T/subjects"
		$PY -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1]))["ics"])' \
		    "$T/mail.json" >"$T/inv.ics"
		$PY "$TOOLS/check_ics.py" "$T/inv.ics" >"$T/inv.json" || fail "the .ics of $f"
		assert_eq "$(json "$T/inv.json" "[(e['uid'], e['sequence']) for e in j['events']]")" \
		    "[('$UID3', $2)]" "the invitation's event"
		assert_eq "$($PY -c 'import icalendar, json, sys
c = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
to = json.load(open(sys.argv[2]))["to_addrs"]
e = next(iter(c.walk("VEVENT")))
a = e.get("ATTENDEE")
a = [str(x) for x in (a if isinstance(a, list) else [a])]
print(str(c["METHOD"]), a == ["mailto:" + t for t in to], str(e["ORGANIZER"]))' "$T/inv.ics" "$T/mail.json")" \
		    "${3:-REQUEST} True mailto:ntm@vanquan.example" "the invitation's iTIP method and attendees"
		assert_contains "$(json "$T/mail.json" '[p["content_type"] for p in j["parts"]]')" \
		    "'text/calendar'" "the invitation inline"
		json "$T/mail.json" 'j["text"]' >"$T/inv.txt"
	done
	seen=$want
}

say "ntmctl schedule: 08:00 on Thursday 15/03/2018 in the hall"
ctl schedule "$MARCH" --date 2018-03-15 --time 08:00 --place "Hội trường UBND huyện" \
    --note "Các đơn vị mang báo cáo quý I" >"$T/out" 2>/dev/null || fail "schedule"
assert_contains "$(cat "$T/out")" "sequence 1; invitations to 2 units" "what schedule says"
invitations 2 1
assert_contains "$(cat "$T/subjects")" "Lịch họp: Họp Ban Chỉ đạo huyện - 8 giờ 00, thứ Năm, 15/03/2018" \
    "the invitation's subject"
assert_contains "$(cat "$T/inv.txt")" "Thời gian: 8 giờ 00, thứ Năm, 15/03/2018, đến 10 giờ 00" \
    "the invitation's time"
assert_contains "$(cat "$T/inv.txt")" "Địa điểm: Hội trường UBND huyện" "the invitation's place"
assert_contains "$(cat "$T/inv.txt")" "Ghi chú: Các đơn vị mang báo cáo quý I" "the note"
assert_eq "$(sql "SELECT group_concat(u.code || ':' || r.state, ' ') FROM reminder r JOIN unit u
    ON u.id = r.unit_id WHERE r.kind = 'invite-1' ORDER BY u.code")" \
    "bcd-huyen:sent vpdp:sent" "the invitations in the outbox"
read_feed "$feed_url" set 2018-01-01 2019-02-01
assert_eq "$(event set "$UID3" "(e['status'], e['sequence'], e['allday'], e['tzid'], e['start'], e['end'], e['utc'], e['location'])")" \
    "('CONFIRMED', 1, False, 'Asia/Ho_Chi_Minh', '2018-03-15T08:00:00', '2018-03-15T10:00:00', '2018-03-15T01:00:00Z', 'Hội trường UBND huyện')" \
    "the meeting in the unit's feed"
assert_eq "$(expanded set "$UID3")" "2018-03-15T01:00:00Z CONFIRMED 1" "the meeting, expanded"
grep -q "^DTSTART;TZID=Asia/Ho_Chi_Minh:20180315T080000" "$T/set.ics" || fail "DTSTART as written"
read_feed "$plan_url" plan 2018-01-01 2019-02-01
assert_eq "$(event plan "$UID3" "(e['status'], e['sequence'], e['utc'])")" \
    "('CONFIRMED', 1, '2018-03-15T01:00:00Z')" "the meeting in the plan's feed"

say "refused, and nothing changed: a Saturday, a day in April, an end before the start"
for args in "--date 2018-03-17 --time 08:00|a day off (thứ Bảy)" \
    "--date 2018-04-02 --time 08:00|outside item $MARCH's period, 2018-03-01 to 2018-03-31" \
    "--date 2018-03-16 --time 14:00 --end 13:00|must end after it starts"; do
	# shellcheck disable=SC2086
	ctl schedule "$MARCH" ${args%%|*} >/dev/null 2>"$T/err" && fail "schedule ${args%%|*} passed"
	assert_contains "$(cat "$T/err")" "${args#*|}" "why ${args%%|*} is refused"
done
assert_eq "$(sql "SELECT sequence || ' ' || day FROM occurrence WHERE id = $MARCH")" \
    "1 2018-03-15" "the meeting after the refusals"
assert_eq "$(sql "SELECT count(*) FROM reminder WHERE kind LIKE 'invite-%'")" 2 "no invitation"
ctl schedule 1 --date 2018-03-15 --time 08:00 >/dev/null 2>"$T/err" && fail "a deadline scheduled"
assert_contains "$(cat "$T/err")" "not a meeting" "scheduling a deadline"

say "moved to Friday 16/03 14:00-16:00: the same event, SEQUENCE 2, 'Thay đổi lịch họp'"
ctl schedule "$MARCH" --date 2018-03-16 --time 14:00 --end 16:00 \
    --place "Phòng họp số 2" >/dev/null 2>&1 || fail "moving"
invitations 2 2
assert_contains "$(cat "$T/subjects")" "Thay đổi lịch họp: Họp Ban Chỉ đạo huyện - 14 giờ 00, thứ Sáu, 16/03/2018" \
    "the move's subject"
assert_contains "$(cat "$T/inv.txt")" "lịch họp đã thay đổi" "the move's notice"
read_feed "$feed_url" moved 2018-01-01 2019-02-01
assert_eq "$(event moved "$UID3" "(e['status'], e['sequence'], e['utc'], e['end'], e['location'])")" \
    "('CONFIRMED', 2, '2018-03-16T07:00:00Z', '2018-03-16T16:00:00', 'Phòng họp số 2')" "the moved meeting"

say "a reload of the same plan keeps the schedule"
kill -HUP "$NTMD_PID"
wait_for "the reload" 10 grep -q "reloaded" "$T/ntmd.log"
read_feed "$feed_url" reloaded 2018-01-01 2019-02-01
assert_eq "$(event reloaded "$UID3" "(e['status'], e['sequence'], e['utc'])")" \
    "('CONFIRMED', 2, '2018-03-16T07:00:00Z')" "the meeting after the reload"

say "cancelled: STATUS:CANCELLED, SEQUENCE 3, still in the feed; then set again"
ctl schedule "$MARCH" --cancel --note "Trùng lịch họp của tỉnh" >/dev/null 2>&1 || fail "cancelling"
invitations 2 3 CANCEL
assert_contains "$(cat "$T/subjects")" "Hủy cuộc họp: Họp Ban Chỉ đạo huyện" "the cancel's subject"
assert_contains "$(cat "$T/inv.txt")" "Lý do hủy: Trùng lịch họp của tỉnh" "the cancel's reason"
grep -q "Phòng họp số 2" "$T/inv.txt" || fail "the cancel forgot where the meeting was to be"
grep -q "Ghi chú" "$T/inv.txt" && fail "the cancel shows the old note"
read_feed "$feed_url" cancelled 2018-01-01 2019-02-01
assert_eq "$(event cancelled "$UID3" "(e['status'], e['sequence'])")" "('CANCELLED', 3)" \
    "the cancelled meeting"
ctl schedule "$MARCH" --cancel >/dev/null 2>"$T/err" && fail "cancelled twice"
ctl schedule "$MARCH" --date 2018-03-20 --time 08:00 >/dev/null 2>&1 || fail "setting it again"
invitations 2 4
read_feed "$feed_url" again 2018-01-01 2019-02-01
assert_eq "$(event again "$UID3" "(e['status'], e['sequence'], e['utc'])")" \
    "('CONFIRMED', 4, '2018-03-20T01:00:00Z')" "the meeting set again"

say "the coordination office's March meeting, cancelled before the plan moves it too"
MARCH2=$(item X.2 2018-03)
ctl schedule "$MARCH2" --cancel >/dev/null 2>&1 || fail "cancelling X.2"
UID3="van-quan-2018/X.2/2018-03@ntmd"
invitations 2 1 CANCEL
UID3="van-quan-2018/X.3/2018-03@ntmd"

say "the plan moves the meeting to April: ntmctl check warns, the reload drops it"
sed 's/when    = "Tháng 3,6,9,11";/when    = "Tháng 4,6,9,11";/' "$TOP/calendars/van-quan-2018.conf" \
    >"$T/plan.conf"
[ "$(grep -c 'Tháng 4,6,9,11' "$T/plan.conf")" = 2 ] || fail "the plan's edit"
sed -i "s#^calendars = .*#calendars = [ \"$T/plan.conf\" ];#" "$T/ntmd.conf"
ctl check >"$T/check.out" 2>&1 || fail "ntmctl check: $(tail -3 "$T/check.out")"
grep -q "warning: task X.3: the meeting of 2018-03 set for 2018-03-20 08:00 (item $MARCH) is no longer in the plan" \
    "$T/check.out" || fail "ntmctl check does not warn: $(grep X.3 "$T/check.out")"
kill -HUP "$NTMD_PID"
wait_for "the drop in the log" 10 grep -q "its schedule (item $MARCH, 2018-03-20 08:00) is dropped" "$T/ntmd.log"
invitations 2 5 CANCEL
assert_contains "$(cat "$T/subjects")" "Hủy lịch họp: Họp Ban Chỉ đạo huyện" "the drop's subject"
assert_contains "$(cat "$T/inv.txt")" "kế hoạch đã đổi thời gian cuộc họp" "the drop's notice"
read_feed "$feed_url" dropped 2018-01-01 2019-02-01
assert_eq "$(event dropped "$UID3" "(e['status'], e['sequence'])")" "('CANCELLED', 5)" "the dropped meeting"
assert_eq "$(event dropped "van-quan-2018/X.3/2018-04@ntmd" "(e['status'], e['allday'])")" \
    "('TENTATIVE', True)" "April's placeholder"
ctl check >"$T/check.out" 2>&1 || fail "ntmctl check after the drop"
grep -q "warning: dropped at a load: plan van-quan-2018, task X.3" "$T/check.out" ||
    fail "ntmctl check does not tell of the drop"
assert_eq "$(sql "SELECT count(*) FROM meeting WHERE occurrence_id IN ($MARCH, $MARCH2)")" 0 \
    "the schedules' rows"
ctl schedule "$MARCH2" --date 2018-03-20 --time 08:00 >/dev/null 2>"$T/err" &&
    fail "a cancelled meeting no longer in the plan set again"
assert_contains "$(cat "$T/err")" "no longer in its plan" "why it is refused"

say "the desk: the coordination unit sets June's meeting; a department may not"
printf 'mật-khẩu-vpdp-2018\n' | ctl user add dieu.phoi --unit vpdp >/dev/null || fail "user add"
printf 'mật-khẩu-phòng-nn\n' | ctl user add phong.nn --unit phong-nnptnt >/dev/null || fail "user add"
BASE="http://127.0.0.1:$HTTP_PORT"
token() { grep -o 'name="csrf" value="[0-9a-f]*"' "$1" | head -n 1 | grep -o '[0-9a-f]\{64\}'; }
signin() {
	curl -s -c "$T/$1.jar" -b "$T/$1.jar" "$BASE/signin" -o "$T/signin.html" || fail "GET /signin"
	code=$(curl -s -c "$T/$1.jar" -b "$T/$1.jar" -o /dev/null -w '%{http_code}' \
	    --data-urlencode "csrf=$(token "$T/signin.html")" --data-urlencode "login=$1" \
	    --data-urlencode "password=$2" "$BASE/signin")
	assert_eq "$code" 303 "$1 signing in"
}
# post LOGIN FIELD=VALUE...: the item form of June's meeting; the code and redirect
post() {
	who=$1
	shift
	curl -s -b "$T/$who.jar" "$BASE/item?id=$JUNE" -o "$T/item.html" || fail "GET /item"
	for kv in "$@"; do printf '%s\n' "--data-urlencode" "$kv"; done >"$T/args"
	# shellcheck disable=SC2046
	(IFS='
' && curl -s -b "$T/$who.jar" -o "$T/posted.html" -w '%{http_code} %{redirect_url}' \
	    --data-urlencode "csrf=$(token "$T/item.html")" --data-urlencode "id=$JUNE" \
	    $(cat "$T/args") "$BASE/item")
}
signin dieu.phoi mật-khẩu-vpdp-2018
signin phong.nn mật-khẩu-phòng-nn
curl -s -b "$T/dieu.phoi.jar" "$BASE/item?id=$JUNE" -o "$T/item.html"
grep -q "Chưa ấn định ngày họp" "$T/item.html" || fail "the meeting's page: no schedule shown"
grep -q 'name="action" value="schedule"' "$T/item.html" || fail "no schedule form for the coordinator"
curl -s -b "$T/phong.nn.jar" "$BASE/item?id=$JUNE" -o "$T/item2.html"
grep -q 'value="schedule"' "$T/item2.html" && fail "a department is offered the schedule form"
code=$(post phong.nn action=schedule date=2018-06-14 start=08:00)
assert_eq "$code" "403 " "a department scheduling"
code=$(post dieu.phoi action=schedule date=2018-06-16 start=08:00)
assert_eq "$code" "400 " "a Saturday on the desk"
grep -q "Ngày 16/06/2018 là ngày nghỉ (thứ Bảy)" "$T/posted.html" || fail "the desk's refusal"
assert_eq "$(sql "SELECT sequence || ' ' || tentative FROM occurrence WHERE id = $JUNE")" "1 1" \
    "June's meeting after the refusals"
code=$(post dieu.phoi action=schedule date=2018-06-14 start=08:30 end=11:00 \
    "place=Hội trường UBND huyện" "note=Sơ kết 6 tháng")
assert_eq "$code" "303 $BASE/item?id=$JUNE&invited=2" "scheduling on the desk"
UID3="van-quan-2018/X.3/2018-06@ntmd"
invitations 2 2
assert_contains "$(cat "$T/subjects")" "Lịch họp: Họp Ban Chỉ đạo huyện - 8 giờ 30, thứ Năm, 14/06/2018" \
    "the desk's invitation"
read_feed "$plan_url" desk 2018-01-01 2019-02-01
assert_eq "$(event desk "$UID3" "(e['status'], e['sequence'], e['utc'], e['location'])")" \
    "('CONFIRMED', 2, '2018-06-14T01:30:00Z', 'Hội trường UBND huyện')" "the desk's meeting"
curl -s -b "$T/dieu.phoi.jar" "$BASE/item?id=$JUNE&invited=2" -o "$T/item.html"
grep -q "Đã xếp lịch: <b>8 giờ 30, thứ Năm, 14/06/2018</b>, đến 11 giờ 00" "$T/item.html" ||
    fail "the page after scheduling"
assert_eq "$(sql "SELECT actor || ' ' || action FROM audit WHERE occurrence_id = $JUNE ORDER BY id DESC LIMIT 1")" \
    "dieu.phoi meeting-set" "the audit row"

say "the plan says the meeting is by the 10th of each month: June's 14/06 no longer fits"
sed -i 's/when    = "Tháng 4,6,9,11";/when    = "ngày 10 hàng tháng";/' "$T/plan.conf"
ctl check >"$T/check.out" 2>&1 || fail "ntmctl check: $(tail -3 "$T/check.out")"
grep -q "(item $JUNE) is no longer in the plan, or not on that day" "$T/check.out" ||
    fail "ntmctl check does not warn of June: $(grep X.3 "$T/check.out")"
kill -HUP "$NTMD_PID"
wait_for "June's drop in the log" 10 grep -q "the meeting of 2018-06 is now 2018-06-01 to 2018-06-10; its schedule (item $JUNE, 2018-06-14 08:30) is dropped" "$T/ntmd.log"
invitations 2 3 CANCEL
assert_contains "$(cat "$T/subjects")" "Hủy lịch họp: Họp Ban Chỉ đạo huyện" "June's drop"
read_feed "$plan_url" tenth 2018-01-01 2019-02-01
assert_eq "$(event tenth "$UID3" "(e['status'], e['sequence'], e['start'])")" \
    "('TENTATIVE', 3, '2018-06-01')" "June's meeting a placeholder again"
stop_ntmd
echo "PASS"
