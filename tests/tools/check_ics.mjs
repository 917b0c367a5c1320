#!/usr/bin/env node
/*
 * Check one iCalendar file strictly with ical.js and print a JSON summary.
 *
 * Usage: node tests/tools/check_ics.mjs FILE.ics
 *   (needs `npm ci --prefix tests` first; ical.js is pinned in tests/package.json)
 *
 * Fails (exit 1, reasons on stderr, nothing on stdout) on: a line not ended by
 * CRLF (bare LF or CR, or no final CRLF), a line longer than 75 octets, an
 * empty continuation line ("\r\n \r\n"), an ical.js parse error, anything
 * but exactly one VCALENDAR, a VCALENDAR without VERSION or PRODID, a VEVENT
 * without UID, DTSTAMP, DTSTART or SUMMARY, and duplicate UIDs (the same
 * UID is allowed again only with a different RECURRENCE-ID).
 * On success prints (exit 0):
 *   {"calname": X-WR-CALNAME or NAME or null, "timezones": [VTIMEZONE TZIDs],
 *    "events": [{"uid", "summary", "description", "status", "sequence",
 *                "start", "end", "allday", "tzid", "utc", "location"}]}
 *                                                          sorted by start, uid
 * start/end: "YYYY-MM-DD" for DATE values, else "YYYY-MM-DDTHH:MM:SS" as
 * written (wall clock), with "Z" appended for UTC; "tzid" is DTSTART's TZID
 * parameter (or null). end is DTEND as written, null when absent.
 * utc: a timed DTSTART as the UTC instant "YYYY-MM-DDTHH:MM:SSZ", its zone read
 * from the file's VTIMEZONE; null for DATE values.
 * description/status/sequence/location are null when absent. Exit 2 on usage/IO errors.
 * tests/tools/check_ics.py prints the same JSON from python3-icalendar.
 */
import fs from 'node:fs';

const file = process.argv[2];
if (process.argv.length !== 3) {
  console.error('usage: node tests/tools/check_ics.mjs FILE.ics');
  process.exit(2);
}
const ICAL = (await import('ical.js').catch((e) => {
  console.error(`check_ics: cannot load ical.js (run: npm ci --prefix tests): ${e.message}`);
  process.exit(2);
})).default;
let raw;
try {
  raw = fs.readFileSync(file);
} catch (e) {
  console.error(`check_ics: ${e.message}`);
  process.exit(2);
}

const errors = [];
const text = raw.toString('utf8');
if (Buffer.compare(Buffer.from(text, 'utf8'), raw) !== 0) errors.push('file is not valid UTF-8');
if (!text.endsWith('\r\n')) errors.push('file does not end with CRLF');
const bare = text.split('\r\n').findIndex((piece) => /[\r\n]/.test(piece));
if (bare >= 0) errors.push(`line ${bare + 1}: bare CR or LF (lines must end with CRLF)`);
text.split(/\r\n|\r|\n/).forEach((line, i) => {
  const octets = Buffer.byteLength(line, 'utf8');
  if (octets > 75) errors.push(`line ${i + 1}: ${octets} octets (> 75)`);
  if (/^[ \t]$/.test(line)) errors.push(`line ${i + 1}: empty continuation line`);
});

let events = [], calname = null, timezones = [];
try {
  let jcal = ICAL.parse(text);
  // ICAL.parse returns one component, or an array when there are several
  if (Array.isArray(jcal) && Array.isArray(jcal[0])) jcal = jcal.length === 1 ? jcal[0] : null;
  if (!jcal) throw new Error('more than one top-level component');
  const cal = new ICAL.Component(jcal);
  if (cal.name !== 'vcalendar') throw new Error(`top-level component is ${cal.name}, not VCALENDAR`);
  for (const p of ['version', 'prodid']) {
    if (!cal.hasProperty(p)) errors.push(`VCALENDAR without ${p.toUpperCase()}`);
  }
  calname = cal.getFirstPropertyValue('x-wr-calname') ?? cal.getFirstPropertyValue('name') ?? null;
  timezones = cal.getAllSubcomponents('vtimezone').map((tz) => tz.getFirstPropertyValue('tzid'));
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const seen = new Set();
  for (const ev of cal.getAllSubcomponents('vevent')) {
    const uid = ev.getFirstPropertyValue('uid');
    for (const p of ['uid', 'dtstamp', 'dtstart', 'summary']) {
      if (!ev.hasProperty(p)) errors.push(`VEVENT ${uid ?? '(no UID)'} without ${p.toUpperCase()}`);
    }
    const rid = ev.getFirstProperty('recurrence-id')?.getFirstValue()?.toString() ?? '';
    if (uid != null && seen.has(`${uid}\n${rid}`)) errors.push(`duplicate UID ${uid}`);
    seen.add(`${uid}\n${rid}`);
    const when = (name) => ev.getFirstProperty(name)?.getFirstValue()?.toString() ?? null;
    const dtstart = ev.getFirstProperty('dtstart');
    events.push({
      uid: uid ?? null,
      summary: ev.getFirstPropertyValue('summary') ?? null,
      description: ev.getFirstPropertyValue('description') ?? null,
      status: ev.getFirstPropertyValue('status') ?? null,
      sequence: ev.getFirstPropertyValue('sequence') ?? null,
      start: when('dtstart'),
      end: when('dtend'),
      allday: dtstart?.getFirstValue()?.isDate ?? false,
      tzid: dtstart?.getParameter('tzid') ?? null,
      utc: dtstart && !dtstart.getFirstValue().isDate ?
        dtstart.getFirstValue().toJSDate().toISOString().replace(/\.000Z$/, 'Z') : null,
      location: ev.getFirstPropertyValue('location') ?? null,
    });
  }
} catch (e) {
  errors.push(`parse error: ${e.message}`);
}

if (errors.length) {
  for (const e of errors) console.error(`check_ics: ${file}: ${e}`);
  process.exit(1);
}
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
events.sort((a, b) => cmp(a.start ?? '', b.start ?? '') || cmp(a.uid ?? '', b.uid ?? ''));
console.log(JSON.stringify({ calname, timezones, events }, null, 1));
