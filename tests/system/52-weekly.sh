#!/bin/sh
# A day of every week (issue 15): "vào thứ 7 hàng tuần" and its kin are read as weekly,
# every such day of the plan's year. Without a `kind` the task is a campaign: one
# occurrence, one all-day VEVENT with RRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20231230 in the
# plan's and each unit's feed, which python3-recurring-ical-events and ical.js
# (ICAL.Event#iterator, tests/tools/expand_ics.mjs) both expand to the 52 Saturdays of
# 2023; never a reminder row, never a mail, never overdue, in no report. Cẩm Thành's
# two campaigns (III.2.4, IV.2.4) and a generated plan with the same wording twice, once
# with `kind = "deadline"`: 52 dated deadlines, each reminded and overdue as any other.
. "$(dirname "$0")/test.common"

NOW=2023-12-29T07:29:57+07:00	# the 07:30 round: lead-1 of the deadlines due 02/01/2024,
				# and the day before the campaigns' last Saturday
export NTM_NOW=$NOW
CAMPAIGN_TITLE="Tuyên truyền vận động người dân tham gia phong trào toàn dân vệ sinh"
RRULE="FREQ=WEEKLY;BYDAY=SA;UNTIL=20231230"
DEADLINE_STATES="('upcoming', 'due_soon', 'due_today', 'late', 'overdue')"

# weekdays N: every day of 2023 of weekday N (0 Monday .. 6 Sunday), by Python's datetime
weekdays() {
	$PY -c 'import datetime, sys
d, w = datetime.date(2023, 1, 1), int(sys.argv[1])
days = []
while d.year == 2023:
    if d.weekday() == w:
        days.append(d.isoformat())
    d += datetime.timedelta(days=1)
print(" ".join(days))' "$1"
}
SATURDAYS=$(weekdays 5)
assert_eq "$(echo "$SATURDAYS" | wc -w)" 52 "Saturdays in 2023 (datetime)"

say "ntmctl when: a day of every week is kind weekly, start = due = each such day"
write_config
# when_days TEXT: "KIND DAY DAY ..." (a day whose start and due differ shown as START/DUE)
when_days() {
	ctl when --year 2023 --json "$1" >"$T/when.json" 2>"$T/when.err" ||
	    fail "ntmctl when '$1': $(cat "$T/when.err")"
	json "$T/when.json" "' '.join([j['kind']] + [o['start'] if o['start'] == o['due'] else o['start'] + '/' + o['due'] for o in j['occurrences']])"
}
for w in "vào thứ 7 hàng tuần|5" "thứ Bảy hằng tuần|5" "T7 hàng tuần|5" "hàng tuần vào thứ Hai|0" \
    "các ngày thứ Sáu hàng tuần|4" "chủ nhật hàng tuần|6"; do
	assert_eq "$(when_days "${w%|*}")" "weekly $(weekdays "${w#*|}")" "ntmctl when '${w%|*}'"
done
assert_eq "$(when_days "hàng tuần vào thứ Hai" | wc -w)" 53 "the Mondays of 2023 (52) and the kind"
for w in "hằng tuần" "hàng tuần"; do
	assert_eq "$(when_days "$w")" "weekly" "ntmctl when '$w': weekly, no dates"
done

say "sync of cam-thanh-2023.conf: each weekly task one campaign row, with its RRULE"
CALENDARS="$TOP/calendars/cam-thanh-2023.conf" write_config
ctl sync >"$T/sync.out" 2>&1 || fail "sync of cam-thanh-2023.conf: $(tail -n 3 "$T/sync.out")"
# rows REF: the occurrences of task REF of cam-thanh-2023, one line each
rows() {
	sql "SELECT o.period, o.start, o.due, o.rrule, o.uid FROM occurrence o
	    JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id
	    WHERE p.code = '${2:-cam-thanh-2023}' AND t.ref = '$1' ORDER BY o.period"
}
for ref in III.2.4 IV.2.4; do
	assert_eq "$(rows $ref)" "weekly|2023-01-07|2023-12-30|$RRULE|cam-thanh-2023/$ref/weekly@ntmd" \
	    "the occurrence of $ref"
done
CAMPAIGN_IDS=$(sql "SELECT group_concat(o.id) FROM occurrence o JOIN task t ON t.id = o.task_id
    WHERE o.uid IN ('cam-thanh-2023/III.2.4/weekly@ntmd', 'cam-thanh-2023/IV.2.4/weekly@ntmd')")
case $CAMPAIGN_IDS in *,*) ;; *) fail "the campaigns' ids: [$CAMPAIGN_IDS]" ;; esac
assert_eq "$(sql "SELECT count(*) FROM reminder WHERE occurrence_id IN ($CAMPAIGN_IDS)")" 0 \
    "reminder rows of the campaigns after the sync"
