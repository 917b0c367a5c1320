#!/bin/sh
# Concurrency: for 15 s, while ntmd serves feeds, the desk and /healthz to a client in a
# loop and sends the 07:30 round and every invitation to a slow SMTP server, two
# `ntmctl done` loops (the same items, from either end), two `ntmctl sync` loops and two
# `ntmctl schedule` loops (three meetings each) change the same database. No
# "database is locked" reaches anyone: every ntmctl run succeeds (a write waits for
# another's), every HTTP answer is 200, no mail is lost or sent twice. No update is
# lost: each item ntmctl reported done is done in `ntmctl occurrences` and in its lead
# unit's feed, reported done once; each meeting is in the feed as its last schedule
# left it, its SEQUENCE raised once a change.
. "$(dirname "$0")/test.common"

SECONDS_RUN=${CONCURRENCY_SECONDS:-15}
NOW=2018-03-26T07:29:57+07:00	# the 07:30 round of Văn Quan's and the generated plan's
export NTM_NOW=$NOW
units=4
tasks=40
# the test's own reads wait for a writer too
sql() {
	sqlite3 -cmd '.timeout 5000' "$T/ntmd.db" "$@"
}

# A plan with many items to mark done: each task monthly, leads spread over four units.
mkdir "$T/plans"
cp "$TOP/calendars/van-quan-2018.conf" "$T/plans/"
{
	cat <<'PLAN'
plan = {
  code  = "conc-2018";
  org   = { code = "conc"; name = "Ủy ban nhân dân huyện Đồng Thời"; };
  title = "Kế hoạch thử ghi đồng thời";
  year  = 2018;
};
units = (
PLAN
	i=1
	while [ $i -le $units ]; do
		sep=","; [ $i -eq $units ] && sep=""
		printf '  { code = "dv-%d"; name = "Phòng số %d"; kind = "office";\n    emails = [ "dv%d@conc.example" ]; }%s\n' $i $i $i "$sep"
		i=$((i + 1))
	done
	echo ');'
	echo 'sections = ( { id = "I"; title = "Báo cáo hàng tháng"; tasks = ('
	i=1
	while [ $i -le $tasks ]; do
		sep=","; [ $i -eq $tasks ] && sep=""
		printf '  { id = "%d"; title = "Báo cáo số %d"; lead = [ "dv-%d" ];\n    when = "ngày 10 hàng tháng"; }%s\n' \
		    $i $i $((i % units + 1)) "$sep"
		i=$((i + 1))
	done
	echo '); } );'
} >"$T/plans/conc-2018.conf"
CALENDARS="$T/plans/*.conf" write_config
ctl sync >/dev/null 2>"$T/sync.err" || fail "sync: $(tail -n 3 "$T/sync.err")"
printf 'mật-khẩu-đồng-thời\n' | ctl user add dieu.phoi --unit vpdp >/dev/null 2>&1 || fail "user add"
start_smtpd
echo 0.3 >"$SPOOL/delay"
start_ntmd "$NOW"
BASE="http://127.0.0.1:$HTTP_PORT"

# Every open deadline of both plans, to be marked done; the meetings of June, September
# and November (X.2, X.3), to be set again and again, three to each schedule loop.
ctl occurrences --plan conc-2018 --json >"$T/conc.json" 2>/dev/null || fail "occurrences"
ctl occurrences --plan van-quan-2018 --json >"$T/vq.json" 2>/dev/null || fail "occurrences"
sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id WHERE t.kind != 'meeting'
    AND o.status = 'open' ORDER BY o.id" >"$T/items"
[ "$(wc -l <"$T/items")" -gt 400 ] || fail "only $(wc -l <"$T/items") items to mark done"
sort -rn "$T/items" >"$T/items.rev"
# meetings REF: "ID:MM" of each
meetings() {
	sql "SELECT o.id || ':' || substr(o.period, 6) FROM occurrence o JOIN task t
	    ON t.id = o.task_id WHERE t.ref = '$1' AND o.period IN ('2018-06', '2018-09',
	    '2018-11') ORDER BY o.period" | tr '\n' ' '
}

say "signing in to the desk"
curl -s -c "$T/jar" "$BASE/signin" -o "$T/signin.html" || fail "GET /signin"
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/signin.html" | head -n 1 | grep -o '[0-9a-f]\{64\}')
code=$(curl -s -b "$T/jar" -c "$T/jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$csrf" \
    --data-urlencode "login=dieu.phoi" --data-urlencode "password=mật-khẩu-đồng-thời" "$BASE/signin")
assert_eq "$code" 303 "signing in"
urls="$BASE/healthz $(ctl feed-url dv-1 2>/dev/null) $(ctl feed-url --plan van-quan-2018 2>/dev/null)
    $(ctl feed-url --plan conc-2018 2>/dev/null) $BASE/ $BASE/overdue"

# run LOG ARGS...: one ntmctl run; its exit status, arguments and all it said (stdout
# and stderr on one line) appended to LOG
run() {
	log=$1
	shift
	out=$(ctl "$@" 2>&1 </dev/null) && rc=0 || rc=$?
	printf '%s\t%s\t%s\n' "$rc" "$*" "$(printf '%s' "$out" | tr '\n\t' '  ')" >>"$log"
}
end=$(($(date +%s) + SECONDS_RUN))
running() { [ "$(date +%s)" -lt "$end" ]; }

# done through LIST, then through it again (each then "already done") until the end
done_loop() {
	while running; do
		while read -r id && running; do
			run "$T/done$2.log" done "$id"
		done <"$1"
	done
}
sync_loop() {
	while running; do
		run "$T/sync$1.log" sync
	done
}
# schedule_loop N ID:MM...: the items in turn, each on a day of its month and a time
# that change every pass; days 11-15 of June, 10-14 of September, 12-16 of November
# are working days
schedule_loop() {
	n=0 loop=$1
	shift
	while running; do
		for m; do
			id=${m%:*} month=${m#*:}
			case $month in 06) first=11 ;; 09) first=10 ;; *) first=12 ;; esac
			day=$(printf '2018-%s-%02d' "$month" $((first + n % 5)))
			at=$(printf '%02d:%02d' $((8 + n / 60 % 8)) $((n % 60)))
			run "$T/schedule$loop.log" schedule "$id" --date "$day" --time "$at" \
			    --place "Phòng họp $n"
		done
		n=$((n + 1))
	done
}
http_loop() {
	while running; do
		for u in $urls; do
			curl -s -o /dev/null -b "$T/jar" --compressed --max-time 10 \
			    -w "%{http_code} %{time_total} $u\n" "$u" >>"$T/http.log" || true
		done
	done
}

