#!/bin/sh
# A plan's deadlines and meetings reach a subscribed calendar and a real mailbox:
# ntmd under NTM_NOW against aiosmtpd, the feed read by ical.js and python-icalendar,
# the mail read by Python's email package, then "ntmctl done" stops the reminders.
. "$(dirname "$0")/test.common"

write_config
start_smtpd

say "a week before the March deadlines, seconds before send_at"
# "Tháng 3" ends on Saturday 31/03/2018, so the deadlines end on Monday 02/04
# (Bộ luật Dân sự 2015 Điều 148 khoản 5), and a week before is Monday 26/03.
start_ntmd 2018-03-26T07:29:57+07:00
# One mail a unit, the catch-up at start and the 07:30 round together: VPĐP gets the
# January item (II.2, overdue) and the lead-7 reminders of II.1 and III.1, Phòng TC-KH
# II.1, and the Ban Chỉ đạo, which directs II.2, hears that VPĐP is late with it.
wait_for "three mails" 20 has_mails 3
sleep 2
assert_eq "$(mail_count)" 3 "mails after the first send_at"

for n in 0001 0002 0003; do
	$PY "$TOOLS/check_mail.py" "$SPOOL/$n.eml" >"$T/$n.json" || fail "mail $n is malformed"
done
tckh=$(grep -l '"tckh@vanquan.example"' "$SPOOL"/*.json | head -n 1)
[ -n "$tckh" ] || fail "no mail to Phòng TC-KH"
m="$T/$(basename "$tckh" .json).json"
assert_eq "$(json "$m" 'j["auto_submitted"]')" auto-generated "Auto-Submitted"
assert_contains "$(json "$m" 'j["subject"]')" "Nhắc hạn 02/04/2018 (còn 7 ngày): Xây dựng kế hoạch và giao vốn" "subject"
assert_contains "$(json "$m" 'j["text"]')" "Hạn: thứ Hai, 02/04/2018 (còn 7 ngày)" "text body"
assert_contains "$(json "$m" 'j["text"]' | tr '\n' ' ' | tr -s ' ')" "(kế hoạch ghi 31/03/2018, là ngày nghỉ; hạn chuyển sang ngày làm việc tiếp theo theo khoản 5 Điều 148 Bộ luật Dân sự 2015)" "why the deadline moved"
assert_contains "$(json "$m" 'j["text"]')" "Thời gian theo kế hoạch: Tháng 3" "text body"
assert_contains "$(json "$m" 'j["html"]')" "Xây dựng kế hoạch và giao vốn" "html body"
assert_eq "$(json "$m" 'j["to_addrs"]')" "['tckh@vanquan.example']" "To"
# RFC 2047 §6.2 decoding of the display name (Python's phrase parser keeps the
# folding space between encoded-words; email.header follows the RFC).
to_name=$($PY -c 'import sys,email.header as h,email
m=email.message_from_binary_file(open(sys.argv[1],"rb"))
print(str(h.make_header(h.decode_header(m["To"].split(" <")[0]))))' "$SPOOL/$(basename "$tckh" .json).eml")
assert_eq "$to_name" "Phòng Tài chính - Kế hoạch" "To display name"
json "$m" 'j["ics"]' >"$T/attached.ics.txt"
$PY -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["ics"])' "$m" >"$T/attached.ics"
node "$TOOLS/check_ics.mjs" "$T/attached.ics" >"$T/attached.json" || fail "attachment rejected by ical.js"
assert_eq "$(json "$T/attached.json" '[e["uid"] for e in j["events"]]')" "['van-quan-2018/II.1/2018-03@ntmd']" "attachment events"
grep -q '^ORGANIZER:mailto:ntm@vanquan.example' "$T/attached.ics" || fail "attachment without ORGANIZER"
grep -q '^METHOD:PUBLISH' "$T/attached.ics" || fail "attachment without METHOD:PUBLISH"

say "the coordination office subscribes to its feed"
url=$(NTM_NOW=2018-03-26T07:31:00+07:00 ctl feed-url VPĐP)
assert_contains "$url" "http://127.0.0.1:$HTTP_PORT/feeds/" "feed URL"
curl -sf -D "$T/headers" -o "$T/feed.ics" "$url" || fail "GET $url"
grep -qi '^content-type: text/calendar; charset=utf-8' "$T/headers" || fail "content type"
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' "$T/headers" | tr -d '\r')
[ -n "$etag" ] || fail "no ETag"
node "$TOOLS/check_ics.mjs" "$T/feed.ics" >"$T/feed.js.json" || fail "ical.js rejects the feed"
$PY "$TOOLS/check_ics.py" "$T/feed.ics" >"$T/feed.py.json" || fail "python-icalendar rejects the feed"
cmp -s "$T/feed.js.json" "$T/feed.py.json" || fail "ical.js and python-icalendar read the feed differently"
meetings=$(json "$T/feed.js.json" '[(e["start"], e["status"]) for e in j["events"] if "/X.3/" in e["uid"]]')
# The first working day of each month; Monday 3/9/2018 was the day off for Quốc khánh.
assert_eq "$meetings" "[('2018-03-01', 'TENTATIVE'), ('2018-06-01', 'TENTATIVE'), ('2018-09-04', 'TENTATIVE'), ('2018-11-01', 'TENTATIVE')]" "steering-committee meetings"
assert_contains "$(json "$T/feed.js.json" 'j["calname"]')" "Văn phòng Điều phối" "calendar name"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url")
assert_eq "$code" 304 "conditional GET with the ETag"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/feeds/00000000000000000000000000000000/vpdp.ics")
assert_eq "$code" 404 "a wrong token"
code=$(curl -s -o /dev/null -w '%{http_code}' "$(echo "$url" | sed 's/vpdp.ics$/phong-tckh.ics/')")
assert_eq "$code" 404 "another unit's feed with this token"

say "Phòng TC-KH reports II.1 done"
id=$(sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id WHERE t.ref = 'II.1'")
NTM_NOW=2018-03-26T10:00:00+07:00 ctl done "$id" --note "Đã giao vốn" >/dev/null || fail "ntmctl done"
curl -sf -o "$T/feed2.ics" "$url" || fail "GET feed after done"
node "$TOOLS/check_ics.mjs" "$T/feed2.ics" >"$T/feed2.json" || fail "ical.js rejects the feed after done"
done_ev=$(json "$T/feed2.json" '[(e["summary"], e["sequence"]) for e in j["events"] if "/II.1/" in e["uid"]]')
assert_eq "$done_ev" "[('[Đã hoàn thành] Hạn: Xây dựng kế hoạch và giao vốn thực hiện Chương trình năm 2018', 1)]" "done item in the feed"
assert_contains "$(json "$T/feed2.json" '[e["description"] for e in j["events"] if "/II.1/" in e["uid"]][0]')" "đã hoàn thành ngày 26/03/2018 (Đã giao vốn)" "done note"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url")
assert_eq "$code" 200 "the old ETag after a change"
stop_ntmd

say "four days later, after a restart: III.1 is reminded, II.1 (done) is not"
# The day before Monday 02/04 is a Sunday: the lead-1 reminder goes out on Friday.
start_ntmd 2018-03-30T07:29:58+07:00
# II.2, overdue since January, comes back every 3 working days (Thursday 29/03, missed
# while ntmd was stopped, so now): to VPĐP with III.1, and to the Ban Chỉ đạo again.
wait_for "the lead-1 mail" 15 has_mails 5
sleep 3
assert_eq "$(mail_count)" 5 "mails after the restart"
vpdp=$(grep -l '"rcpt_tos": \["vpdp@vanquan.example"\]' "$SPOOL"/0004.json "$SPOOL"/0005.json)
[ -n "$vpdp" ] || fail "no second mail to VPĐP"
$PY "$TOOLS/check_mail.py" "${vpdp%.json}.eml" >"$T/vpdp2.json" || fail "VPĐP's mail is malformed"
assert_contains "$(json "$T/vpdp2.json" 'j["text"]')" "Kiểm tra, đôn đốc thực hiện Chương trình" "lead-1 mail"
assert_contains "$(json "$T/vpdp2.json" 'j["text"]')" "[QUÁ HẠN] Xây dựng kế hoạch thực hiện Chương trình năm 2018" "the overdue item again"
case "$(json "$T/vpdp2.json" 'j["text"]')" in
*"giao vốn"*) fail "a reminder for the done item II.1 was sent" ;;
esac
sent=$(sql "SELECT group_concat(code || ':' || kind || ':' || state, ' ') FROM (SELECT u.code, r.kind, r.state FROM reminder r JOIN unit u ON u.id = r.unit_id WHERE r.occurrence_id = $id ORDER BY u.code, r.fire_at)")
assert_eq "$sent" "bcd-huyen:escalate-1:cancelled phong-tckh:lead-7:sent phong-tckh:lead-1:cancelled phong-tckh:due:cancelled phong-tckh:overdue:cancelled vpdp:lead-7:sent vpdp:lead-1:cancelled vpdp:due:cancelled vpdp:overdue:cancelled" "II.1 reminders: the lead-7s before done, none after"
stop_ntmd
echo "ok"