# the roles of the feed's units: mttq-xa supports III.2.4 and leads IV.2.4
assert_eq "$(sql "SELECT group_concat(t.ref || ':' || tu.role, ' ') FROM task_unit tu
    JOIN task t ON t.id = tu.task_id JOIN unit u ON u.id = tu.unit_id
    WHERE u.code = 'mttq-xa' AND t.ref IN ('III.2.4', 'IV.2.4') ORDER BY t.ref")" \
    "III.2.4:support IV.2.4:lead" "mttq-xa in the campaigns"

say "a generated plan: the same wording without kind (a campaign) and with kind = deadline"
cat >"$T/tuan-2023.conf" <<'PLAN'
plan = {
  code  = "tuan-2023";
  org   = { code = "tuan"; name = "Ủy ban nhân dân xã Hằng Tuần"; };
  title = "Kế hoạch thử việc hằng tuần";
  year  = 2023;
};
units = (
  { code = "vp"; name = "Văn phòng Điều phối xã"; kind = "office"; coordinator = true;
    emails = [ "vp@tuan.example" ]; },
  { code = "mttq"; name = "Ủy ban Mặt trận Tổ quốc xã"; kind = "organisation";
    emails = [ "mttq@tuan.example" ]; }
);
sections = ( { id = "I"; title = "Việc hằng tuần"; tasks = (
  { id = "1"; title = "Ra quân dọn vệ sinh đường làng"; lead = [ "mttq" ];
    when = "thứ Bảy hằng tuần"; },
  { id = "2"; title = "Báo cáo tuần về vệ sinh môi trường"; lead = [ "mttq" ];
    when = "thứ Bảy hằng tuần"; kind = "deadline"; }
); } );
PLAN
sed -i "s#^calendars = .*#calendars = [ \"$TOP/calendars/cam-thanh-2023.conf\", \"$T/tuan-2023.conf\" ];#" "$T/ntmd.conf"
ctl sync >"$T/sync.out" 2>&1 || fail "sync with the generated plan: $(tail -n 3 "$T/sync.out")"
assert_eq "$(rows I.1 tuan-2023)" "weekly|2023-01-07|2023-12-30|$RRULE|tuan-2023/I.1/weekly@ntmd" \
    "the campaign without kind"
assert_eq "$(rows I.2 tuan-2023 | cut -d'|' -f1 | tr '\n' ' ' | sed 's/ $//')" "$SATURDAYS" \
    "the periods of the weekly deadline: the Saturdays of 2023"
assert_eq "$(rows I.2 tuan-2023 | grep -c "|weekly@ntmd\|$RRULE")" 0 "no rrule on the deadlines"
CAMPAIGN_IDS="$CAMPAIGN_IDS,$(sql "SELECT id FROM occurrence WHERE uid = 'tuan-2023/I.1/weekly@ntmd'")"

ctl occurrences --plan tuan-2023 --json >"$T/tuan.json" 2>/dev/null || fail "occurrences --plan tuan-2023"
assert_eq "$(json "$T/tuan.json" "[(o['uid'], o['start'], o['due'], o['rrule'], o['due_original']) for o in j if o['task'] == 'I.1']")" \
    "[('tuan-2023/I.1/weekly@ntmd', '2023-01-07', '2023-12-30', '$RRULE', None)]" "the campaign in ntmctl occurrences"
assert_eq "$(json "$T/tuan.json" "[o['state'] for o in j if o['task'] == 'I.1' and o['state'] in $DEADLINE_STATES]")" \
    "[]" "the campaign's state (no deadline state) on $NOW"
