#!/usr/bin/python3
"""The events a calendar shows between two days, as python3-recurring-ical-events
expands an iCalendar file: one line each, sorted,

  UID START STATUS SEQUENCE

START as the UTC instant "YYYY-MM-DDTHH:MM:SSZ" for a timed event (its zone from
the file's VTIMEZONE), "YYYY-MM-DD" for an all-day one.

Usage: /usr/bin/python3 tests/tools/expand_ics.py FILE.ics FROM TO   (YYYY-MM-DD)
"""
import datetime
import sys

import icalendar
import recurring_ical_events


def start(ev):
    dt = ev["DTSTART"].dt
    if isinstance(dt, datetime.datetime):
        return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return dt.isoformat()


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    days = [datetime.date.fromisoformat(d) for d in argv[2:4]]
    lines = sorted("%s %s %s %s" % (ev["UID"], start(ev), ev.get("STATUS", "-"),
                                    ev.get("SEQUENCE", "-"))
                   for ev in recurring_ical_events.of(cal).between(*days))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
