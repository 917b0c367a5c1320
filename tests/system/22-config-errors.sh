#!/bin/sh
# Configuration mistakes, each caught at its line with what it resembles: every
# tests/config/N.conf read by `ntmd -n` must say exactly N.ok (messages, then the exit
# status), as OpenBSD's bgpd tests its parser. Then the SMTP password as a systemd
# credential, and --help, --version and the usage errors of ntmd and of each ntmctl
# command.
. "$(dirname "$0")/test.common"

say "tests/config: each file's messages"
# copies, mode 600 (git keeps no file modes): a password in a file others can read is a
# mistake of its own
mkdir "$T/config"
cp "$TOP"/tests/config/*.conf "$T/config/"
chmod 600 "$T"/config/*.conf
n=0
for conf in "$T"/config/*.conf; do
	name=$(basename "$conf" .conf)
	rc=0
	(cd "$T/config" && "$NTMD" -n -c "$name.conf" >/dev/null 2>"$T/got") || rc=$?
	echo "exit $rc" >>"$T/got"
	diff -u "$TOP/tests/config/$name.ok" "$T/got" >"$T/diff" || fail "$name: $(cat "$T/diff")"
	n=$((n + 1))
done
[ "$n" -ge 12 ] || fail "only $n configuration cases"
echo "   $n cases"

say "a plan, a criteria set and a holiday file: unknown keys, with what they resemble"
sed 's/^        title   = "Họp Ban Chỉ đạo huyện";/        tilte   = "Họp Ban Chỉ đạo huyện";/' \
    "$TOP/calendars/van-quan-2018.conf" >"$T/plan.conf"
line=$(grep -n 'tilte   = "Họp Ban Chỉ đạo huyện"' "$T/plan.conf" | cut -d: -f1)
[ -n "$line" ] || fail "the plan's edit"
rc=0 && "$NTMCTL" check --catalogs "$TOP/config/catalogs/*.conf" "$T/plan.conf" >/dev/null \
    2>"$T/err" || rc=$?
assert_eq "$rc" 65 "ntmctl check of a plan with a mistyped key"
assert_contains "$(cat "$T/err")" "$T/plan.conf:$line: unknown setting \"tilte\" in a task (did you mean \"title\"?)" \
    "the plan's mistyped key"
sed 's/^  decision = /  decison = /' "$(ls "$TOP"/config/catalogs/*.conf | head -n 1)" >"$T/cat.conf"
grep -q '^  decison = ' "$T/cat.conf" || fail "the catalog's edit"
rc=0 && "$NTMCTL" check --catalogs "$T/cat.conf" "$T/plan.conf" >/dev/null 2>"$T/err" || rc=$?
assert_eq "$rc" 65 "ntmctl check with a mistyped catalog key"
assert_contains "$(cat "$T/err")" "unknown setting \"decison\" in catalog (did you mean \"decision\"?)" \
    "the catalog's mistyped key"
printf 'year = 2030;\ntet = "2030-02-02";\ndays_of = ( );\n' >"$T/2030.conf"
write_config
sed -i "s#^holidays = .*#holidays = [ \"$T/2030.conf\" ];#" "$T/ntmd.conf"
rc=0 && "$NTMD" -n -c "$T/ntmd.conf" >/dev/null 2>"$T/err" || rc=$?
[ "$rc" -ne 0 ] || fail "ntmd -n passed a holiday file with a mistyped key"
assert_contains "$(cat "$T/err")" "$T/2030.conf:3: unknown setting \"days_of\" (did you mean \"days_off\"?)" \
    "the holiday file's mistyped key"

say "ntmctl reads the configuration alike"
rc=0
(cd "$TOP/tests/config" && "$NTMCTL" -c 01-root-typo.conf units >/dev/null 2>"$T/err") || rc=$?
assert_eq "$rc" 78 "ntmctl on a mistyped key"
assert_eq "$(cat "$T/err")" "$(sed '$d' "$TOP/tests/config/01-root-typo.ok")" "ntmctl's message"

say "the SMTP password as a credential"
write_config
sed -i 's#smtp = { url#smtp = { user = "ntm"; password_credential = "smtp-password"; url#' "$T/ntmd.conf"
"$NTMD" -n -c "$T/ntmd.conf" >/dev/null 2>"$T/err" && fail "-n passed without CREDENTIALS_DIRECTORY"
assert_contains "$(cat "$T/err")" "\$CREDENTIALS_DIRECTORY is not set" "without the directory"
mkdir -p "$T/creds"
CREDENTIALS_DIRECTORY="$T/creds" "$NTMD" -n -c "$T/ntmd.conf" >/dev/null 2>"$T/err" &&
    fail "-n passed without the credential's file"
assert_contains "$(cat "$T/err")" "cannot read $T/creds/smtp-password" "without the file"
printf 'mật-khẩu-smtp\n' >"$T/creds/smtp-password"
CREDENTIALS_DIRECTORY="$T/creds" "$NTMD" -n -c "$T/ntmd.conf" >"$T/out" 2>"$T/err" ||
    fail "-n with the credential: $(cat "$T/err")"
grep -q "mật-khẩu-smtp" "$T/out" "$T/err" && fail "the password was printed"
NTM_NOW=2018-03-26T08:00:00+07:00 CREDENTIALS_DIRECTORY="$T/creds" "$NTMD" -v -c "$T/ntmd.conf" \
    >"$T/ntmd.log" 2>&1 &
NTMD_PID=$!
wait_for "ntmd /healthz" 10 curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" -o /dev/null
stop_ntmd
grep -q "mật-khẩu-smtp" "$T/ntmd.log" && fail "the password is in the log"

say "--help, --version and usage errors"
"$NTMD" --help >"$T/out" 2>&1 || fail "ntmd --help exits $?"
assert_contains "$(cat "$T/out")" "usage: ntmd" "ntmd --help"
"$NTMD" --version >"$T/out" || fail "ntmd --version"
grep -q '^ntmd [0-9][0-9.]*$' "$T/out" || fail "ntmd --version says $(cat "$T/out")"
"$NTMD" -V >/dev/null || fail "ntmd -V"
rc=0 && "$NTMD" --bogus >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 64 "ntmd --bogus"
rc=0 && "$NTMD" -c "$T/ntmd.conf" extra >/dev/null 2>"$T/err" || rc=$?
assert_eq "$rc" 64 "ntmd with an extra argument"
"$NTMCTL" --version | grep -q '^ntmctl [0-9][0-9.]*$' || fail "ntmctl --version"
"$NTMCTL" --help >"$T/out" || fail "ntmctl --help"
commands=$(sed -n 's/^  \([a-z-]*\) .*/\1/p' "$T/out" | sort -u)
[ "$(echo "$commands" | wc -l)" -ge 20 ] || fail "ntmctl --help lists $(echo "$commands" | wc -l) commands"
for cmd in $commands; do
	"$NTMCTL" "$cmd" --help >"$T/out" 2>"$T/err" || fail "ntmctl $cmd --help exits $?"
	grep -q "^  $cmd " "$T/out" || fail "ntmctl $cmd --help: $(cat "$T/out")"
	[ -s "$T/err" ] && fail "ntmctl $cmd --help wrote to stderr: $(cat "$T/err")"
	[ "$(grep -c '^  [a-z]' "$T/out")" -le 3 ] || fail "ntmctl $cmd --help prints every command"
