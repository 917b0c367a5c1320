#!/bin/sh
# A feed URL forwarded to the wrong person is killed: ntmctl token rotate prints a new
# URL, and the running ntmd answers the old one 404 at once (it had the feed cached);
# ntmctl token list shows which tokens exist, of which generation, never a token. A
# plan's own feed, everything in it, at its own URL, rotated the same way.
. "$(dirname "$0")/test.common"

write_config
start_smtpd
start_ntmd 2018-03-20T09:00:00+07:00
export NTM_NOW=2018-03-20T09:00:00+07:00
BASE="http://127.0.0.1:$HTTP_PORT"
old=$(ctl feed-url vpdp 2>/dev/null) || fail "feed-url"
code() { curl -s -o /dev/null -w '%{http_code}' "$1"; }
assert_eq "$(code "$old")" 200 "the feed before"
assert_eq "$(code "$old")" 200 "the feed again (now from ntmd's cache)"
tckh=$(ctl feed-url phong-tckh 2>/dev/null) || fail "feed-url phong-tckh"

say "rotate"
new=$(ctl token rotate vpdp 2>"$T/err") || fail "token rotate: $(cat "$T/err")"
assert_contains "$(cat "$T/err")" "previous URL opens nothing" "what rotate says"
[ "$new" != "$old" ] || fail "the same URL after rotating"
assert_eq "${new##*/}" "vpdp.ics" "the new URL's unit"
wait_for "the old URL refused" 5 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$old')\" = 404 ]"
assert_eq "$(code "$new")" 200 "the new URL"
assert_eq "$(ctl feed-url vpdp 2>/dev/null)" "$new" "feed-url after rotating"
assert_eq "$(code "$tckh")" 200 "another unit's URL"
assert_eq "$(code "$(ctl token rotate vpdp 2>/dev/null)")" 200 "a second rotation's URL"
assert_eq "$(code "$new")" 404 "the first rotation's URL after the second"

say "token list: no secret in it"
ctl token list --json >"$T/list.json" || fail "token list"
assert_eq "$(json "$T/list.json" '[(r["kind"], r["feed"], r["generation"], r["created"]) for r in j if r["feed"] == "van-quan/vpdp"]')" \
    "[('unit', 'van-quan/vpdp', 3, '2018-03-20')]" "vpdp's token"
for u in "$old" "$new"; do
	tok=$(echo "$u" | sed 's#.*/feeds/\([0-9a-f]*\)/.*#\1#')
	grep -q "$tok" "$T/list.json" && fail "a token in token list"
	ctl token list | grep -q "$tok" && fail "a token in token list's text"
done
assert_eq "$(sql "SELECT count(*) FROM feed_token WHERE token_hash LIKE '%$(echo "$new" | sed 's#.*/feeds/\([0-9a-f]*\)/.*#\1#')%'")" 0 "a token stored in clear"

say "the plan's own feed: everything in the plan, its own token"
plan=$(ctl feed-url --plan van-quan-2018 2>/dev/null) || fail "feed-url --plan"
assert_eq "${plan##*/}" "van-quan-2018.ics" "the plan feed's URL"
curl -s -o "$T/plan.ics" "$plan" || fail "GET the plan feed"
$PY "$TOOLS/check_ics.py" "$T/plan.ics" >"$T/plan.json" || fail "python-icalendar refuses the plan feed"
node "$TOOLS/check_ics.mjs" "$T/plan.ics" >"$T/plan-js.json" || fail "ical.js refuses the plan feed"
cmp -s "$T/plan.json" "$T/plan-js.json" || fail "the two parsers read the plan feed differently"
assert_eq "$(json "$T/plan.json" 'len(j["events"])')" \
    "$(sql "SELECT count(*) FROM occurrence o JOIN task t ON t.id = o.task_id JOIN plan p ON p.id = t.plan_id WHERE p.code = 'van-quan-2018' AND o.status != 'cancelled'")" \
    "the plan feed's events: every item of the plan"
assert_eq "$(json "$T/plan.json" 'j["calname"]')" \
    "Nông thôn mới - Kế hoạch 15/KH-UBND — $(sql "SELECT title FROM plan WHERE code = 'van-quan-2018'")" "the plan feed's name"
ctl feed --plan van-quan-2018 >"$T/plan-ctl.ics" 2>/dev/null || fail "ntmctl feed --plan"
$PY "$TOOLS/check_ics.py" "$T/plan-ctl.ics" >"$T/plan-ctl.json" || fail "ntmctl feed --plan"
assert_eq "$(json "$T/plan-ctl.json" 'len(j["events"])')" "$(json "$T/plan.json" 'len(j["events"])')" "ntmctl feed --plan"
tok=$(echo "$plan" | sed 's#.*/feeds/\([0-9a-f]*\)/.*#\1#')
assert_eq "$(code "$BASE/feeds/$tok/vpdp.ics")" 404 "the plan's token for a unit's feed"
assert_eq "$(code "${new%/*}/van-quan-2018.ics")" 404 "a unit's token for the plan's feed"
newplan=$(ctl token rotate --plan van-quan-2018 2>/dev/null) || fail "token rotate --plan"
wait_for "the plan's old URL refused" 5 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$plan')\" = 404 ]"
assert_eq "$(code "$newplan")" 200 "the plan's new URL"
ctl token list --json >"$T/list.json" || fail "token list"
assert_eq "$(json "$T/list.json" '[(r["kind"], r["generation"]) for r in j if r["feed"] == "van-quan-2018"]')" \
    "[('plan', 2)]" "the plan's token in token list"
stop_ntmd
echo "PASS"
