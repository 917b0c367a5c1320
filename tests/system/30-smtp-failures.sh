#!/bin/sh
# An unreachable or refusing SMTP server never stops ntmd: the reminder stays pending and
# is retried (same Message-ID) after network errors and 4xx; a 5xx is final.
. "$(dirname "$0")/test.common"

write_config
healthy() { curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" -o /dev/null || fail "ntmd stopped serving"; }
pending() { sql "SELECT count(*) FROM reminder WHERE state = 'pending' AND attempts = $1 AND fire_at <= strftime('%s', '2018-03-26 00:30:00')"; }

say "no SMTP server at all"
start_ntmd 2018-03-26T07:29:58+07:00
wait_for "a deferred send" 15 grep -q 'result=deferred' "$T/ntmd.log"
sleep 3
healthy
stop_ntmd
[ "$(pending 1)" -ge 3 ] || fail "reminders not pending after a refused connection: $(sql 'SELECT kind, state, attempts FROM reminder WHERE attempts > 0')"
sql "SELECT last_error FROM reminder WHERE attempts = 1 LIMIT 1" | grep -q . || fail "no last_error recorded"

say "the server answers 451"
start_smtpd
echo "451 4.3.0 Try again later" >"$SPOOL/fail"
start_ntmd 2018-03-26T09:00:00+07:00
wait_for "451 replies" 15 grep -q '451' "$SPOOL/rejected.log"
sleep 2
healthy
stop_ntmd
assert_eq "$(mail_count)" 0 "mails accepted while the server said 451"
[ "$(pending 2)" -ge 3 ] || fail "reminders not pending after 451"
msgid_451=$(sed -n 's/.*unit=phong-tckh.*smtp=451.*msgid=\(<[^>]*>\).*/\1/p' "$T/ntmd.log" | tail -n 1)
[ -n "$msgid_451" ] || fail "no 451 attempt to Phòng TC-KH in the log"

say "the server accepts again"
rm "$SPOOL/fail"
start_ntmd 2018-03-26T12:00:00+07:00
wait_for "the retried mails" 15 has_mails 3
sleep 2
assert_eq "$(mail_count)" 3 "one digest a unit after the retry"
tckh=$(grep -l '"tckh@vanquan.example"' "$SPOOL"/*.json)
$PY "$TOOLS/check_mail.py" "${tckh%.json}.eml" >"$T/tckh.json" || fail "retried mail malformed"
assert_eq "$(json "$T/tckh.json" 'j["message_id"]')" "$msgid_451" "the retried mail keeps its Message-ID"
assert_eq "$(pending 2)" 0 "pending after delivery"
stop_ntmd

say "a 554 is final, and the coordination office hears of it in its next mail"
# Phòng TC-KH's lead-1 mail of II.1 and the Ban Chỉ đạo's escalation of II.2 die with
# 554; VPĐP's own mail that morning goes through, so the dead letters wait for its next
# mail, on the next working day (Monday 02/04).
printf '%s\n' "tckh@vanquan.example 554 5.7.1 Rejected" "bcd@vanquan.example 554 5.7.1 Rejected" >"$SPOOL/fail-to"
start_ntmd 2018-03-30T07:29:58+07:00
rejections() { [ "$(grep -c 554 "$SPOOL/rejected.log")" -ge "$1" ]; }
wait_for "VPĐP's mail" 15 has_mails 4
wait_for "554 replies" 15 rejections 2
sleep 2
healthy
stop_ntmd
assert_contains "$(cat "$T/ntmd.log")" "result=rejected" "log of the rejected mail"
assert_eq "$(sql "SELECT group_concat(u.code, ' ') FROM (SELECT DISTINCT unit_id FROM reminder WHERE state = 'dead' ORDER BY unit_id) r JOIN unit u ON u.id = r.unit_id")" \
    "bcd-huyen phong-tckh" "the dead reminders"
assert_eq "$(sql "SELECT count(*) FROM reminder r JOIN unit u ON u.id = r.unit_id WHERE r.kind LIKE 'dead-%' AND r.state = 'pending' AND u.code = 'vpdp' AND max(r.fire_at, r.next_try) = CAST(strftime('%s', '2018-04-02 00:30:00') AS INTEGER)")" \
    "$(sql "SELECT count(*) FROM reminder WHERE state = 'dead'")" "a dead letter for each, waiting for VPĐP's next mail"
rm "$SPOOL/fail-to"
before=$(wc -l <"$SPOOL/rejected.log")
start_ntmd 2018-04-02T07:29:58+07:00
wait_for "Monday's mails" 15 has_mails 6
sleep 3
stop_ntmd
assert_eq "$(mail_count)" 6 "one mail to VPĐP, one to Phòng TC-KH on Monday"
assert_eq "$(wc -l <"$SPOOL/rejected.log")" "$before" "a dead reminder was tried again"
vpdp=$(grep -l '"rcpt_tos": \["vpdp@vanquan.example"\]' "$SPOOL"/0005.json "$SPOOL"/0006.json)
$PY "$TOOLS/check_mail.py" "${vpdp%.json}.eml" >"$T/dead.json" || fail "VPĐP's mail malformed"
text=$(json "$T/dead.json" 'j["text"]')
assert_contains "$text" "Thư nhắc việc không gửi được" "dead-letter section"
assert_contains "$text" "* Phòng Tài chính - Kế hoạch (tckh@vanquan.example)" "the recipient whose mail died"
assert_contains "$text" "Xây dựng kế hoạch và giao vốn thực hiện Chương trình năm 2018 (Kế hoạch 15/KH-UBND, mục II.1)" "the item of the dead mail"
assert_contains "$text" "Máy chủ thư trả lời: 554" "the server's answer"
assert_contains "$text" "* Ban Chỉ đạo xây dựng nông thôn mới huyện Văn Quan (bcd@vanquan.example)" "the directing unit's dead escalation"
assert_contains "$text" "Việc đơn vị chủ trì thực hiện:" "VPĐP's own items in the same mail"
assert_eq "$(sql "SELECT count(*) FROM reminder WHERE kind LIKE 'dead-%' AND state != 'sent'")" 0 "every dead letter sent"
echo ok