# each deadline starts on its Saturday, a day off, and is due the next working day
assert_eq "$(json "$T/tuan.json" "' '.join(o['start'] for o in j if o['task'] == 'I.2')")" "$SATURDAYS" \
    "the deadlines' starts"
assert_eq "$(json "$T/tuan.json" "[(o['start'], o['due'], o['due_original'], o['rrule']) for o in j if o['task'] == 'I.2' and not (o['due_original'] == o['start'] < o['due'] and __import__('datetime').date.fromisoformat(o['due']).weekday() < 5 and o['rrule'] is None)]")" \
    "[]" "deadlines not due on a working day after their Saturday"
assert_eq "$(json "$T/tuan.json" "sorted((o['uid'], o['due'], o['state']) for o in j if o['task'] == 'I.2')[-2:]")" \
    "[('tuan-2023/I.2/2023-12-23@ntmd', '2023-12-25', 'overdue'), ('tuan-2023/I.2/2023-12-30@ntmd', '2024-01-02', 'due_soon')]" \
    "the last two deadlines on $NOW"
ctl occurrences --plan cam-thanh-2023 --json >"$T/cam.json" 2>/dev/null || fail "occurrences --plan cam-thanh-2023"
assert_eq "$(json "$T/cam.json" "[(o['uid'], o['start'], o['due'], o['rrule']) for o in j if o['rrule'] or o['task'] in ('III.2.4', 'IV.2.4')]")" \
    "[('cam-thanh-2023/III.2.4/weekly@ntmd', '2023-01-07', '2023-12-30', '$RRULE'), ('cam-thanh-2023/IV.2.4/weekly@ntmd', '2023-01-07', '2023-12-30', '$RRULE')]" \
    "Cẩm Thành's campaigns in ntmctl occurrences"
assert_eq "$(json "$T/cam.json" "[o['state'] for o in j if o['rrule'] and o['state'] in $DEADLINE_STATES]")" \
    "[]" "the Cẩm Thành campaigns' state on $NOW"

