#!/bin/sh
# Nothing blocks the loop: while twelve mails go to a server that takes 2 s a message,
# feeds and /healthz answer at once and the watchdog is fed; at most smtp.connections
# (2) connections carry the mails; SIGTERM waits for the mail in flight and loses none;
# a change by ntmctl shows in the next GET of a cached feed.
. "$(dirname "$0")/test.common"

units=12
{
	cat <<'PLAN'
plan = {
  code  = "loop-2024";
  org   = { code = "loop"; name = "Ủy ban nhân dân huyện Thử Nghiệm"; };
  title = "Kế hoạch thử vòng lặp";
  year  = 2024;
};
units = (
PLAN
	i=1
	while [ $i -le $units ]; do
		sep=","; [ $i -eq $units ] && sep=""
		printf '  { code = "xa-%02d"; name = "Ủy ban nhân dân xã số %d"; kind = "commune";\n    emails = [ "xa%02d@loop.example" ]; }%s\n' $i $i $i "$sep"
		i=$((i + 1))
	done
	echo ');'
	echo 'sections = ( { id = "I"; title = "Hạn cuối tháng 5"; tasks = ('
	i=1
	while [ $i -le $units ]; do
		sep=","; [ $i -eq $units ] && sep=""
		printf '  { id = "%d"; title = "Hoàn thành hồ sơ tiêu chí của xã số %d"; lead = [ "xa-%02d" ];\n    when = "chậm nhất 30/5/2024"; }%s\n' $i $i $i "$sep"
		i=$((i + 1))
	done
	echo '); } );'
} >"$T/loop-2024.conf"
CALENDARS="$T/loop-2024.conf" write_config "[7]"
ctl check >/dev/null 2>&1 || fail "the generated plan does not check: $(ctl check 2>&1 | tail -n 5)"

# Records the instant of every WATCHDOG=1 that ntmd sends to $NOTIFY_SOCKET.
$PY - "$T/notify.sock" "$T/watchdog.log" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        msg = s.recv(4096).decode()
        if "WATCHDOG=1" in msg.split("\n"):
            log.write("%.3f\n" % time.monotonic())
PY
LISTENER_PID=$!
trap 'kill $LISTENER_PID 2>/dev/null; cleanup' EXIT
wait_for "the notify socket" 5 test -S "$T/notify.sock"

start_smtpd
echo 2 >"$SPOOL/delay"
# 23/05/2024, a Thursday, is seven days before the deadline: twelve mails at 07:30.
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=2000000 start_ntmd 2024-05-23T07:29:58+07:00

say "feeds and /healthz answer while the slow server holds every connection"
feed=$(ctl feed-url xa-01) || fail "no feed URL for xa-01"
sending() { [ "$(sql "SELECT count(*) FROM reminder WHERE state = 'sending'")" -gt 0 ]; }
wait_for "the first mails in flight" 10 sending
slowest=0
n=0
while [ $n -lt 20 ]; do
	for u in "$feed" "http://127.0.0.1:$HTTP_PORT/healthz"; do
		t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 "$u")
		assert_eq "${t% *}" 200 "GET $u during the burst"
		slowest=$($PY -c "print(max($slowest, ${t#* }))")
	done
	sleep 0.2
	n=$((n + 1))
done
in_flight=$(sql "SELECT count(*) FROM reminder WHERE state IN ('pending', 'sending')")
[ "$in_flight" -gt 0 ] || fail "the burst was over before the requests: nothing was measured"
# A loop that waited for the server would hold a request up to 2 s.
$PY -c "import sys; sys.exit(0 if $slowest < 1.5 else 1)" ||
	fail "a request waited ${slowest}s while mail was in flight"
echo "slowest of 40 requests during the burst: ${slowest}s"

say "SIGTERM in the middle of the burst: the mail in flight ends, nothing is lost"
sent_before=$(mail_count)
[ "$sent_before" -lt $units ] || fail "the burst ended before SIGTERM"
stop_ntmd
grep -q 'stopping on signal' "$T/ntmd.log" || fail "no stop line"
assert_eq "$(sql "SELECT count(*) FROM reminder WHERE state = 'sending'")" 0 "reminders left sending"
assert_eq "$(sql "SELECT count(*) FROM reminder WHERE state = 'sent'")" "$(mail_count)" "sent in the outbox and at the server"
gap=$(awk 'NR > 1 && $1 - prev > max { max = $1 - prev } { prev = $1 } END { printf "%.3f", max }' "$T/watchdog.log")
pings=$(wc -l <"$T/watchdog.log")
[ "$pings" -ge 4 ] || fail "only $pings watchdog pings"
$PY -c "import sys; sys.exit(0 if $gap < 1.9 else 1)" || fail "watchdog pings ${gap}s apart (WatchdogSec 2 s)"
echo "watchdog: $pings pings, the largest gap ${gap}s"

say "after a restart the rest go out, each once, over at most two connections"
rm "$SPOOL/delay"
start_ntmd 2024-05-23T08:00:00+07:00
wait_for "all $units mails" 30 has_mails $units
sleep 1
assert_eq "$(mail_count)" $units "mails at the server"
ids=$(for f in "$SPOOL"/*.eml; do $PY "$TOOLS/check_mail.py" "$f" | $PY -c 'import json,sys; print(json.load(sys.stdin)["message_id"])'; done | sort -u | wc -l)
assert_eq "$ids" $units "distinct Message-IDs"
first_run=$(ls "$SPOOL"/*.json | head -n "$sent_before")
peers=$(for f in $first_run; do json "$f" 'j["peer"]'; done | sort -u | wc -l)
[ "$peers" -le 2 ] || fail "$sent_before mails used $peers connections (smtp.connections = 2)"
echo "first run: $sent_before mails over $peers connections"

say "a feed served from the cache shows ntmctl's change at the next GET"
curl -sf -D "$T/h1" -o "$T/f1.ics" "$feed" || fail "GET feed"
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' "$T/h1" | tr -d '\r')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$feed")
assert_eq "$code" 304 "conditional GET"
id=$(sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id JOIN task_unit tu ON tu.task_id = t.id JOIN unit u ON u.id = tu.unit_id WHERE u.code = 'xa-01'")
NTM_NOW=2024-05-23T09:00:00+07:00 ctl done "$id" >/dev/null || fail "ntmctl done"
curl -sf -o "$T/f2.ics" "$feed" || fail "GET feed after done"
grep -q 'Đã hoàn thành' "$T/f2.ics" || fail "the feed after ntmctl done does not show it"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$feed")
assert_eq "$code" 200 "the old ETag after the change"
stop_ntmd
echo "ok"
