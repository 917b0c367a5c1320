#!/bin/sh
# A feed is sent gzip-compressed to a client that asks (Accept-Encoding), plain to one
# that does not or refuses it (q=0); the two are different representations with their
# own ETags (a 304 answers only the ETag of the same form), both saying Vary.
. "$(dirname "$0")/test.common"

write_config
start_smtpd
start_ntmd 2018-03-20T09:00:00+07:00
url=$(NTM_NOW=2018-03-20T09:00:00+07:00 ctl feed-url vpdp 2>/dev/null) || fail "feed-url"
# get NAME CURL-ARGS... — body in $T/NAME, headers in $T/NAME.h, the status printed
get() {
	name=$1
	shift
	curl -s -D "$T/$name.h" -o "$T/$name" -w '%{http_code}' "$@" "$url"
}
header() {
	sed -n "s/^$2: *//Ip" "$T/$1.h" | tr -d '\r'
}

say "plain, then gzip, then curl --compressed"
assert_eq "$(get plain)" 200 "the plain feed"
assert_eq "$(header plain content-encoding)" "" "Content-Encoding unasked"
assert_eq "$(get gz -H 'Accept-Encoding: gzip, deflate')" 200 "the gzip feed"
assert_eq "$(header gz content-encoding)" gzip "Content-Encoding"
gunzip -c <"$T/gz" >"$T/gunzipped" || fail "not gzip"
cmp -s "$T/plain" "$T/gunzipped" || fail "the gzip feed is not the plain one compressed"
[ "$(wc -c <"$T/gz")" -lt "$(wc -c <"$T/plain")" ] || fail "gzip is no smaller"
echo "   $(wc -c <"$T/plain") bytes plain, $(wc -c <"$T/gz") gzip"
assert_eq "$(get curl --compressed)" 200 "curl --compressed"
cmp -s "$T/plain" "$T/curl" || fail "curl --compressed reads another feed"
for r in plain gz; do
	assert_eq "$(header $r vary)" "Accept-Encoding" "Vary on $r"
done
etag=$(header plain etag) gzetag=$(header gz etag)
[ -n "$etag" ] && [ -n "$gzetag" ] && [ "$etag" != "$gzetag" ] ||
    fail "the ETags of the two forms: [$etag] [$gzetag]"

say "revalidation is per form"
assert_eq "$(get r1 -H 'Accept-Encoding: gzip' -H "If-None-Match: $gzetag")" 304 "gzip, its own ETag"
assert_eq "$(get r2 -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag")" 200 "gzip, the plain form's ETag"
assert_eq "$(get r3 -H "If-None-Match: $etag")" 304 "plain, its own ETag"
assert_eq "$(get r4 -H "If-None-Match: $gzetag")" 200 "plain, the gzip form's ETag"

say "gzip refused (q=0), or another coding asked: plain"
assert_eq "$(get q0 -H 'Accept-Encoding: gzip;q=0, identity')" 200 "gzip;q=0"
assert_eq "$(header q0 content-encoding)" "" "Content-Encoding with gzip;q=0"
cmp -s "$T/plain" "$T/q0" || fail "gzip;q=0 got another body"
assert_eq "$(get br -H 'Accept-Encoding: br')" 200 "br"
assert_eq "$(header br content-encoding)" "" "Content-Encoding for br"
assert_eq "$(get any -H 'Accept-Encoding: *;q=0.5')" 200 "*"
assert_eq "$(header any content-encoding)" gzip "Content-Encoding for *"
stop_ntmd
echo "PASS"