say "ntmd at $NOW: the feeds over HTTP, the 07:30 round at a real SMTP server"
start_smtpd
start_ntmd "$NOW"
plan_url=$(ctl feed-url --plan cam-thanh-2023 2>/dev/null) || fail "feed-url --plan cam-thanh-2023"
unit_url=$(ctl feed-url mttq-xa 2>/dev/null) || fail "feed-url mttq-xa"
tuan_url=$(ctl feed-url --plan tuan-2023 2>/dev/null) || fail "feed-url --plan tuan-2023"
# title UID: the title of the task of the occurrence UID
title() {
	sql "SELECT t.title FROM task t JOIN occurrence o ON o.task_id = t.id WHERE o.uid = '$1'"
}
# feed URL NAME UIDS: the feed into $T/NAME.ics, read strictly by both parsers (which
# must agree), each campaign of UIDS one all-day VEVENT with the weekly RRULE, and the
# feed expanded over 2023 by python3-recurring-ical-events and ical.js, identically,
# each campaign to the 52 Saturdays
feed() {
	name=$2
	read_feed "$1" "$2" 2023-01-01 2024-01-01
	node "$TOOLS/expand_ics.mjs" "$T/$2.ics" 2023-01-01 2024-01-01 >"$T/$2.js.exp" ||
	    fail "ical.js expanding $2"
	cmp -s "$T/$2.exp" "$T/$2.js.exp" ||
	    fail "recurring-ical-events and ical.js expand $2 differently: $(diff "$T/$2.exp" "$T/$2.js.exp" | head -n 5)"
	shift 2
	for uid; do
		assert_eq "$(grep -c "^UID:$uid" "$T/$name.ics")" 1 "VEVENTs of $uid in $name"
		uid_ref=${uid%/weekly@ntmd}
		assert_eq "$(grep -c "^UID:$uid_ref/" "$T/$name.ics")" 1 "VEVENTs of ${uid_ref#*/} in $name"
		# the event as written, its lines unfolded
		$PY -c 'import sys
text = open(sys.argv[1], encoding="utf-8", newline="").read().replace("\r\n ", "")
for ev in text.split("BEGIN:VEVENT\r\n")[1:]:
    lines = ev.split("END:VEVENT\r\n")[0].split("\r\n")
    if "UID:" + sys.argv[2] in lines:
        print("\n".join(sorted(l for l in lines if l.split(":")[0].split(";")[0]
                               in ("DTSTART", "DTEND", "RRULE", "RDATE", "EXDATE", "DURATION"))))' \
		    "$T/$name.ics" "$uid" >"$T/event.txt"
		assert_eq "$(grep -v '^RRULE:' "$T/event.txt" | tr '\n' ' ')" \
		    "DTEND;VALUE=DATE:20230108 DTSTART;VALUE=DATE:20230107 " "DTSTART, DTEND of $uid in $name"
		# the RRULE's parts in any order (libical writes UNTIL before BYDAY)
		assert_eq "$(sed -n 's/^RRULE://p' "$T/event.txt" | tr ';' '\n' | sort | tr '\n' ';')" \
		    "BYDAY=SA;FREQ=WEEKLY;UNTIL=20231230;" "the RRULE of $uid in $name"
		for how in exp js.exp; do
			assert_eq "$(grep "^$uid " "$T/$name.$how" | cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//')" \
			    "$SATURDAYS" "$uid in $name expanded ($how)"
		done
		assert_eq "$(json "$T/$name.json" "[(e['summary'], e['allday'], e['start'], e['end']) for e in j['events'] if e['uid'] == '$uid']")" \
		    "[('$(title "$uid")', True, '2023-01-07', '2023-01-08')]" \
		    "$uid in $name: its title alone (no deadline mark), all day"
	done
}
feed "$plan_url" plan cam-thanh-2023/III.2.4/weekly@ntmd cam-thanh-2023/IV.2.4/weekly@ntmd
feed "$unit_url" unit cam-thanh-2023/III.2.4/weekly@ntmd cam-thanh-2023/IV.2.4/weekly@ntmd
feed "$tuan_url" tuan tuan-2023/I.1/weekly@ntmd
assert_eq "$(grep -c '^UID:tuan-2023/I.2/' "$T/tuan.ics")" 52 "the weekly deadlines in the feed"
assert_eq "$(grep -c '^tuan-2023/I.2/' "$T/tuan.exp")" 51 "the weekly deadlines in 2023, expanded (the last due 02/01/2024)"

