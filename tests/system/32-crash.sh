#!/bin/sh
# SIGKILL loses no mail (issue 14): 520 units each owed one reminder at 07:30, a real
# SMTP server taking 0.03 s a message on each of smtp.connections (2) connections, and
# ntmd killed with SIGKILL ten times in the middle of sending, at moments drawn from a
# fixed seed, then started again (a second later each time, the same reminders due)
# until the outbox is empty. Every Message-ID the database says was sent arrives, and
# nothing else does; a Message-ID that arrives more than once was in flight at a kill;
# there are at most kills × smtp.connections duplicates.
#
# The record: the server numbers what it accepts (NNNN.eml, in order of acceptance).
# After each kill the test waits until the server has written what it was finishing,
# notes the highest number (so the copies accepted between a start and its kill are
# known: that run's "epoch"; the last, unkilled run is the final epoch) and reads the
# outbox as the killed ntmd left it (states 'sent' and 'sending' with their Message-IDs).
#
# In flight at kill k: a message whose copy the server accepted in epoch k (after the
# k-th start, before the k-th kill) and whose reminders the database, read right after
# the kill, held as 'sending' (claimed, its outcome not recorded). Such a message is sent
# again after the restart, with its Message-ID; anything else that comes twice is a
# duplicate ntmd had no excuse for. So each copy of a Message-ID but its last must be in
# flight at the kill that ended its epoch, and no two copies may share an epoch.
#
# A kill's moment: once the server holds a number of messages drawn from the seed
# (20–45 more than at the last kill, so every run sends some and the kills end before
# the outbox does), plus 0–60 ms drawn from it too, so that kills fall at any point of
# the sending, the recording of outcomes and the claiming of the next messages.
. "$(dirname "$0")/test.common"

units=520
kills=10
connections=2
seed=${CRASH_SEED:-14}
# Issue 14: at most the messages in flight are sent again, one a connection at a kill.
max_duplicates=$((kills * connections))

