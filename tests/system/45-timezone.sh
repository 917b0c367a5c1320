#!/bin/sh
# The feeds' VTIMEZONE comes from libical's zone data (the system's zoneinfo), with the
# zone's name as TZID: for Asia/Ho_Chi_Minh every offset since 1911 (+08 and +09 in the
# 1940s, +08 until 1975), for Europe/Paris every daylight-saving change, each checked
# against zoneinfo at the changes themselves (tests/tools/check_vtimezone.py), and the
# feed read by python-icalendar and ical.js alike; a meeting set at 08:00 is the
# instant zoneinfo gives in winter and in summer.
. "$(dirname "$0")/test.common"

export NTM_NOW=2018-03-26T08:00:00+07:00
for zone in Asia/Ho_Chi_Minh:1911 Europe/Paris:1970; do
	name=${zone%:*} since=${zone#*:}
	say "$name"
	write_config
	sed -i "s#^timezone = .*#timezone = \"$name\";#" "$T/ntmd.conf"
	rm -f "$T/ntmd.db"
	ctl sync >/dev/null 2>&1 || fail "sync in $name"
	ctl feed vpdp >"$T/feed.ics" 2>"$T/err" || fail "ntmctl feed: $(cat "$T/err")"
	assert_eq "$(grep -c '^BEGIN:VTIMEZONE' "$T/feed.ics")" 1 "VTIMEZONEs in $name"
	grep -q "freeassociation" "$T/feed.ics" && fail "libical's TZID prefix in the feed"
	$PY "$TOOLS/check_vtimezone.py" "$T/feed.ics" "$name" "$since" 2035 >"$T/out" ||
	    fail "$name's VTIMEZONE against zoneinfo"
	echo "   $(cat "$T/out")"
	$PY "$TOOLS/check_ics.py" "$T/feed.ics" >"$T/py.json" || fail "python-icalendar refuses the feed"
	node "$TOOLS/check_ics.mjs" "$T/feed.ics" >"$T/js.json" || fail "ical.js refuses the feed"
	cmp -s "$T/py.json" "$T/js.json" || fail "the two parsers read the feed differently"
	assert_eq "$(json "$T/py.json" 'j["timezones"]')" "['$name']" "the feed's zone"
	# the steering committee at 08:00 in March and in June: in Paris one at +01:00,
	# the other at +02:00; each instant checked against zoneinfo, in both parsers
	for day in 2018-03-15 2018-06-14; do
		id=$(sql "SELECT o.id FROM occurrence o JOIN task t ON t.id = o.task_id WHERE
		    t.ref = 'X.3' AND o.period = '${day%-*}'")
		ctl schedule "$id" --date "$day" --time 08:00 >/dev/null 2>&1 ||
		    fail "scheduling the meeting of $day in $name"
	done
	ctl feed vpdp >"$T/feed.ics" 2>/dev/null || fail "ntmctl feed after scheduling"
	$PY "$TOOLS/check_ics.py" "$T/feed.ics" >"$T/py.json" || fail "python-icalendar, timed"
	node "$TOOLS/check_ics.mjs" "$T/feed.ics" >"$T/js.json" || fail "ical.js, timed"
	cmp -s "$T/py.json" "$T/js.json" || fail "the two parsers read the timed meetings differently"
	for day in 2018-03-15 2018-06-14; do
		want=$($PY -c 'import datetime, sys, zoneinfo
t = datetime.datetime.fromisoformat(sys.argv[1] + "T08:00").replace(tzinfo=zoneinfo.ZoneInfo(sys.argv[2]))
print(t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$day" "$name")
		got=$(json "$T/py.json" "[e['utc'] for e in j['events'] if e['uid'] == 'van-quan-2018/X.3/${day%-*}@ntmd'][0]")
		assert_eq "$got" "$want" "08:00 on $day in $name"
		echo "   08:00 on $day in $name is $got"
	done
done
echo "PASS"
