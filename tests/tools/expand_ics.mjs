#!/usr/bin/env node
/*
 * The events a calendar shows between two days, as ical.js expands an iCalendar file
 * (ICAL.Event#iterator over RRULE/RDATE/EXDATE, RECURRENCE-ID overrides related to
 * their master): one line each, sorted, in the format of tests/tools/expand_ics.py
 * (python3-recurring-ical-events), so that the two outputs can be compared:
 *
 *   UID START STATUS SEQUENCE
 *
 * START is the UTC instant "YYYY-MM-DDTHH:MM:SSZ" for a timed event (its zone from the
 * file's VTIMEZONE), "YYYY-MM-DD" for an all-day one; STATUS and SEQUENCE are "-" when
 * absent. An occurrence is shown when it overlaps [FROM, TO): it starts before TO and
 * ends after FROM (an event without length: starts on or after FROM). FROM and TO are
 * days, read for a timed event as midnight in the event's own zone.
 *
 * Usage: node tests/tools/expand_ics.mjs FILE.ics FROM TO   (YYYY-MM-DD)
 *   (needs `npm ci --prefix tests` first; ical.js is pinned in tests/package.json)
 * Exit 1 on a parse error or more than 100000 occurrences of one event before TO;
 * 2 on usage/IO errors.
 */
import fs from 'node:fs';

const [file, from, to] = process.argv.slice(2);
const day = /^\d{4}-\d{2}-\d{2}$/;
if (process.argv.length !== 5 || !day.test(from) || !day.test(to)) {
  console.error('usage: node tests/tools/expand_ics.mjs FILE.ics FROM TO   (YYYY-MM-DD)');
  process.exit(2);
}
const ICAL = (await import('ical.js').catch((e) => {
  console.error(`expand_ics: cannot load ical.js (run: npm ci --prefix tests): ${e.message}`);
  process.exit(2);
})).default;
let text;
try {
  text = fs.readFileSync(file, 'utf8');
} catch (e) {
  console.error(`expand_ics: ${e.message}`);
  process.exit(2);
}

const LIMIT = 100000;
const lines = [];

// FROM or TO as an ICAL.Time comparable to TIME: a date, or midnight in TIME's zone
const bound = (date, time) => {
  if (time.isDate) return ICAL.Time.fromDateString(date);
  const t = ICAL.Time.fromDateTimeString(`${date}T00:00:00`);
  t.zone = time.zone;
  return t;
};
const shown = (start, end) => {
  if (start.compare(bound(to, start)) >= 0) return false;
  const lo = bound(from, start);
  return end.compare(start) > 0 ? end.compare(lo) > 0 : start.compare(lo) >= 0;
};
// RFC 5545 3.6.1: without DTEND or DURATION an all-day event lasts its day, a timed
// one no time at all
const endOf = (ev, start) => {
  const end = start.clone();
  if (ev.component.hasProperty('dtend') || ev.component.hasProperty('duration')) {
    end.addDuration(ev.duration);
  } else if (start.isDate) {
    end.adjust(1, 0, 0, 0);
  }
  return end;
};
const line = (ev, start) => {
  const when = start.isDate ? start.toString() :
    start.toJSDate().toISOString().replace(/\.000Z$/, 'Z');
  return `${ev.uid} ${when} ${ev.component.getFirstPropertyValue('status') ?? '-'} ` +
    `${ev.component.getFirstPropertyValue('sequence') ?? '-'}`;
};

try {
  let jcal = ICAL.parse(text);
  // ICAL.parse returns one component, or an array when there are several
  if (Array.isArray(jcal) && Array.isArray(jcal[0])) {
    if (jcal.length !== 1) throw new Error('more than one top-level component');
    jcal = jcal[0];
  }
  const cal = new ICAL.Component(jcal);
  if (cal.name !== 'vcalendar') throw new Error(`top-level component is ${cal.name}, not VCALENDAR`);
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);

  // the masters by UID, then each override (RECURRENCE-ID) related to its master; an
  // override without one stands alone
  const masters = new Map();
  const overrides = [];
  let orphans = 0;
  for (const vevent of cal.getAllSubcomponents('vevent')) {
    if (vevent.hasProperty('recurrence-id')) overrides.push(vevent);
    else masters.set(vevent.getFirstPropertyValue('uid'), new ICAL.Event(vevent));
  }
  for (const vevent of overrides) {
    const uid = vevent.getFirstPropertyValue('uid');
    if (masters.has(uid)) masters.get(uid).relateException(vevent);
    else masters.set(`${uid}\n${++orphans}`, new ICAL.Event(vevent));
  }

  for (const ev of masters.values()) {
    if (!ev.isRecurring()) {
      if (shown(ev.startDate, endOf(ev, ev.startDate))) lines.push(line(ev, ev.startDate));
      continue;
    }
    const it = ev.iterator();
    let n = 0;
    for (let next = it.next(); next && next.compare(bound(to, next)) < 0; next = it.next()) {
      if (++n > LIMIT) throw new Error(`${ev.uid}: more than ${LIMIT} occurrences before ${to}`);
      const d = ev.getOccurrenceDetails(next);
      if (shown(d.startDate, d.endDate)) lines.push(line(d.item, d.startDate));
    }
    // an override of a later occurrence that moves it into the span
    for (const o of Object.values(ev.exceptions)) {
      if (o.recurrenceId.compare(bound(to, o.recurrenceId)) >= 0 &&
          shown(o.startDate, endOf(o, o.startDate))) lines.push(line(o, o.startDate));
    }
  }
} catch (e) {
  console.error(`expand_ics: ${file}: ${e.message}`);
  process.exit(1);
}
lines.sort();
console.log(lines.join('\n'));  // as expand_ics.py: an empty line when none