say "for ${SECONDS_RUN}s: 2 done, 2 sync and 2 schedule loops, a client, a slow SMTP server"
t0=$(date +%s)
pids=
http_loop & pids="$pids $!"
done_loop "$T/items" 1 & pids="$pids $!"
done_loop "$T/items.rev" 2 & pids="$pids $!"
sync_loop 1 & pids="$pids $!"
sync_loop 2 & pids="$pids $!"
# shellcheck disable=SC2046
schedule_loop 1 $(meetings X.2) & pids="$pids $!"
# shellcheck disable=SC2046
schedule_loop 2 $(meetings X.3) & pids="$pids $!"
for p in $pids; do
	wait "$p" || fail "a loop failed"
done
rm -f "$SPOOL/delay"
cat "$T"/done?.log >"$T/done.log"
cat "$T"/sync?.log >"$T/sync.log"
cat "$T"/schedule?.log >"$T/schedule.log"

say "what ntmctl and the client were told"
raw=$(cat "$T/done.log" "$T/sync.log" "$T/schedule.log" | grep -ci 'locked\|SQLITE_BUSY' || true)
grep -i 'locked\|SQLITE_BUSY' "$T/done.log" "$T/sync.log" "$T/schedule.log" | head -n 5
refused=$(cat "$T/done.log" "$T/sync.log" "$T/schedule.log" | grep -vc '^0	' || true)
grep -v '^0	' "$T/done.log" "$T/sync.log" "$T/schedule.log" | head -n 5
bad_http=$(awk '$1 != 200' "$T/http.log" | wc -l)
awk '$1 != 200' "$T/http.log" | head -n 5
requests=$(wc -l <"$T/http.log")
slowest=$(sort -k2 -g "$T/http.log" | tail -n 1 | cut -d' ' -f2)