done
echo "   $(echo "$commands" | wc -w) commands"
ctl sync >/dev/null 2>&1 || fail "sync"
for args in "units --xyz" "overdue --plan" "report --from 2018-01-01" "tasks" \
    "done" "done abc" "schedule 1" "schedule 1 --date 2018-03-15" "token" "token rotate" \
    "user" "user add x" "feed" "audit --bogus" "outbox extra" "when --year abc Tháng 3" \
    "calendar abc"; do
	rc=0
	# shellcheck disable=SC2086
	ctl $args >/dev/null 2>"$T/err" || rc=$?
	assert_eq "$rc" 64 "ntmctl $args"
	cmd=${args%% *}
	grep -q "^  $cmd " "$T/err" || fail "ntmctl $args: no usage of $cmd: $(cat "$T/err")"
done
rc=0 && "$NTMCTL" nosuch >/dev/null 2>"$T/err" || rc=$?
assert_eq "$rc" 64 "an unknown command"
assert_contains "$(cat "$T/err")" 'unknown command "nosuch"' "an unknown command's message"

say "the man pages"
for page in "$TOP"/man/ntmd.8 "$TOP"/man/ntmctl.1 "$TOP"/man/ntmd.conf.5; do
	mandoc -T lint -W warning "$page" >"$T/lint" 2>&1 || fail "mandoc -T lint $page: $(cat "$T/lint")"
	[ -s "$T/lint" ] && fail "mandoc -T lint $page: $(cat "$T/lint")"
	mandoc -T utf8 "$page" >"$T/page" || fail "mandoc cannot render $page"
done
# every command of ntmctl and every key of ntmd.conf has its entry
for cmd in $commands; do
	grep -Eq "^\.(It )?Cm $cmd( |\$)" "$TOP/man/ntmctl.1" || fail "ntmctl(1) has no entry for $cmd"
done
for key in database calendars catalogs holidays timezone listen base_url feed_cache_mb \
    link_key_file url from connections user password password_credential starttls \
    lead_days send_at repeat_overdue max_repeats escalate_after; do
	grep -q "^\.It Cm $key\b" "$TOP/man/ntmd.conf.5" || fail "ntmd.conf(5) has no entry for $key"
done
echo "PASS"