say "the 07:30 round: mail for the deadlines, none for the campaigns, no reminder rows"
# mailed ADDRESS: a message to ADDRESS reached the SMTP server
mailed() {
	grep -l "\"$1\"" "$SPOOL"/*.json >/dev/null 2>&1
}
wait_for "the reminder to ubnd@camthanh.example" 20 mailed ubnd@camthanh.example
wait_for "the reminder to mttq@tuan.example" 20 mailed mttq@tuan.example
sleep 3	# the rest of the round
# every mail, decoded (text, HTML and the .ics unfolded), on one line after its recipients
: >"$T/mails.txt"
for f in "$SPOOL"/*.eml; do
	$PY "$TOOLS/check_mail.py" "$f" >"$T/mail.json" || fail "mail $f is malformed"
	$PY -c 'import json, sys
j = json.load(open(sys.argv[1]))
body = " ".join(x or "" for x in (j["text"], j["html"], (j["ics"] or "").replace("\r\n ", "")))
print(",".join(j["to_addrs"]) + "\t" + " ".join(body.split()))' "$T/mail.json" >>"$T/mails.txt"
done
grep "^ubnd@camthanh.example	" "$T/mails.txt" | grep -q "mục MT.3" ||
    fail "Cẩm Thành's round: no reminder of MT.3 to ubnd@camthanh.example"
grep "^mttq@tuan.example	" "$T/mails.txt" | grep -q "Báo cáo tuần về vệ sinh môi trường" ||
    fail "the weekly deadline not reminded to mttq@tuan.example"
assert_eq "$(grep -c "$CAMPAIGN_TITLE\|phong trào toàn dân vệ sinh\|Ra quân dọn vệ sinh\|/weekly@ntmd" "$T/mails.txt")" 0 \
    "mails of the round ($(wc -l <"$T/mails.txt") in all) that mention a campaign"
assert_eq "$(sql "SELECT count(*) FROM reminder WHERE occurrence_id IN ($CAMPAIGN_IDS)")" 0 \
    "reminder rows of the campaigns after the round"
assert_eq "$(sql "SELECT count(DISTINCT r.occurrence_id) FROM reminder r JOIN occurrence o
    ON o.id = r.occurrence_id JOIN task t ON t.id = o.task_id WHERE t.ref = 'I.2'
    AND o.uid LIKE 'tuan-2023/%'")" 52 "the weekly deadlines with reminder rows"
assert_eq "$(sql "SELECT count(DISTINCT r.occurrence_id) FROM reminder r JOIN occurrence o
    ON o.id = r.occurrence_id WHERE o.uid LIKE 'cam-thanh-2023/MT.%'")" 8 "Cẩm Thành's deadlines with reminder rows"
stop_ntmd

say "after the last Saturday (15/01/2024): not overdue, in no report"
LATER=2024-01-15T08:00:00+07:00
NTM_NOW=$LATER ctl overdue --json >"$T/overdue.json" 2>/dev/null || fail "ntmctl overdue"
assert_eq "$(json "$T/overdue.json" "[(o['plan'], o['task']) for o in j if o['task'] in ('III.2.4', 'IV.2.4') or (o['plan'], o['task']) == ('tuan-2023', 'I.1')]")" \
    "[]" "campaigns in ntmctl overdue"
assert_eq "$(json "$T/overdue.json" "(sorted(o['task'] for o in j if o['plan'] == 'cam-thanh-2023'), len([o for o in j if o['task'] == 'I.2']))")" \
    "(['MT.10', 'MT.3', 'MT.4', 'MT.6', 'MT.7', 'MT.8'], 52)" "what ntmctl overdue lists"
NTM_NOW=$LATER ctl overdue --plan cam-thanh-2023 --csv >"$T/overdue.csv" 2>/dev/null || fail "ntmctl overdue --csv"
grep -q "MT.3" "$T/overdue.csv" || fail "ntmctl overdue --csv lists no MT.3"
grep -q "III.2.4\|IV.2.4\|toàn dân vệ sinh" "$T/overdue.csv" && fail "a campaign in ntmctl overdue --csv"
for plan in cam-thanh-2023 tuan-2023; do
	NTM_NOW=$LATER ctl occurrences --plan $plan --json >"$T/later.json" 2>/dev/null || fail "occurrences $plan"
	assert_eq "$(json "$T/later.json" "[o['state'] for o in j if o['rrule'] and o['state'] in $DEADLINE_STATES]")" \
	    "[]" "the campaigns' state in $plan on $LATER"
	# the report over 2023 and January 2024 counts each item due then, but no campaign
	NTM_NOW=$LATER ctl report --from 2023-01-01 --to 2024-01-31 --plan $plan --json >"$T/report.json" 2>/dev/null ||
	    fail "ntmctl report $plan"
	assert_eq "$(json "$T/report.json" "[r['total'] for r in j if r['unit'] is None]")" \
	    "[$(json "$T/later.json" "len([o for o in j if not o['rrule'] and '2023-01-01' <= o['due'] <= '2024-01-31'])")]" \
	    "the report's total for $plan"
done
assert_eq "$(json "$T/report.json" "[(r['unit'], r['total'], r['open_overdue']) for r in j]")" \
    "[('mttq', 52, 52), (None, 52, 52)]" "the report of tuan-2023"
NTM_NOW=$LATER ctl feed --plan cam-thanh-2023 >"$T/later.ics" 2>/dev/null || fail "ntmctl feed --plan"
$PY "$TOOLS/check_ics.py" "$T/later.ics" >"$T/later.ics.json" || fail "python-icalendar (later)"
for uid in cam-thanh-2023/III.2.4/weekly@ntmd cam-thanh-2023/IV.2.4/weekly@ntmd; do
	assert_eq "$(json "$T/later.ics.json" "[e['summary'] for e in j['events'] if e['uid'] == '$uid']")" \
	    "['$(title "$uid")']" "the summary of $uid on $LATER (no overdue mark)"
done

echo "weekly: 2 campaigns, 52 Saturdays each in python-icalendar and ical.js, 0 reminders"
echo ok