{
	cat <<'PLAN'
plan = {
  code  = "crash-2024";
  org   = { code = "crash"; name = "Ủy ban nhân dân huyện Thử Nghiệm"; };
  title = "Kế hoạch thử dừng đột ngột";
  year  = 2024;
};
units = (
PLAN
	i=1
	while [ $i -le $units ]; do
		sep=","; [ $i -eq $units ] && sep=""
		printf '  { code = "xa-%04d"; name = "Ủy ban nhân dân xã số %d"; kind = "commune";\n    emails = [ "xa%04d@crash.example" ]; }%s\n' $i $i $i "$sep"
		i=$((i + 1))
	done
	echo ');'
	echo 'sections = ('
	# 50 tasks a section, as bench/benchlib.py writes its plans
	i=1
	while [ $i -le $units ]; do
		[ $((i % 50)) -eq 1 ] && printf '  { id = "%d"; title = "Nhóm %d"; tasks = (\n' $((i / 50 + 1)) $((i / 50 + 1))
		sep=","; { [ $((i % 50)) -eq 0 ] || [ $i -eq $units ]; } && sep=""
		printf '    { id = "%d"; title = "Hoàn thành hồ sơ tiêu chí của xã số %d"; lead = [ "xa-%04d" ]; when = "chậm nhất 30/5/2024"; }%s\n' $i $i $i "$sep"
		if [ $((i % 50)) -eq 0 ] || [ $i -eq $units ]; then
			sep=","; [ $i -eq $units ] && sep=""
			echo "  ) }$sep"
		fi
		i=$((i + 1))
	done
	echo ');'
} >"$T/crash-2024.conf"

cat >"$T/ntmd.conf" <<CONF
database = "$T/ntmd.db";
calendars = [ "$T/crash-2024.conf" ];
catalogs = [ "$TOP/config/catalogs/*.conf" ];
holidays = [ "$TOP/config/holidays/*.conf" ];
timezone = "Asia/Ho_Chi_Minh";
http = { listen = "127.0.0.1:$HTTP_PORT"; base_url = "http://127.0.0.1:$HTTP_PORT"; };
smtp = { url = "smtp://127.0.0.1:$SMTP_PORT"; from = "NTM Thử Nghiệm <ntm@crash.example>";
  starttls = "never"; connections = $connections; };
reminders = { lead_days = [7]; send_at = "07:30"; };
CONF
chmod 600 "$T/ntmd.conf"
# 23/05/2024, a Thursday, is seven days before the deadline: one mail a unit at 07:30.
NTM_NOW=2024-05-23T07:29:00+07:00 ctl sync >"$T/sync.out" 2>&1 || fail "sync: $(tail -n 5 "$T/sync.out")"

start_smtpd
echo 0.03 >"$SPOOL/delay"

# The kills' moments: "more-messages extra-seconds", one a line.
$PY - "$seed" "$kills" >"$T/schedule" <<'PY'
import random, sys
r = random.Random(int(sys.argv[1]))
for _ in range(int(sys.argv[2])):
    print(r.randint(20, 45), "%.3f" % (r.randint(0, 60) / 1000))
PY

# kill_at COUNT EXTRA — SIGKILL ntmd EXTRA seconds after the server holds COUNT messages.
kill_at() {
	$PY - "$SPOOL" "$NTMD_PID" "$1" "$2" <<'PY'
import os, signal, sys, time
spool, pid, target, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
deadline = time.monotonic() + 60
while sum(1 for f in os.listdir(spool) if f.endswith(".eml")) < target:
    if time.monotonic() > deadline:
        sys.exit("the server never held %d messages" % target)
    try:
        with open("/proc/%d/stat" % pid) as f:
            alive = f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        alive = False
    if not alive:
        sys.exit("ntmd ended before its kill")
    time.sleep(0.004)
time.sleep(extra)
os.kill(pid, signal.SIGKILL)
PY
}

# settled — the spool has not grown for half a second: what the server was finishing
# for the killed ntmd (a DATA it had read whole) is written.
settled() {
	a=$(mail_count)
	sleep 0.5
	[ "$(mail_count)" -eq "$a" ]
}

say "$kills kills with SIGKILL while $units mails go out"
k=0
mark=0
while read -r more extra; do
	k=$((k + 1))
	start_ntmd "$(printf '2024-05-23T07:30:%02d+07:00' $((k - 1)))"
	kill_at $((mark + more)) "$extra" || fail "kill $k"
	wait "$NTMD_PID" 2>/dev/null && fail "ntmd exited by itself before kill $k" || true
	NTMD_PID=
	wait_for "the server to finish after kill $k" 10 settled
	mark=$(mail_count)
	echo "$k $mark" >>"$T/marks"
	sql "SELECT DISTINCT message_id, state FROM reminder WHERE state IN ('sent', 'sending')" \
	    >"$T/kill-$k.outbox"
	echo "kill $k: $mark messages at the server, $(grep -c '|sending$' "$T/kill-$k.outbox" || true) claimed, not recorded"
done <"$T/schedule"
[ "$mark" -lt $units ] || fail "the outbox emptied before the last kill: nothing was in flight"

say "a last start sends the rest"
start_ntmd "$(printf '2024-05-23T07:30:%02d+07:00' $kills)"
# The reminders owed today; each item's 'overdue' one waits for 31/05.
today="fire_at <= CAST(strftime('%s', '2024-05-23 00:30:00') AS INTEGER)"
left() { [ "$(sql "SELECT count(*) FROM reminder WHERE $today AND state != 'sent'")" -eq 0 ]; }
wait_for "every reminder sent" 60 left
wait_for "the last messages at the server" 10 settled
stop_ntmd
assert_eq "$(sql "SELECT kind || ' ' || state || ' ' || count(*) FROM reminder WHERE $today GROUP BY kind, state")" "lead-7 sent $units" "the outbox at the end"
sql "SELECT DISTINCT message_id FROM reminder WHERE $today AND state = 'sent'" >"$T/expected"

$PY - "$SPOOL" "$T" "$kills" "$max_duplicates" <<'PY' || fail "the mail at the server, the outbox and the kills disagree (above)"
import email.parser, os, re, sys
from collections import defaultdict

spool, t, kills, max_duplicates = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
problems = []
expected = set(open(os.path.join(t, "expected")).read().split())
marks = [int(line.split()[1]) for line in open(os.path.join(t, "marks"))]
outbox = []		# at each kill: Message-ID -> 'sent' or 'sending'
for k in range(1, kills + 1):
    with open(os.path.join(t, "kill-%d.outbox" % k)) as f:
        outbox.append(dict(line.strip().split("|") for line in f if line.strip()))
# What each run had heard from the server before its kill: its log's "result=sent" lines
# (the log is unbuffered stderr, split at each start's NTM_NOW line).
heard = []
for line in open(os.path.join(t, "ntmd.log"), encoding="utf-8", errors="replace"):
    if "the clock starts at" in line:
        heard.append(set())
    elif heard and "result=sent" in line:
        heard[-1].update(re.findall(r"msgid=<([^>]*)>", line))

def epoch(n):
    """The run (1-based) whose epoch holds the server's n-th message; kills + 1: the last."""
    return next((k + 1 for k, m in enumerate(marks) if n <= m), kills + 1)

copies = defaultdict(list)	# Message-ID -> the epochs of its copies, in order
parser = email.parser.BytesHeaderParser()
names = sorted(f for f in os.listdir(spool) if f.endswith(".eml"))
for name in names:
    with open(os.path.join(spool, name), "rb") as f:
        msgid = (parser.parse(f).get("Message-ID") or "").strip().strip("<>")
    if not msgid:
        problems.append("%s has no Message-ID" % name)
    copies[msgid].append(epoch(int(name[:-4])))

received = set(copies)
lost = expected - received
duplicates = len(names) - len(received)
for m in sorted(lost)[:5]:
    problems.append("lost: <%s>, sent by the outbox, never at the server" % m)
for m in sorted(received - expected)[:5]:
    problems.append("<%s> at the server, not sent by the outbox" % m)
# Of the copies accepted in each run and in flight at its kill: those ntmd's loop had not
# heard of (on the wire, or answered and not yet reported by the mailer's thread), and
# those it had logged as sent but not yet recorded.
unheard, unrecorded = [0] * kills, [0] * kills
for m, eps in sorted(copies.items()):
    for j, e in enumerate(eps):
        state = outbox[e - 1].get(m) if e <= kills else None
        if e <= kills and state is None:
            problems.append("<%s> accepted in run %d, neither sent nor sending at its kill" % (m, e))
        if state == "sending":
            (unrecorded if m in heard[e - 1] else unheard)[e - 1] += 1
        if j == len(eps) - 1:
            continue
        if eps[j + 1] == e:
            problems.append("<%s> accepted twice in run %d, with no kill between" % (m, e))
        elif state != "sending":
            problems.append("<%s> accepted in run %d, recorded %s at its kill, sent again in run %d"
                            % (m, e, state, eps[j + 1]))
print("in flight at each kill, not yet heard of + logged sent, not recorded: "
      + " ".join("%d+%d" % (w, u) for w, u in zip(unheard, unrecorded)))
print("most copies of one Message-ID: %d" % max(len(eps) for eps in copies.values()))
print("crash: %d kills, %d expected, %d lost, %d duplicates"
      % (kills, len(expected), len(lost), duplicates))
if len(expected) < 500:
    problems.append("only %d mails expected" % len(expected))
if duplicates > max_duplicates:
    problems.append("%d duplicates, more than kills × smtp.connections = %d"
                    % (duplicates, max_duplicates))
for p in problems[:20]:
    print("FAIL: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo ok
