#!/bin/sh
# Bad input: a clear file:line message, a non-zero exit, and the database exactly as it was.
. "$(dirname "$0")/test.common"

write_config
ctl sync >/dev/null 2>&1 || fail "first sync"
dump() { sqlite3 "$T/ntmd.db" .dump; }
dump >"$T/before.sql"

say "a missing config"
if "$NTMD" -n -c "$T/nope.conf" 2>"$T/err"; then fail "ntmd -n accepted a missing file"; fi
assert_contains "$(cat "$T/err")" "$T/nope.conf: cannot read the file" "missing config"

say "a malformed config: every error, each with its line"
cat >"$T/bad.conf" <<CONF
database = "$T/ntmd.db";
calendars = [ "$TOP/calendars/van-quan-2018.conf" ];
http = { listen = "nowhere"; base_url = "ftp://x"; };
smtp = { url = "smtp://127.0.0.1:25"; from = "NTM <ntm@vanquan.example>"; starttls = "sometimes"; };
reminders = { lead_days = [7, 1, 0]; send_at = "7h30"; };
CONF
if "$NTMD" -n -c "$T/bad.conf" 2>"$T/err"; then fail "ntmd -n accepted a bad config"; fi
for want in "$T/bad.conf:3: http.listen \"nowhere\" must be host:port" \
    "$T/bad.conf:3: http.base_url must start with http:// or https://" \
    "$T/bad.conf:4: smtp.starttls must be" "$T/bad.conf:5: reminders.send_at \"7h30\" must be HH:MM"; do
	assert_contains "$(cat "$T/err")" "$want" "bad config"
done
printf 'database = "x"\ncalendars = [ ;\n' >"$T/syntax.conf"
if "$NTMD" -n -c "$T/syntax.conf" 2>"$T/err"; then fail "ntmd -n accepted a syntax error"; fi
assert_contains "$(cat "$T/err")" "$T/syntax.conf:2: syntax error" "syntax error"

say "a plan with an unknown unit and an unreadable time"
sed -e 's/lead    = \[ "Phòng TC - KH", "VPĐP" \];/lead = [ "Phòng Không Có" ];/' \
    -e 's/when    = "Tháng 5, 6, 7, 8";/when = "Tháng 13";/' \
    "$TOP/calendars/van-quan-2018.conf" >"$T/plan.conf"
cmp -s "$T/plan.conf" "$TOP/calendars/van-quan-2018.conf" && fail "the test did not change the plan"
unit_line=$(grep -n 'Phòng Không Có' "$T/plan.conf" | cut -d: -f1)
[ -n "$unit_line" ] || fail "no line for the unknown unit"
when_line=$(grep -n '"Tháng 13"' "$T/plan.conf" | cut -d: -f1)
CALENDARS="$T/plan.conf" write_config
if "$NTMD" -n -c "$T/ntmd.conf" 2>"$T/err"; then fail "ntmd -n accepted a bad plan"; fi
grep -q "^$T/plan.conf:$unit_line: task II.1: lead unit \"Phòng Không Có\" is not a unit of this plan" "$T/err" ||
	fail "unknown unit not reported at line $unit_line: $(cat "$T/err")"
assert_contains "$(cat "$T/err")" "$T/plan.conf:$when_line: task IV.3: cannot read the time \"Tháng 13\"" "bad time"
if ctl sync 2>"$T/err" >/dev/null; then fail "ntmctl sync accepted a bad plan"; fi
assert_contains "$(cat "$T/err")" "$T/plan.conf:$when_line:" "sync error"
dump >"$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql" || fail "the database changed after a failed sync"
if NTM_NOW=2018-03-24T07:00:00+07:00 "$NTMD" -c "$T/ntmd.conf" 2>"$T/err"; then fail "ntmd started with a bad plan"; fi
dump >"$T/after.sql"
cmp -s "$T/before.sql" "$T/after.sql" || fail "the database changed after ntmd refused a bad plan"

say "NTM_NOW that is not ISO 8601"
write_config
if NTM_NOW=yesterday "$NTMCTL" -c "$T/ntmd.conf" overdue 2>"$T/err"; then fail "NTM_NOW=yesterday accepted"; fi
assert_contains "$(cat "$T/err")" "NTM_NOW=\"yesterday\" is not ISO 8601" "bad NTM_NOW"
echo ok
