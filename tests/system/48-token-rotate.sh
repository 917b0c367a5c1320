#!/bin/sh
# A feed URL forwarded to the wrong person is killed: ntmctl token rotate prints a new
# URL, and the running ntmd answers the old one 404 at once (it had the feed cached);
# ntmctl token list shows which tokens exist, of which generation, never a token.
. "$(dirname "$0")/test.common"

write_config
start_smtpd
start_ntmd 2018-03-20T09:00:00+07:00
export NTM_NOW=2018-03-20T09:00:00+07:00
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
assert_eq "$(json "$T/list.json" '[(r["unit"], r["generation"], r["created"]) for r in j if r["unit"] == "van-quan/vpdp"]')" \
    "[('van-quan/vpdp', 3, '2018-03-20')]" "vpdp's token"
for u in "$old" "$new"; do
	tok=$(echo "$u" | sed 's#.*/feeds/\([0-9a-f]*\)/.*#\1#')
	grep -q "$tok" "$T/list.json" && fail "a token in token list"
	ctl token list | grep -q "$tok" && fail "a token in token list's text"
done
assert_eq "$(sql "SELECT count(*) FROM feed_token WHERE token_hash LIKE '%$(echo "$new" | sed 's#.*/feeds/\([0-9a-f]*\)/.*#\1#')%'")" 0 "a token stored in clear"
stop_ntmd
echo "PASS"