say "no lost update: every done in ntmctl's output and in its lead unit's feed"
grep '^0	.*marked done$' "$T/done.log" | cut -f2 | cut -d' ' -f2 | sort -n >"$T/marked"
marked=$(wc -l <"$T/marked")
# enough to have raced the other writers: the sanitized build runs about 80 in 15 s
[ "$marked" -gt 50 ] || fail "only $marked items marked done in ${SECONDS_RUN}s"
twice=$(uniq -d "$T/marked" | tr '\n' ' ')
assert_eq "$twice" "" "items reported marked done twice"
ctl occurrences --plan conc-2018 --json >"$T/conc.json" 2>/dev/null || fail "occurrences"
ctl occurrences --plan van-quan-2018 --json >"$T/vq.json" 2>/dev/null || fail "occurrences"
# the lead units of the items marked done, each with its feed
sql "SELECT DISTINCT u.code FROM occurrence o JOIN task_unit tu ON tu.task_id = o.task_id
    AND tu.role = 'lead' JOIN unit u ON u.id = tu.unit_id
    WHERE o.id IN ($(tr '\n' ',' <"$T/marked")0)" >"$T/leads"
for u in $(cat "$T/leads"); do
	curl -sf "$(ctl feed-url "$u" 2>/dev/null)" -o "$T/feed-$u.ics" || fail "GET $u's feed"
	$PY "$TOOLS/check_ics.py" "$T/feed-$u.ics" >"$T/feed-$u.json" || fail "$u's feed"
done
sql "SELECT o.id, o.uid, u.code FROM occurrence o JOIN task_unit tu ON tu.task_id = o.task_id
    AND tu.role = 'lead' JOIN unit u ON u.id = tu.unit_id
    WHERE o.id IN ($(tr '\n' ',' <"$T/marked")0)" >"$T/expected"
lost=$($PY - "$T" <<'PY'
import json, sys
t = sys.argv[1]
occ = {o["id"]: o for f in ("conc.json", "vq.json") for o in json.load(open(f"{t}/{f}"))}
feeds, lost = {}, 0
for line in open(f"{t}/expected"):
    item, uid, unit = line.strip().split("|")
    if unit not in feeds:
        feeds[unit] = {e["uid"]: e for e in json.load(open(f"{t}/feed-{unit}.json"))["events"]}
    e = feeds[unit].get(uid)
    if occ[int(item)]["status"] != "done":
        print(f"item {item}: reported done, ntmctl occurrences says {occ[int(item)]['status']}",
              file=sys.stderr)
        lost += 1
    elif e is None or not e["summary"].startswith("[Đã hoàn thành] ") or e["sequence"] < 1:
        print(f"item {item}: reported done, {unit}'s feed shows {e and (e['summary'], e['sequence'])}",
              file=sys.stderr)
        lost += 1
print(lost)
PY
) || fail "reading the feeds"

