#!/bin/sh
# An officer on a phone reports an item done from the mail, in a real browser: Debian's
# chromium, driven by playwright-core (tests/tools/browser_done.mjs). The mail reads at
# phone width; its link opens the item and changes nothing; the form, filled in and
# clicked, marks the item done with its audit row, and the feed shows it; a reload says
# it was done already and changes nothing; a tampered link gets a Vietnamese 403. No
# page says anything on the console, and the pages' CSP blocks none of their own styling.
. "$(dirname "$0")/test.common"

CHROMIUM=$(command -v chromium) || fail "no chromium (make test-deps installs it)"
export CHROMIUM
TITLE="Xây dựng kế hoạch và giao vốn thực hiện Chương trình năm 2018"
# A long note (1,640 characters, 2,440 bytes: the form's limit counts characters) and a
# long link, which must wrap on a phone.
NOTE=$(for i in $(seq 40); do printf 'Đã giao vốn theo Quyết định 123/QĐ-UBND. '; done | sed 's/ $//')
PRODUCT="https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/view?usp=sharing"

write_config
start_smtpd
# As in 10-end-to-end: one mail a unit at 07:30 on 26/03/2018, Phòng TC-KH's with II.1,
# due 02/04. The browser starts while ntmd waits for 07:30.
start_ntmd 2018-03-26T07:29:50+07:00

start_browser browser_done.mjs
# step NAME ARGS... — one step in the browser (test.common's browser_step).
step() {
	browser_step "$@"
}
# page STATUS WHAT — the page the browser shows has STATUS, is in Vietnamese, laid out at
# the phone's width with nothing wider, with its own stylesheet applied.
page() {
	assert_eq "$(got 'j["status"]')" "$1" "$2: status"
	assert_eq "$(got 'j["lang"]')" vi "$2: language"
	assert_eq "$(got 'j["inner_width"]')" 390 "$2: laid out at the phone's width"
	assert_eq "$(got 'j["scroll_width"] <= j["inner_width"]')" True "$2: wider than the phone ($(got 'j["scroll_width"]') px)"
	assert_eq "$(got 'j["styled"]')" True "$2: its stylesheet applied"
}
dump() { sqlite3 "$T/ntmd.db" .dump; }
same_db() {
	dump >"$T/now.sql"
	cmp -s "$T/before.sql" "$T/now.sql" || fail "$1 changed the database: $(diff "$T/before.sql" "$T/now.sql" | head -20)"
}

