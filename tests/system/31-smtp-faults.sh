#!/bin/sh
# SMTP faults on cue, against the real test server: 4xx twice then accepted; a server that
# takes DATA and never answers the final dot; a connection dropped in the middle of DATA;
# TLS required and not offered. Each time the mail is kept and goes out once, with the
# Message-ID of its first try, HTTP answers throughout, and SIGTERM stops ntmd in
# seconds. (Test 30: no server at all, 451 for hours, 554 and the dead letter.)
. "$(dirname "$0")/test.common"

# On Monday 26/03/2018 at 07:30 three units of Văn Quan's plan get a mail.
MAILS=3
START=2018-03-26T07:29:58+07:00
# fresh [SMTP_SETTINGS] — a new database and spool, and ntmd.conf with the smtp group's
# settings given added.
fresh() {
	rm -rf "$T/ntmd.db" "$T/ntmd.db-wal" "$T/ntmd.db-shm" "$SPOOL" "$T/ntmd.log"
	mkdir -p "$SPOOL"
	write_config
	[ -z "${1:-}" ] || sed -i "s|starttls = \"never\"; };|$1 };|" "$T/ntmd.conf"
	grep -q "${1:-starttls}" "$T/ntmd.conf" || fail "the test did not set [$1]"
}
ms() { echo $(($(date +%s%N) / 1000000)); }
healthy() { curl -sf -m 1 "http://127.0.0.1:$HTTP_PORT/healthz" -o /dev/null || fail "ntmd stopped serving"; }
count() { sql "SELECT count(DISTINCT coalesce(message_id, id)) FROM reminder WHERE fire_at <= strftime('%s', '2018-03-26 00:30:00') AND $1"; }
# The Message-IDs of every attempt in the log, "unit msgid" lines, sorted: a retry under
# a new Message-ID would show here as one more.
attempts() { sed -n "s/.*unit=\([^ ]*\).*result=[a-z-]* msgid=\(<[^>]*>\).*/\1 \2/p" "$T/ntmd.log" | sort -u; }
# The Message-ID of each mail received, "address msgid" lines, sorted.
received() {
	for f in "$SPOOL"/*.eml; do
		$PY "$TOOLS/check_mail.py" "$f" >"$T/m.json" || fail "$f is malformed"
		echo "$(json "${f%.eml}.json" 'j["rcpt_tos"][0]') $(json "$T/m.json" 'j["message_id"]')"
	done | sort
}
# Every mail arrived once, with the Message-ID of its first attempt.
delivered_once() {
	assert_eq "$(mail_count)" $MAILS "mails received ($1)"
	assert_eq "$(received | awk '{ print $2 }' | sort | uniq -d)" "" "a Message-ID received twice ($1)"
	assert_eq "$(received | awk '{ print $2 }' | sort)" "$(attempts | awk '{ print $2 }' | sort)" \
	    "the Message-IDs delivered are those of the first attempts ($1)"
	assert_eq "$(count "state = 'sent'")" $MAILS "reminders sent ($1)"
}
# resume CUE WHAT — the server behaves again (CUE removed): every mail goes out once, with
# the Message-ID of its first attempt.
resume() {
	rm "$SPOOL/$1"
	start_ntmd 2018-03-26T08:00:00+07:00
	wait_for "the mails $2" 10 has_mails $MAILS
	sleep 1.5
	stop_ntmd
	delivered_once "$2"
}
start_smtpd

say "451 to the first two tries of each mail, then accepted: backoff, same Message-ID, once"
fresh
echo "$((2 * MAILS)) 451 4.3.0 Greylisted, try again later" >"$SPOOL/fail-times"
start_ntmd "$START"
wait_for "three deferred mails" 10 sh -c "[ \$(grep -c 'result=deferred' '$T/ntmd.log') -ge $MAILS ]"
sleep 1.5	# outcomes are recorded within a second
stop_ntmd
assert_eq "$(count "state = 'pending' AND attempts = 1 AND last_error LIKE '451%'")" $MAILS "pending after the first 451"
first=$(sql "SELECT min(next_try) - strftime('%s', '2018-03-26 00:30:00') FROM reminder WHERE attempts = 1")
start_ntmd 2018-03-26T07:40:00+07:00
wait_for "the second 451s" 10 sh -c "[ \$(grep -c 'result=deferred' '$T/ntmd.log') -ge $((2 * MAILS)) ]"
sleep 1.5
stop_ntmd
assert_eq "$(count "state = 'pending' AND attempts = 2")" $MAILS "pending after the second 451"
second=$(sql "SELECT min(next_try) - strftime('%s', '2018-03-26 00:40:00') FROM reminder WHERE attempts = 2")
[ "$second" -ge $((2 * first - 4)) ] && [ "$first" -ge 60 ] ||
	fail "no backoff: the first retry was due after $first s, the second after $second s"
echo "backoff: first retry after ${first} s, second after ${second} s"
start_ntmd 2018-03-26T08:00:00+07:00
wait_for "the accepted mails" 10 has_mails $MAILS
sleep 1.5
stop_ntmd
delivered_once "after 451 twice"
assert_eq "$(grep -c '^451' "$SPOOL/rejected.log")" $((2 * MAILS)) "451 replies given"

say "DATA never answered: deferred after smtp.timeout, HTTP answers meanwhile"
fresh 'starttls = "never"; timeout = 3;'
echo 3600 >"$SPOOL/delay"
: >"$T/healthz.times"
start_ntmd "$START"
wait_for "a stalled DATA" 10 test -s "$SPOOL/data.log"
stalled_at=$(ms)
# While the two connections wait for their replies: /healthz and a feed, at once.
for i in 1 2 3 4 5 6 7 8 9 10; do
	curl -sf -m 1 -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$HTTP_PORT/healthz" \
	    >>"$T/healthz.times" || fail "/healthz did not answer within 1 s while DATA stalled"
	sleep 0.2
done
wait_for "a timed-out mail" 10 grep -q 'result=deferred' "$T/ntmd.log"
took=$(($(ms) - stalled_at))
grep 'result=deferred' "$T/ntmd.log" | head -n 1 | grep -q 'Timeout' ||
	fail "the stalled mail was not deferred for its timeout: $(grep 'result=deferred' "$T/ntmd.log" | head -n 1)"
echo "stalled DATA: deferred after ${took} ms (smtp.timeout 3 s); /healthz at most $(sort -n "$T/healthz.times" | tail -n 1) s"
wait_for "three timed-out mails" 15 sh -c "[ \$(grep -c 'result=deferred' '$T/ntmd.log') -ge $MAILS ]"
sleep 1.5
stop_ntmd
assert_eq "$(count "state = 'pending' AND attempts = 1")" $MAILS "every stalled mail pending"
assert_eq "$(mail_count)" 0 "mails accepted while stalled"
resume delay "after a stalled DATA"

say "SIGTERM while DATA is stalled (smtp.timeout 60 s): ntmd stops within 10 s, the mail kept"
fresh 'starttls = "never"; timeout = 60;'
echo 3600 >"$SPOOL/delay"
start_ntmd "$START"
wait_for "two stalled DATA" 10 sh -c "[ \$(wc -l <'$SPOOL/data.log') -ge 2 ]"
t0=$(ms)
kill -TERM "$NTMD_PID"
wait "$NTMD_PID" || fail "ntmd exited with status $? on SIGTERM"
NTMD_PID=
took=$(($(ms) - t0))
echo "SIGTERM with DATA stalled: ntmd exited after ${took} ms"
[ "$took" -lt 10000 ] || fail "SIGTERM took ${took} ms with DATA stalled"
grep -q 'stopping with [0-9]* mails still in flight' "$T/ntmd.log" || fail "no word of the mail cut off"
assert_eq "$(count "state = 'pending'")" $MAILS "every mail pending after the stop"
assert_eq "$(count "state = 'sending'")" 0 "mails left sending"
resume delay "after SIGTERM in a stalled DATA"

say "the connection dropped in the middle of DATA: deferred, then sent once"
fresh
: >"$SPOOL/drop"
start_ntmd "$START"
wait_for "dropped connections" 10 sh -c "[ \$(grep -c 'result=deferred' '$T/ntmd.log') -ge $MAILS ]"
sleep 1.5
healthy
stop_ntmd
[ "$(wc -l <"$SPOOL/dropped.log")" -ge $MAILS ] || fail "the server dropped fewer than $MAILS connections"
assert_eq "$(count "state = 'pending' AND attempts = 1")" $MAILS "pending after the drops"
assert_eq "$(mail_count)" 0 "mails accepted while dropping"
resume drop "after a drop in DATA"

say "STARTTLS required, not offered: a configuration error, said once at err, mail held, never skipped"
fresh 'starttls = "required";'
"$NTMD" -n -c "$T/ntmd.conf" >/dev/null 2>&1 || fail "ntmd -n refused a configuration it cannot know is wrong"
JOURNAL_STREAM=8:1 NTM_NOW=$START "$NTMD" -c "$T/ntmd.conf" >>"$T/ntmd.log" 2>&1 &
NTMD_PID=$!
wait_for "ntmd /healthz" 10 curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" -o /dev/null
wait_for "the configuration error" 10 grep -q 'refuses this configuration' "$T/ntmd.log"
sleep 3	# time for more tries, if it made them
healthy
assert_eq "$(grep -c 'refuses this configuration' "$T/ntmd.log")" 1 "configuration errors logged"
grep -q '^<3>mail: the SMTP server refuses this configuration: smtp.starttls is "required" and the server offers no STARTTLS' "$T/ntmd.log" ||
	fail "the configuration error is not at priority err (3): $(grep 'refuses' "$T/ntmd.log")"
assert_eq "$(grep -c 'result=held' "$T/ntmd.log")" $MAILS "mails held"
tried=$(grep 'result=held' "$T/ntmd.log" | grep -c 'Requested SSL level failed')
[ "$tried" -ge 1 ] && [ "$tried" -le 2 ] ||
	fail "$tried mails tried with a configuration the server refused (connections: 2)"
assert_eq "$(count "state = 'pending' AND attempts = 0 AND last_error LIKE 'configuration: smtp.starttls is \"required\"%'")" $MAILS \
    "mails held, not counted as attempts"
# (an item's earlier instants that a later one replaced are skipped as always, unclaimed)
assert_eq "$(count "message_id IS NOT NULL AND state != 'pending'")" 0 \
    "held mails claimed, dead or skipped: $(sql "SELECT kind, state, attempts, last_error FROM reminder WHERE message_id IS NOT NULL AND state != 'pending'")"
ctl outbox >"$T/outbox.out" 2>"$T/outbox.err" || fail "ntmctl outbox failed"
assert_contains "$(cat "$T/outbox.err")" "NO MAIL IS SENT since 2018-03-26T07:30" "ntmctl outbox's warning"
assert_contains "$(cat "$T/outbox.err")" "smtp.starttls is \"required\" and the server offers no STARTTLS" "ntmctl outbox's reason"
assert_contains "$(cat "$T/outbox.out")" "configuration: smtp.starttls" "ntmctl outbox's rows"
ctl outbox --json >"$T/outbox.json" 2>/dev/null || fail "ntmctl outbox --json failed"
json "$T/outbox.json" 'len(j)' >/dev/null || fail "ntmctl outbox --json is not JSON with the warning"
say "the operator sets starttls = never and reloads: the held mail goes at once"
sed -i 's|starttls = "required";|starttls = "never";|' "$T/ntmd.conf"
kill -HUP "$NTMD_PID"
wait_for "the held mails" 10 has_mails $MAILS
sleep 1.5
stop_ntmd
assert_eq "$(count "state = 'sent'")" $MAILS "held mails sent after the reload"
ctl outbox >/dev/null 2>"$T/outbox.err"
assert_eq "$(cat "$T/outbox.err")" "" "ntmctl outbox's warning after the mail went"
assert_eq "$(sql "SELECT count(*) FROM meta WHERE key LIKE 'mail_outage%'")" 3 "the outage recorded for the coordination unit"
say "the coordination office reads of it in the mail held for it"
vpdp=$(grep -l '"vpdp@vanquan.example"' "$SPOOL"/*.json)
$PY "$TOOLS/check_mail.py" "${vpdp%.json}.eml" >"$T/vpdp.json" || fail "VPĐP's mail is malformed"
assert_contains "$(json "$T/vpdp.json" 'j["text"]')" "Lưu ý: từ 7 giờ 30 ngày 26/03/2018 đến nay, hệ thống không gửi được thư nào vì máy chủ thư không chấp nhận cấu hình gửi thư" \
    "the notice in VPĐP's mail"
for f in "$SPOOL"/*.eml; do
	[ "$f" = "${vpdp%.json}.eml" ] && continue
	$PY "$TOOLS/check_mail.py" "$f" >"$T/other.json" || fail "$f is malformed"
	case "$(json "$T/other.json" 'j["text"]')" in *"không gửi được thư nào"*)
		fail "a unit that does not coordinate was told of the outage: $f" ;; esac
done
say "…and not again in its next mail"
start_ntmd 2018-03-30T07:29:58+07:00
wait_for "VPĐP's mail of 30/03" 15 sh -c "[ \$(grep -l '\"vpdp@vanquan.example\"' '$SPOOL'/*.json | wc -l) -ge 2 ]"
sleep 1.5
stop_ntmd
vpdp2=$(grep -l '"vpdp@vanquan.example"' "$SPOOL"/*.json | grep -v "$vpdp")
$PY "$TOOLS/check_mail.py" "${vpdp2%.json}.eml" >"$T/vpdp2.json" || fail "VPĐP's second mail is malformed"
case "$(json "$T/vpdp2.json" 'j["text"]')" in *"không gửi được thư nào"*)
	fail "the outage told twice" ;; esac

say "an outage after VPĐP's mail of a day, mended the same day, is told in its next mail"
# as the outbox records one: from 10:00 to 11:00 of 30/03, after that day's 07:30 mail
sqlite3 "$T/ntmd.db" "INSERT OR REPLACE INTO meta(key, value) VALUES
    ('mail_outage', 'configuration: STARTTLS not offered'),
    ('mail_outage_since', strftime('%s', '2018-03-30 03:00:00')),
    ('mail_outage_until', strftime('%s', '2018-03-30 04:00:00'))"
start_ntmd 2018-04-02T07:29:58+07:00
wait_for "VPĐP's mail of 02/04" 15 sh -c "[ \$(grep -l '\"vpdp@vanquan.example\"' '$SPOOL'/*.json | wc -l) -ge 3 ]"
sleep 1.5
stop_ntmd
vpdp3=$(grep -l '"vpdp@vanquan.example"' "$SPOOL"/*.json | grep -v -e "$vpdp" -e "$vpdp2")
$PY "$TOOLS/check_mail.py" "${vpdp3%.json}.eml" >"$T/vpdp3.json" || fail "VPĐP's third mail is malformed"
assert_contains "$(json "$T/vpdp3.json" 'j["text"]')" "Lưu ý: từ 10 giờ 00 ngày 30/03/2018 đến 11 giờ 00 ngày 30/03/2018, hệ thống không gửi được thư nào" \
    "the same-day outage in VPĐP's next mail"
echo ok
