#!/bin/sh
# The feeds' VTIMEZONE comes from libical's zone data (the system's zoneinfo), with the
# zone's name as TZID: for Asia/Ho_Chi_Minh every offset since 1911 (+08 and +09 in the
# 1940s, +08 until 1975), for Europe/Paris every daylight-saving change, each checked
# against zoneinfo at the changes themselves (tests/tools/check_vtimezone.py), and the
# feed read by python-icalendar and ical.js alike.
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
done
echo "PASS"