say "Phòng TC-KH's mail on a phone"
tckh_mail() {
	tckh=$(grep -l '"tckh@vanquan.example"' "$SPOOL"/*.json) && test -f "${tckh%.json}.eml"
}
wait_for "Phòng TC-KH's mail" 20 tckh_mail
tckh_mail
$PY "$TOOLS/check_mail.py" "${tckh%.json}.eml" >"$T/mail.json" || fail "the mail is malformed"
json "$T/mail.json" 'j["html"]' >"$T/mail.html"
step mail "$T/mail.html" "$TITLE"
assert_eq "$(got 'j["label"]')" "[SẮP ĐẾN HẠN]" "the item's label"
assert_eq "$(got 'j["label_visible"]')" True "the label visible"
assert_eq "$(got 'j["link_visible"]')" True "the done link visible"
assert_eq "$(got 'j["link_fits"]')" True "the done link within the screen"
assert_eq "$(got 'j["scroll_width"] <= j["inner_width"] == 390')" True "the mail wider than the phone ($(got 'j["scroll_width"]') px)"
link=$(got 'j["href"]')
id=$(sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id WHERE t.ref = 'II.1'")
assert_contains "$link" "http://127.0.0.1:$HTTP_PORT/done/$id." "the done link of II.1"

say "the link opens the item and changes nothing"
# Every mail of the round recorded as sent: from here on ntmd writes only what it is asked.
recorded() {
	[ "$(sql "SELECT count(*) FROM mailed")" = 3 ] &&
	    [ "$(sql "SELECT count(*) FROM reminder WHERE state = 'sending'")" = 0 ]
}
wait_for "the round's three mails recorded" 20 recorded
export NTM_NOW=2018-03-26T07:31:00+07:00
feed=$(ctl feed-url phong-tckh 2>/dev/null)
curl -sf -o "$T/feed1.ics" "$feed" || fail "GET the feed"
dump >"$T/before.sql"
step open phone "$link"
page 200 "the item"
assert_eq "$(got 'j["h1"]')" "Báo hoàn thành công việc" "heading"
assert_contains "$(got 'j["body"]')" "$TITLE" "the item's title"
assert_eq "$(got 'j["facts"]["Kế hoạch"].splitlines()[0]')" "Kế hoạch 15/KH-UBND, mục II.1" "plan and item"
assert_eq "$(got 'j["facts"]["Hạn"]')" "thứ Hai, 02/04/2018" "due day"
assert_eq "$(got 'j["state"]')" "Sắp đến hạn (còn 7 ngày)" "state"
assert_eq "$(got 'j["facts"]["Chủ trì"]')" "Văn phòng Điều phối Chương trình MTQG xây dựng nông thôn mới huyện Văn Quan; Phòng Tài chính - Kế hoạch" "lead units"
assert_eq "$(got 'j["facts"]["Phối hợp"]')" "Các cơ quan liên quan" "support units"
assert_eq "$(got 'j["form"]')" True "the form"
assert_contains "$(got 'j["body"]')" "Báo hoàn thành thay mặt Phòng Tài chính - Kế hoạch." "on whose behalf"
same_db "opening the link"

say "the form, filled in and clicked: done"
step submit phone "$NOTE" "$PRODUCT"
page 200 "the confirmation"
assert_eq "$(got 'j["method"]')" POST "the form's request"
assert_eq "$(got 'j["url"]')" "$link" "the confirmation's address"
assert_contains "$(got 'j["notice"]')" "Đã ghi nhận hoàn thành" "confirmation"
assert_contains "$(got 'j["notice"]')" "Cảm ơn. Việc đã được ghi nhận hoàn thành ngày 26/03/2018" "confirmation text"
assert_eq "$(got 'j["state"]')" "Đã hoàn thành ngày 26/03/2018 (Phòng Tài chính - Kế hoạch báo)" "state after"
assert_eq "$(got 'j["facts"]["Ghi chú"]')" "$NOTE" "the note on the page"
assert_eq "$(got 'j["facts"]["Sản phẩm"]')" "$PRODUCT" "the product on the page"
assert_eq "$(got 'j["form"]')" False "a form for a done item"
assert_eq "$(sql "SELECT status, done_by, note, done_link FROM occurrence WHERE id = $id")" "done|phong-tckh|$NOTE|$PRODUCT" "the item"
assert_eq "$(sql "SELECT count(*) FROM reminder WHERE occurrence_id = $id AND state = 'pending'")" 0 "pending reminders"
assert_eq "$(sql "SELECT a.actor, u.code, a.remote, a.note, a.link FROM audit a JOIN unit u ON u.id = a.unit_id WHERE a.action = 'done' AND a.occurrence_id = $id")" "phong-tckh|phong-tckh|127.0.0.1|$NOTE|$PRODUCT" "audit row"

say "the feed shows it done, SEQUENCE raised"
curl -sf -o "$T/feed2.ics" "$feed" || fail "GET the feed after done"
node "$TOOLS/check_ics.mjs" "$T/feed1.ics" >"$T/feed1.json" || fail "ical.js rejects the feed"
node "$TOOLS/check_ics.mjs" "$T/feed2.ics" >"$T/feed2.json" || fail "ical.js rejects the feed after done"
ev='[e for e in j["events"] if "/II.1/" in e["uid"]][0]'
assert_eq "$(json "$T/feed1.json" "$ev['summary']")" "Hạn: $TITLE" "summary before"
assert_eq "$(json "$T/feed2.json" "$ev['summary']")" "[Đã hoàn thành] Hạn: $TITLE" "summary after"
assert_contains "$(json "$T/feed2.json" "$ev['description']")" "Trạng thái: đã hoàn thành ngày 26/03/2018 ($NOTE)" "description after"
assert_eq "$(json "$T/feed2.json" "$ev['sequence']")" "$(($(json "$T/feed1.json" "$ev['sequence']") + 1))" "SEQUENCE"

say "reloaded, the form sent again: already done, nothing changes"
dump >"$T/before.sql"
step reload phone
page 200 "the page reloaded"
assert_eq "$(got 'j["method"]')" POST "the reload's request"
assert_contains "$(got 'j["notice"]')" "Việc này đã được báo hoàn thành ngày 26/03/2018" "already done"
assert_eq "$(got 'j["form"]')" False "a form for a done item"
same_db "sending the form again"
step open phone "$link"
page 200 "the link opened again"
assert_contains "$(got 'j["notice"]')" "Việc này đã được báo hoàn thành ngày 26/03/2018" "already done on GET"
same_db "opening the link again"

say "a tampered link: 403, in Vietnamese"
mac=${link##*.}
first=$(printf %s "$mac" | cut -c 1)
tampered="${link%.*}.$([ "$first" = 0 ] && echo 1 || echo 0)${mac#?}"
step open phone "$tampered"
page 403 "the tampered link"
assert_eq "$(got 'j["h1"]')" "Liên kết không hợp lệ" "the tampered link's heading"
same_db "the tampered link"
echo ok
