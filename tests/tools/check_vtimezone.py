#!/usr/bin/python3
"""check_vtimezone.py FEED ZONE FROM_YEAR TO_YEAR — the feed's one VTIMEZONE gives every
instant tried in those years the UTC offset that the system's zoneinfo gives: noon on the
1st and 15th of each month, and each half hour of the day and a half around each of the
zone's transitions, the instant of the change included. The VTIMEZONE is read here by
the rules of RFC 5545 §3.6.5 (each observance's onsets: DTSTART, RDATE, RRULE in local
time at TZOFFSETFROM), with python-icalendar for the text and dateutil for RRULE; no
calendar client's conversion is trusted. Prints how many instants and transitions were
compared; exits 1 with the first disagreements."""
import sys
from bisect import bisect_right
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr

feed, zone, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cal = icalendar.Calendar.from_ical(open(feed, "rb").read())
tzs = list(cal.walk("VTIMEZONE"))
assert len(tzs) == 1, f"{len(tzs)} VTIMEZONEs"
assert str(tzs[0]["TZID"]) == zone, tzs[0]["TZID"]


def naive(v):
    return v.dt.replace(tzinfo=None) if hasattr(v, "dt") else v.replace(tzinfo=None)


onsets = []		# (instant in UTC, naive, offset after it)
horizon = datetime(last + 2, 1, 1)
for obs in tzs[0].subcomponents:
    before, after = obs["TZOFFSETFROM"].td, obs["TZOFFSETTO"].td
    start = naive(obs["DTSTART"])
    local = [start]
    for rd in obs.get("RDATE", []) if isinstance(obs.get("RDATE"), list) else [obs["RDATE"]] if "RDATE" in obs else []:
        local += [naive(d) for d in rd.dts]
    if "RRULE" in obs:
        rule = obs["RRULE"].to_ical().decode()
        if "UNTIL=" in rule:	# UNTIL is UTC: the same instant in local time at TZOFFSETFROM
            until = [p for p in rule.split(";") if p.startswith("UNTIL=")][0][6:].rstrip("Z")
            u = datetime.strptime(until, "%Y%m%dT%H%M%S") + before
            rule = ";".join(p if not p.startswith("UNTIL=") else "UNTIL=" + u.strftime("%Y%m%dT%H%M%S")
                for p in rule.split(";"))
        local += [d for d in rrulestr(rule, dtstart=start) if d < horizon] if "UNTIL=" in rule or "COUNT=" in rule \
            else list(rrulestr(rule, dtstart=start).between(start, horizon, inc=True))
    onsets += [(d - before, after) for d in set(local)]
onsets.sort()
times = [t for t, _ in onsets]


def ours(u):
    i = bisect_right(times, u.replace(tzinfo=None))
    assert i > 0, f"{u} is before the VTIMEZONE's first onset"
    return int(onsets[i - 1][1].total_seconds())


ref = ZoneInfo(zone)
instants, transitions = [], 0
day = datetime(first, 1, 1, 12, tzinfo=timezone.utc)
end = datetime(last + 1, 1, 1, tzinfo=timezone.utc)
prev = day.astimezone(ref).utcoffset()
while day < end:
    if day.day in (1, 15):
        instants.append(day)
    off = day.astimezone(ref).utcoffset()
    if off != prev:
        transitions += 1
        instants += [day + timedelta(minutes=30 * h) for h in range(-72, 24)]
        prev = off
    day += timedelta(days=1)
bad = [f"{u.isoformat()}: VTIMEZONE {ours(u)} s, zoneinfo {int(u.astimezone(ref).utcoffset().total_seconds())} s"
    for u in instants if ours(u) != int(u.astimezone(ref).utcoffset().total_seconds())]
if bad:
    print(f"{len(bad)} of {len(instants)} instants disagree:\n" + "\n".join(bad[:10]), file=sys.stderr)
    sys.exit(1)
print(f"{len(instants)} instants, {transitions} transitions")