say "every meeting as its last schedule left it, one SEQUENCE a change"
curl -sf "$(ctl feed-url --plan van-quan-2018 2>/dev/null)" -o "$T/vq.ics" || fail "GET the plan's feed"
$PY "$TOOLS/check_ics.py" "$T/vq.ics" >"$T/vq-feed.json" || fail "the plan's feed"
sql "SELECT id, uid FROM occurrence" >"$T/uids"
lost_meetings=$($PY - "$T" <<'PY'
import json, re, sys
t = sys.argv[1]
uids = dict(l.strip().split("|") for l in open(f"{t}/uids"))
events = {e["uid"]: e for e in json.load(open(f"{t}/vq-feed.json"))["events"]}
last, seqs, lost = {}, {}, 0
for line in open(f"{t}/schedule.log"):
    rc, args, said = line.rstrip("\n").split("\t")
    m = re.search(r"meeting on (\S+) at (\S+), (.*); sequence (\d+);", said)
    if rc != "0" or not m:
        continue
    item = args.split()[1]
    last[item] = (m.group(1) + "T" + m.group(2) + ":00", m.group(3), int(m.group(4)))
    seqs.setdefault(item, []).append(int(m.group(4)))
for item, (start, place, seq) in last.items():
    e = events.get(uids[item])
    if e is None or (e["start"], e["location"], e["sequence"], e["status"]) != \
            (start, place, seq, "CONFIRMED"):
        print(f"item {item}: last set to {start} at {place}, sequence {seq}; the feed shows "
              f"{e and (e['start'], e['location'], e['sequence'], e['status'])}", file=sys.stderr)
        lost += 1
    if seqs[item] != list(range(seqs[item][0], seqs[item][0] + len(seqs[item]))):
        print(f"item {item}: sequences {seqs[item]}", file=sys.stderr)
        lost += 1
print(lost)
PY
) || fail "reading the meetings"

say "no mail lost or sent twice"
round=$(sql "SELECT strftime('%s', '2018-03-26 00:31:00')")
# every invitation sent (at once, not deferred) and nothing else due left
unsent() {
	sql "SELECT count(*) FROM reminder WHERE state = 'sending' OR (state = 'pending'
	    AND (kind LIKE 'invite-%' OR max(fire_at, next_try) <= $round))"
}
i=0
while [ "$(unsent)" != 0 ] && [ $i -lt 300 ]; do
	i=$((i + 1))
	sleep 0.1
done
sleep 0.5
assert_eq "$(sql "SELECT group_concat(kind || ' ' || state || ': ' || last_error, '; ') FROM reminder
    WHERE state = 'dead' OR last_error IS NOT NULL OR (state IN ('pending', 'sending')
    AND (kind LIKE 'invite-%' OR max(fire_at, next_try) <= $round))")" "" \
    "mail not sent 30 s after the loops, or deferred, or failed (the server refused none)"
sql "SELECT DISTINCT '<' || message_id || '>' FROM reminder WHERE state = 'sent'" | sort >"$T/ids.db"
$PY - "$SPOOL" <<'PY' | sort >"$T/ids.smtp"
import email, email.policy, glob, sys
for f in glob.glob(sys.argv[1] + "/*.eml"):
    print(email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)["Message-ID"])
PY
mails=$(wc -l <"$T/ids.smtp")
[ "$mails" -gt 0 ] || fail "no mail was sent"
assert_eq "$(sort -u "$T/ids.smtp" | wc -l)" "$mails" "distinct Message-IDs at the server (a mail sent twice)"
cmp -s "$T/ids.db" "$T/ids.smtp" || fail "mails recorded sent and mails at the server differ: $(diff "$T/ids.db" "$T/ids.smtp" | head -n 5)"
stop_ntmd

ndone=$(wc -l <"$T/done.log")
echo "concurrency: $ndone done ($marked marked), $(wc -l <"$T/sync.log") sync," \
    "$(wc -l <"$T/schedule.log") schedule, $requests requests (slowest ${slowest}s), $mails mails;" \
    "$raw busy errors, $refused refused, $bad_http HTTP errors, $((lost + lost_meetings)) lost;" \
    "ntmd retried $(grep -c 'busy\|locked' "$T/ntmd.log" || true) times;" \
    "$(($(date +%s) - t0))s"
assert_eq "$raw" 0 "\"database is locked\" told to an ntmctl user"
assert_eq "$refused" 0 "ntmctl runs that failed"
assert_eq "$bad_http" 0 "HTTP answers other than 200"
assert_eq "$lost" 0 "items reported done, not done"
assert_eq "$lost_meetings" 0 "meeting changes lost"
echo ok
