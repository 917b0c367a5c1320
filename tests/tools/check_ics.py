#!/usr/bin/python3
"""Check one iCalendar file strictly with python3-icalendar; print a JSON summary.

Usage: /usr/bin/python3 tests/tools/check_ics.py FILE.ics

Same checks and the same JSON as tests/tools/check_ics.mjs (ical.js), so a
test can compare the two outputs byte for byte. Fails (exit 1, reasons on
stderr, nothing on stdout) on: a line not ended by CRLF, a line longer than
75 octets, an empty continuation line ("\\r\\n \\r\\n"), invalid UTF-8, a parse
error (including lines icalendar could not parse), anything but exactly one
VCALENDAR, a VCALENDAR without VERSION or PRODID, a VEVENT without UID,
DTSTAMP, DTSTART or SUMMARY, duplicate UIDs (a UID may repeat only with a
different RECURRENCE-ID). On success prints (exit 0):
  {"calname": X-WR-CALNAME or NAME or null, "timezones": [VTIMEZONE TZIDs],
   "events": [{"uid", "summary", "description", "status", "sequence",
               "start", "end", "allday", "tzid", "utc", "location"}]}
                                                     sorted by start, uid
start/end: "YYYY-MM-DD" for DATE values, else "YYYY-MM-DDTHH:MM:SS" wall
clock as written, "Z" appended for UTC; tzid is DTSTART's TZID or null; end
is DTEND or null; utc is a timed DTSTART as the UTC instant
"YYYY-MM-DDTHH:MM:SSZ" (null for DATE values). Exit 2 on usage/IO errors.
"""
import datetime
import json
import re
import sys

import icalendar


def first(comp, name):
    v = comp.get(name)
    return v[0] if isinstance(v, list) else v


def text(comp, name):
    v = first(comp, name)
    return None if v is None else str(v)


def when(comp, name):
    prop = first(comp, name)
    if prop is None:
        return None
    dt = prop.dt
    if not isinstance(dt, datetime.datetime):
        return dt.isoformat()
    utc = dt.tzinfo is not None and "TZID" not in prop.params and dt.utcoffset() == datetime.timedelta(0)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if utc else "")


def utc_instant(prop):
    if prop is None or not isinstance(prop.dt, datetime.datetime) or prop.dt.tzinfo is None:
        return None
    return prop.dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check(raw):
    errors = []
    try:
        data = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["file is not valid UTF-8: %s" % e], None
    if not data.endswith("\r\n"):
        errors.append("file does not end with CRLF")
    bare = [i for i, piece in enumerate(data.split("\r\n"), 1) if re.search("[\r\n]", piece)]
    if bare:
        errors.append("line %d: bare CR or LF (lines must end with CRLF)" % bare[0])
    for n, line in enumerate(re.split("\r\n|\r|\n", data), 1):
        if len(line.encode("utf-8")) > 75:
            errors.append("line %d: %d octets (> 75)" % (n, len(line.encode("utf-8"))))
        if line in (" ", "\t"):
            errors.append("line %d: empty continuation line" % n)
    try:
        cal = icalendar.Calendar.from_ical(raw)
    except Exception as e:  # icalendar puts the whole input in some messages
        return errors + ["parse error: %s" % str(e).split(": b'")[0][:200]], None
    if cal.name != "VCALENDAR":
        return errors + ["top-level component is %s, not VCALENDAR" % cal.name], None
    for comp in cal.walk():
        for prop, err in comp.errors:
            errors.append("parse error in %s: %s" % (comp.name, err))
    for p in ("VERSION", "PRODID"):
        if p not in cal:
            errors.append("VCALENDAR without %s" % p)
    events, seen = [], set()
    for ev in cal.walk("VEVENT"):
        uid = text(ev, "UID")
        for p in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            if p not in ev:
                errors.append("VEVENT %s without %s" % (uid or "(no UID)", p))
        key = (uid, when(ev, "RECURRENCE-ID") or "")
        if uid is not None and key in seen:
            errors.append("duplicate UID %s" % uid)
        seen.add(key)
        start = first(ev, "DTSTART")
        seq = first(ev, "SEQUENCE")
        events.append({
            "uid": uid, "summary": text(ev, "SUMMARY"),
            "description": text(ev, "DESCRIPTION"), "status": text(ev, "STATUS"),
            "sequence": None if seq is None else int(seq),
            "start": when(ev, "DTSTART"), "end": when(ev, "DTEND"),
            "allday": start is not None and not isinstance(start.dt, datetime.datetime),
            "tzid": start.params.get("TZID") if start is not None else None,
            "utc": utc_instant(start),
            "location": text(ev, "LOCATION"),
        })
    events.sort(key=lambda e: (e["start"] or "", e["uid"] or ""))
    calname = text(cal, "X-WR-CALNAME")
    calname = text(cal, "NAME") if calname is None else calname
    timezones = [text(tz, "TZID") for tz in cal.walk("VTIMEZONE")]
    return errors, {"calname": calname, "timezones": timezones, "events": events}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f:
            raw = f.read()
    except OSError as e:
        print("check_ics: %s" % e, file=sys.stderr)
        return 2
    errors, summary = check(raw)
    if errors:
        for e in errors:
            print("check_ics: %s: %s" % (argv[1], e), file=sys.stderr)
        return 1
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
