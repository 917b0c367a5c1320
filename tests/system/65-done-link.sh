#!/bin/sh
# An officer reports an item done from the link in the mail: GET and HEAD change nothing,
# the form's POST (with its token) marks it done once, the feed shows it at once, the
# audit trail says who, from where, with what note and product; forged, expired and
# closed links and a unit no longer assigned are refused with a Vietnamese page and
# change nothing. ntmctl done-url, audit and outbox.
. "$(dirname "$0")/test.common"

write_config
start_smtpd
# As in 10-end-to-end: at 07:30 on 26/03/2018 Phòng TC-KH is told of II.1 (due 02/04).
start_ntmd 2018-03-26T07:29:57+07:00
wait_for "three mails" 20 has_mails 3
sleep 2		# the sent mails recorded: from here on ntmd writes only what it is asked
export NTM_NOW=2018-03-26T07:31:00+07:00
BASE="http://127.0.0.1:$HTTP_PORT"

dump() { sqlite3 "$T/ntmd.db" .dump; }
same_db() {
	dump >"$T/now.sql"
	cmp -s "$T/before.sql" "$T/now.sql" || fail "$1 changed the database: $(diff "$T/before.sql" "$T/now.sql" | head -20)"
}
# status URL [CURL ARGS...] — the HTTP status; the page in $T/page, headers in $T/headers.
status() {
	u=$1
	shift
	curl -s -D "$T/headers" -o "$T/page" -w '%{http_code}' "$@" "$u"
}
header() {
	sed -n "s/^$1: *//Ip" "$T/headers" | tr -d '\r'
}
page_has() {
	grep -qF "$1" "$T/page" || fail "$2: [$1] not on the page: $(sed -n '/<h1>/,$p' "$T/page" | head -20)"
}

