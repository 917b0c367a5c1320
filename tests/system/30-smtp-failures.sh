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
wait_for "the retried mails" 15 has_mails 2
sleep 2
assert_eq "$(mail_count)" 2 "one digest a unit after the retry"
tckh=$(grep -l '"tckh@vanquan.example"' "$SPOOL"/*.json)
$PY "$TOOLS/check_mail.py" "${tckh%.json}.eml" >"$T/tckh.json" || fail "retried mail malformed"
assert_eq "$(json "$T/tckh.json" 'j["message_id"]')" "$msgid_451" "the retried mail keeps its Message-ID"
assert_eq "$(pending 2)" 0 "pending after delivery"
stop_ntmd

say "a 554 is final"
echo "554 5.7.1 Rejected" >"$SPOOL/fail"
start_ntmd 2018-03-30T07:29:58+07:00
wait_for "554 replies" 15 grep -q '554' "$SPOOL/rejected.log"
sleep 2
healthy
stop_ntmd
assert_contains "$(cat "$T/ntmd.log")" "result=rejected" "log of the rejected mail"
dead=$(sql "SELECT count(*) FROM reminder WHERE state = 'dead'")
[ "$dead" -ge 1 ] || fail "the rejected reminder is not dead"
rm "$SPOOL/fail"
before=$(wc -l <"$SPOOL/rejected.log")
start_ntmd 2018-03-30T11:00:00+07:00
sleep 3
stop_ntmd
assert_eq "$(mail_count)" 2 "a dead reminder was sent again"
assert_eq "$(wc -l <"$SPOOL/rejected.log")" "$before" "a dead reminder was tried again"
echo ok
