#!/bin/sh
# The bad-input corpus, tests/data/bad/KIND/N.ext with N.err beside it (as bgpd's
# regress keeps N.conf and N.ok): every configuration through `ntmd -n`, `ntmctl sync`
# and `ntmctl check`; every plan, criteria set and holiday file through a configuration
# that names it, by the same three; every task table through `ntmctl import-table`.
# Each must exit with a sysexits.h code (not a crash), print N.err as its first error
# (warnings aside; the file as given, and its line where one exists), write nothing,
# and leave the database byte for byte as it was (sqlite3 .dump). tests/run fails the
# test on any sanitizer report.
#
# N.ext.esc is written as N.ext with each \xHH turned into its byte (CR, NUL, invalid
# UTF-8 and bidirectional controls stay visible in git); N.ext.gen is a Python
# expression for the bytes of N.ext (a 10 MB line, deep nesting), made here, never
# committed.
. "$(dirname "$0")/test.common"

BAD="$TOP/tests/data/bad"
R="$T/run"
mkdir -p "$R/base"
cp -R "$BAD/config" "$BAD/plan" "$BAD/catalog" "$BAD/holiday" "$BAD/table" "$R/"
rm -f "$R"/*/*.err
ln -s "$TOP/config/catalogs" "$R/base/catalogs"
ln -s "$TOP/config/holidays" "$R/base/holidays"
cat >"$R/base/plan.conf" <<'PLAN'
plan = {
  code = "thu-2018";
  org = { code = "thu"; name = "Ủy ban nhân dân huyện Thử"; };
  title = "Kế hoạch thử năm 2018";
  year = 2018;
  catalog = "1980/QĐ-TTg";
};
units = (
  { code = "ubnd"; name = "Ủy ban nhân dân huyện Thử"; kind = "office";
    aliases = [ "UBND huyện" ]; emails = [ "ubnd@thu.example" ]; },
  { code = "vpdp"; name = "Văn phòng Điều phối huyện Thử"; kind = "office";
    aliases = [ "VPĐP" ]; emails = [ "vpdp@thu.example" ]; coordinator = true; }
);
sections = (
  { id = "I"; title = "Công tác chỉ đạo";
    tasks = (
      { id = "1"; title = "Xây dựng kế hoạch năm 2018"; when = "Tháng 3";
        direct = [ "UBND huyện" ]; lead = [ "VPĐP" ]; criteria = [ "1" ];
        product = "Kế hoạch"; }
    );
  }
);
PLAN

cd "$R"
for f in */*.esc; do
	[ -e "$f" ] || continue
	$PY -c 'import re, sys
data = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m[1], 16)]), data))' \
	    "$f" "${f%.esc}" || fail "cannot write ${f%.esc}"
	rm "$f"
done
for f in */*.gen; do
	[ -e "$f" ] || continue
	$PY -c 'import sys; open(sys.argv[2], "wb").write(eval(open(sys.argv[1]).read()))' \
	    "$f" "${f%.gen}" || fail "cannot make ${f%.gen}"
	rm "$f"
done
# naming CALENDARS CATALOGS HOLIDAYS — a configuration naming these lists.
naming() {
	cat <<CONF
database = "ntmd.db";
calendars = [ $1 ];
catalogs = [ $2 ];
holidays = [ $3 ];
timezone = "Asia/Ho_Chi_Minh";
http = { listen = "127.0.0.1:$HTTP_PORT"; base_url = "http://127.0.0.1:$HTTP_PORT"; };
smtp = { url = "file:spool"; from = "NTM <ntm@thu.example>"; starttls = "never"; };
CONF
}

# git keeps no modes: a configuration others can read is a mistake of its own
chmod 600 */*
naming '"base/plan.conf"' '"base/catalogs/*.conf"' '"base/holidays/*.conf"' >base.conf
"$NTMCTL" -c base.conf sync >/dev/null 2>"$T/err" || fail "the good configuration: $(cat "$T/err")"
"$NTMCTL" -c base.conf check >/dev/null 2>"$T/err" || fail "check of the good plan: $(cat "$T/err")"
[ -s "$T/err" ] && fail "the good plan is not quiet: $(cat "$T/err")"
sqlite3 ntmd.db .dump >"$T/before.sql"

runs=0
# refused WHAT EXPECTED COMMAND... — COMMAND fails cleanly and says EXPECTED first.
refused() {
	what=$1 want=$2
	shift 2
	rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	runs=$((runs + 1))
	[ "$rc" -ge 64 ] && [ "$rc" -le 78 ] ||
		fail "$what: exit $rc, not a sysexits.h code: $(head -c 2000 "$T/err")"
	got=$(grep -v -m 1 ': warning: ' "$T/err" | cut -c 1-2000)
	[ "$got" = "$want" ] || fail "$what: expected [$want], got [$got]"
}

files=0 lined=0 nconfig=0 nplan=0 ncatalog=0 nholiday=0 ntable=0
for input in "$R"/*/*; do
	kind=$(basename "$(dirname "$input")")
	[ "$kind" = base ] && continue
	rel="$kind/$(basename "$input")"
	err="$BAD/${rel%.*}.err"
	[ -f "$err" ] || fail "$rel has no ${rel%.*}.err"
	want=$(head -n 1 "$err")
	case $want in
	"$rel":[0-9]*:\ *) lined=$((lined + 1)) ;;
	"$rel":\ *) ;;
	*) fail "${rel%.*}.err does not name $rel: [$want]" ;;
	esac
	case $kind in
	config) conf=$rel nconfig=$((nconfig + 1)) ;;
	plan) conf=wrap.conf nplan=$((nplan + 1))
		naming "\"$rel\"" '"base/catalogs/*.conf"' '"base/holidays/*.conf"' >wrap.conf ;;
	catalog) conf=wrap.conf ncatalog=$((ncatalog + 1))
		naming '"base/plan.conf"' "\"base/catalogs/*.conf\", \"$rel\"" \
		    '"base/holidays/*.conf"' >wrap.conf ;;
	holiday) conf=wrap.conf nholiday=$((nholiday + 1))
		naming '"base/plan.conf"' '"base/catalogs/*.conf"' "\"$rel\"" >wrap.conf ;;
	table) ntable=$((ntable + 1)) ;;
	*) fail "unknown kind of bad input: $kind" ;;
	esac
	if [ "$kind" = table ]; then
		refused "import-table $rel" "$want" "$NTMCTL" -c base.conf import-table \
		    --plan thu-2018 --year 2018 -o imported.conf "$rel"
		[ -e imported.conf ] && fail "import-table $rel wrote a plan"
	else
		refused "ntmd -n, $rel" "$want" "$NTMD" -n -c "$conf"
		refused "ntmctl sync, $rel" "$want" "$NTMCTL" -c "$conf" sync
		refused "ntmctl check, $rel" "$want" "$NTMCTL" -c "$conf" check
	fi
	sqlite3 ntmd.db .dump >"$T/after.sql"
	cmp -s "$T/before.sql" "$T/after.sql" || fail "$rel changed the database"
	files=$((files + 1))
done
for err in "$BAD"/*/*.err; do
	rel=${err#"$BAD"/}
	ls "$R/${rel%.err}".* >/dev/null 2>&1 || fail "$rel has no input beside it"
done
[ "$files" -ge 60 ] || fail "only $files bad inputs"
echo "bad input: $files files ($nconfig configurations, $nplan plans, $ncatalog criteria" \
    "sets, $nholiday holiday files, $ntable tables), $files refused with the file named" \
    "($lined with its line) in $runs runs, database unchanged"