say "the link in Phòng TC-KH's mail is the one ntmctl done-url gives"
id=$(sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id WHERE t.ref = 'II.1'")
tckh=$(grep -l '"tckh@vanquan.example"' "$SPOOL"/*.json | head -n 1)
$PY "$TOOLS/check_mail.py" "${tckh%.json}.eml" >"$T/mail.json" || fail "the mail is malformed"
link=$(json "$T/mail.json" 'j["text"]' | grep -o "$BASE/done/$id\.[0-9a-f.]*" | head -n 1)
[ -n "$link" ] || fail "no done link for item $id in the mail: $(json "$T/mail.json" 'j["text"]')"
assert_eq "$(ctl done-url "$id" --unit "Phòng TC-KH" 2>/dev/null)" "$link" "done-url"
if ctl done-url "$id" --unit phong-yte >/dev/null 2>"$T/err"; then fail "done-url for a unit not of the item"; fi
assert_contains "$(cat "$T/err")" "neither directs, leads nor supports item $id" "done-url refusal"

say "GET and HEAD show the item and change nothing"
url=$(ctl feed-url phong-tckh 2>/dev/null)
curl -sf -o "$T/feed1.ics" "$url" || fail "GET the feed"
dump >"$T/before.sql"
assert_eq "$(status "$link")" 200 "GET"
assert_eq "$(header content-type)" "text/html; charset=utf-8" "content type"
assert_eq "$(header cache-control)" "no-store" "Cache-Control"
assert_eq "$(header referrer-policy)" "no-referrer" "Referrer-Policy"
assert_eq "$(header x-frame-options)" "DENY" "X-Frame-Options"
assert_eq "$(header content-security-policy)" "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'" "CSP"
page_has '<meta name="viewport"' "viewport"
page_has "Xây dựng kế hoạch và giao vốn thực hiện Chương trình năm 2018" "title"
page_has "Kế hoạch 15/KH-UBND, mục II.1" "plan and item"
page_has "<dt>Kỳ</dt><dd>tháng 3/2018</dd>" "period"
page_has "<dt>Hạn</dt><dd>thứ Hai, 02/04/2018</dd>" "due day"
page_has "Sắp đến hạn (còn 7 ngày)" "state"
page_has "Phòng Tài chính - Kế hoạch" "lead"
page_has '<form method="post">' "form"
page_has 'Liên kết sản phẩm (văn bản, báo cáo, biên bản)' "product field"
page_has 'Xác nhận đã hoàn thành' "button"
csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/page")
[ ${#csrf} -eq 32 ] || fail "no CSRF token on the page"
size=$(wc -c <"$T/page")
assert_eq "$(status "$link" -I)" 200 "HEAD"
assert_eq "$(header content-length)" "$size" "HEAD Content-Length"
assert_eq "$(header referrer-policy)" "no-referrer" "HEAD Referrer-Policy"
same_db "GET and HEAD"

say "refused: POST without or with a wrong token, a forged link, a bad product link, other methods"
assert_eq "$(status "$link" -d note=x)" 403 "POST without a token"
page_has "Biểu mẫu không hợp lệ" "no token"
assert_eq "$(status "$link" -d note=x -d csrf=0123456789abcdef0123456789abcdef)" 403 "POST with a wrong token"
last=$(printf %s "$link" | tail -c 1)
forged="${link%?}$([ "$last" = 0 ] && echo 1 || echo 0)"
assert_eq "$(status "$forged")" 403 "GET of a forged link"
page_has "Liên kết không hợp lệ" "forged page"
assert_eq "$(status "$forged" -d "csrf=$csrf")" 403 "POST to a forged link"
other=$(echo "$link" | sed "s#/done/$id\.#/done/$((id + 1)).#")
assert_eq "$(status "$other" -d "csrf=$csrf")" 403 "another item with this MAC"
assert_eq "$(status "$link" --data-urlencode "csrf=$csrf" --data-urlencode "link=ftp://vanquan.example/bb.pdf")" 400 "a product link not on the web"
page_has "phải là một địa chỉ web bắt đầu bằng http:// hoặc https://" "bad product link page"
page_has '<form method="post">' "the form again"
# The limit is 2,000 characters, as the form's maxlength counts them, not bytes.
for i in $(seq 2001); do printf 'ệ'; done >"$T/long"
assert_eq "$(status "$link" --data-urlencode "csrf=$csrf" --data-urlencode "note@$T/long")" 400 "a note of 2,001 characters"
page_has "Ghi chú quá dài" "long note page"
head -c 60000 /dev/zero | tr '\0' a >"$T/big"
assert_eq "$(status "$link" --data-urlencode "csrf=$csrf" --data-urlencode "note@$T/big")" 413 "a body over 48 KiB"
# multipart, with a part that has no name (libmicrohttpd hands such a part over with a
# NULL name): refused, and ntmd still serves
printf -- '--XX\r\nContent-Disposition: form-data\r\n\r\nhello\r\n--XX--\r\n' >"$T/multipart"
assert_eq "$(status "$link" -H 'Content-Type: multipart/form-data; boundary=XX' --data-binary "@$T/multipart")" 415 "a multipart body"
assert_eq "$(status "http://127.0.0.1:$HTTP_PORT/done/x" -H 'Content-Type: multipart/form-data; boundary=XX' --data-binary "@$T/multipart")" 415 "a multipart body to any /done/ path"
curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" -o /dev/null || fail "ntmd died on a multipart body"
assert_eq "$(status "$link" -X PUT)" 405 "PUT"
assert_eq "$(header allow)" "GET, HEAD, POST" "Allow"
same_db "the refused requests"

say "POST with the token: done, once"
assert_eq "$(status "$link" --data-urlencode "csrf=$csrf" --data-urlencode "note=Đã giao vốn; xem biên bản" --data-urlencode "link=https://vanquan.example/bb/15.pdf")" 200 "POST"
page_has "Đã ghi nhận hoàn thành" "confirmation"
page_has "Đã hoàn thành ngày 26/03/2018 (Phòng Tài chính - Kế hoạch báo)" "state after"
assert_eq "$(sql "SELECT status, done_by, note, done_link FROM occurrence WHERE id = $id")" "done|phong-tckh|Đã giao vốn; xem biên bản|https://vanquan.example/bb/15.pdf" "the item"
assert_eq "$(sql "SELECT count(*) FROM reminder WHERE occurrence_id = $id AND state = 'pending'")" 0 "pending reminders"
assert_eq "$(sql "SELECT a.actor, u.code, a.remote, a.note, a.link FROM audit a JOIN unit u ON u.id = a.unit_id WHERE a.action = 'done' AND a.occurrence_id = $id")" "phong-tckh|phong-tckh|127.0.0.1|Đã giao vốn; xem biên bản|https://vanquan.example/bb/15.pdf" "audit row"
wait_for "the log line" 5 grep -q "done item=$id unit=phong-tckh remote=127.0.0.1" "$T/ntmd.log"
mac=${link##*.}
if grep -q "$mac" "$T/ntmd.log"; then fail "the link's MAC is in the log"; fi

say "the feed shows it at once, SEQUENCE raised"
curl -sf -o "$T/feed2.ics" "$url" || fail "GET the feed after done"
node "$TOOLS/check_ics.mjs" "$T/feed1.ics" >"$T/feed1.json" || fail "ical.js rejects the feed"
node "$TOOLS/check_ics.mjs" "$T/feed2.ics" >"$T/feed2.json" || fail "ical.js rejects the feed after done"
ev='[(e["summary"], e["sequence"]) for e in j["events"] if "/II.1/" in e["uid"]][0]'
seq1=$(json "$T/feed1.json" "$ev[1]")
assert_eq "$(json "$T/feed2.json" "$ev[0]")" "[Đã hoàn thành] Hạn: Xây dựng kế hoạch và giao vốn thực hiện Chương trình năm 2018" "summary"
assert_eq "$(json "$T/feed2.json" "$ev[1]")" "$((seq1 + 1))" "SEQUENCE"

say "a second POST says it was done and changes nothing"
dump >"$T/before.sql"
assert_eq "$(status "$link" --data-urlencode "csrf=$csrf" --data-urlencode "note=lần hai")" 200 "second POST"
page_has "Việc này đã được báo hoàn thành ngày 26/03/2018" "already done"
assert_eq "$(status "$link")" 200 "GET after done"
page_has "Việc này đã được báo hoàn thành ngày 26/03/2018" "already done on GET"
grep -q '<form' "$T/page" && fail "a form for a done item"
same_db "the second POST"
assert_eq "$(ctl done "$id" 2>/dev/null)" "item $id is already done" "ntmctl done after the link"

say "a waived item, and a unit no longer assigned"
iii=$(sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id WHERE t.ref = 'III.1' ORDER BY o.due LIMIT 1")
vpdp_link=$(ctl done-url "$iii" --unit vpdp 2>/dev/null)
sql "UPDATE occurrence SET status = 'waived' WHERE id = $iii"
replanned() { [ "$(sql "SELECT count(*) FROM replan")" = 0 ]; }
wait_for "ntmd to plan the waived item's reminders again" 10 replanned
dump >"$T/before.sql"
assert_eq "$(status "$vpdp_link")" 410 "GET of a waived item"
page_has "Việc này đã được miễn thực hiện" "waived page"
assert_eq "$(status "$vpdp_link" -d csrf=x)" 403 "POST to a waived item without the token"
same_db "a waived item's link"
sql "UPDATE occurrence SET status = 'open' WHERE id = $iii"
lead=$(sql "SELECT u.code FROM task_unit tu JOIN unit u ON u.id = tu.unit_id JOIN occurrence o ON o.task_id = tu.task_id WHERE o.id = $iii AND tu.role = 'lead' AND u.coordinator = 0 LIMIT 1")
lead_link=$(ctl done-url "$iii" --unit "$lead" 2>/dev/null)
assert_eq "$(status "$lead_link")" 200 "the lead's link"
sql "DELETE FROM task_unit WHERE unit_id = (SELECT id FROM unit WHERE code = '$lead') AND task_id = (SELECT task_id FROM occurrence WHERE id = $iii)"
assert_eq "$(status "$lead_link")" 403 "a unit no longer assigned"
page_has "Đơn vị không còn được giao việc này" "unassigned page"
assert_eq "$(status "$vpdp_link")" 200 "the coordinator's link to an item it does not lead"

say "ntmctl audit and outbox"
ctl audit --json >"$T/audit.json" 2>/dev/null || fail "audit --json"
assert_eq "$(json "$T/audit.json" "[(a['actor'], a['unit'], a['remote'], a['note'], a['link'], a['plan'], a['task'], a['period']) for a in j if a['action'] == 'done']")" "[('phong-tckh', 'phong-tckh', '127.0.0.1', 'Đã giao vốn; xem biên bản', 'https://vanquan.example/bb/15.pdf', 'van-quan-2018', 'II.1', '2018-03')]" "audit --json"
ctl audit --plan van-quan-2018 --json >"$T/audit-plan.json" 2>/dev/null || fail "audit --plan"
assert_eq "$(json "$T/audit-plan.json" 'len(j)')" 1 "audit of the plan"
ctl audit >"$T/audit.txt" 2>/dev/null || fail "audit"
grep -q "^2018-03-26T07:3[0-9]:[0-9][0-9]+07:00 *phong-tckh *done *van-quan-2018 II.1 2018-03 *phong-tckh *127.0.0.1" "$T/audit.txt" || fail "audit text: $(cat "$T/audit.txt")"
ctl outbox --json >"$T/outbox.json" 2>/dev/null || fail "outbox --json"
assert_eq "$(json "$T/outbox.json" "sorted(set(r['state'] for r in j if r['task'] == 'II.1' and r['unit'] == 'phong-tckh'))")" "['cancelled', 'sent']" "outbox of II.1"
assert_eq "$(json "$T/outbox.json" "[r['fire_at'] for r in j] == sorted(r['fire_at'] for r in j)")" True "outbox order"
ctl outbox --failed --json >"$T/dead.json" 2>/dev/null || fail "outbox --failed --json"
assert_eq "$(json "$T/dead.json" 'j')" "[]" "no dead letters"
ctl outbox >"$T/outbox.txt" 2>/dev/null || fail "outbox"
head -n 1 "$T/outbox.txt" | grep -q "^ID  *UNIT  *ITEM  *KIND  *STATE  *FIRE_AT  *ATTEMPTS  *LAST_ERROR$" || fail "outbox header: $(head -n 1 "$T/outbox.txt")"

say "expired: 30 days after the latest day (02/04/2018) the link stops working"
stop_ntmd
start_ntmd 2018-05-03T08:00:00+07:00
audits=$(sql "SELECT count(*) FROM audit WHERE action = 'done'")
assert_eq "$(status "$link")" 410 "an expired link"
page_has "Liên kết đã hết hạn (dùng được đến hết ngày 02/05/2018), xin liên hệ đơn vị điều phối" "expired page"
assert_eq "$(status "$lead_link" -d "csrf=x")" 410 "POST to an expired link"
assert_eq "$(sql "SELECT count(*) FROM audit WHERE action = 'done'")" "$audits" "done after an expired link"
assert_eq "$(sql "SELECT status FROM occurrence WHERE id = $iii")" open "the item of an expired link"
if NTM_NOW=2018-05-03T08:00:00+07:00 ctl done-url "$id" --unit phong-tckh >/dev/null 2>&1; then fail "done-url of an expired item"; fi
echo ok
