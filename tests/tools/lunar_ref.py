#!/usr/bin/python3
"""Independent reference for the East Asian (Vietnamese / Chinese) lunisolar calendar.

Computed from first principles with PyEphem, no tables:

  * a lunar month starts on the local civil day (at a fixed UTC offset) that
    contains the new moon;
  * month 11 is the month containing the winter solstice (Sun at 270 degrees);
  * if 13 months start from one month 11 up to (not including) the next, the
    first month after month 11 that contains no major solar term (Sun longitude
    a multiple of 30 degrees, "trung khi") is the leap month and takes the
    number of the month before it;
  * a month contains a term if the term's instant falls on a local day from the
    month's first day up to (not including) the next month's first day.

Usage (run with /usr/bin/python3, which has python3-ephem / python3-lunardate):

  lunar_ref.py months --tz 7 --from 1900 --to 2100
      one line per lunar month whose first day lies in Gregorian years FROM..TO:
      "YYYY-MM-DD LY LM L" (first day, lunar year, month 1..12, 1 if leap).
  lunar_ref.py diff --from 1900 --to 2100
      where UTC+7 (Vietnam) and UTC+8 (China) disagree, with a reason.
  lunar_ref.py cn-check --from 1900 --to 2099
      compare the UTC+8 computation with the python3-lunardate table.
  lunar_ref.py sanity
      check a few well-known Vietnamese and Chinese dates.

Note: this applies one UTC offset to the whole range.  Historically Vietnam
followed the Chinese (UTC+8) calendar until 1967 (North) / 1975 (South); the
reference deliberately ignores that, like a calendar computed with a single
offset does.
"""

import argparse
import bisect
import datetime
import math
import sys
import types

import ephem

# ephem.Date counts days from 1899-12-31 12:00 UT; local day numbers below count
# days from 1899-12-31 (local midnight), so day 0 is 1899-12-31.
DAY0 = datetime.date(1899, 12, 31)
TROPICAL_YEAR = 365.242189
SUN_RATE = 360.0 / TROPICAL_YEAR  # mean degrees per day
ARCSEC = math.pi / (180 * 3600)

_SUN = ephem.Sun()


# --------------------------------------------------------------------------
# Astronomy
# --------------------------------------------------------------------------

def true_obliquity(d):
    """True obliquity of the ecliptic (radians) at ephem date d.

    ephem's apparent RA/Dec include nutation, so turning them back into an
    ecliptic longitude needs the *true* obliquity (mean + nutation in
    obliquity); ephem's own Ecliptic() uses the mean one, which is up to ~2"
    (~50 s of solar motion) off.  Meeus, Astronomical Algorithms ch. 22.
    """
    tt = d + ephem.delta_t(d) / 86400.0
    t = (tt + 2415020.0 - 2451545.0) / 36525.0  # Julian centuries TT from J2000
    eps0 = (84381.448 - 46.8150 * t - 0.00059 * t * t + 0.001813 * t ** 3)
    omega = math.radians(125.04452 - 1934.136261 * t)
    l_sun = math.radians(280.4665 + 36000.7698 * t)
    l_moon = math.radians(218.3165 + 481267.8813 * t)
    deps = (9.20 * math.cos(omega) + 0.57 * math.cos(2 * l_sun)
            + 0.10 * math.cos(2 * l_moon) - 0.09 * math.cos(2 * omega))
    return (eps0 + deps) * ARCSEC


def sun_longitude(d):
    """Sun's apparent geocentric ecliptic longitude (degrees, 0..360) at ephem date d."""
    _SUN.compute(d)
    ra, dec = float(_SUN.g_ra), float(_SUN.g_dec)  # apparent, equinox of date
    eps = true_obliquity(d)
    lon = math.atan2(math.sin(ra) * math.cos(eps) + math.tan(dec) * math.sin(eps),
                     math.cos(ra))
    return math.degrees(lon) % 360.0


def solve_term(target, guess):
    """Instant (ephem date) near guess when the Sun's apparent longitude is target degrees.

    Newton iteration with the mean solar rate as derivative; the true rate
    differs by only ~3%, so this converges to ~1 ms in a handful of steps.
    """
    d = guess
    for _ in range(20):
        err = (sun_longitude(d) - target + 180.0) % 360.0 - 180.0
        step = err / SUN_RATE
        d -= step
        if abs(step) < 1e-8:
            return ephem.Date(d)
    raise RuntimeError("solar term %g near %s did not converge" % (target, ephem.Date(guess)))


def major_terms(first_year, last_year):
    """All major solar terms (longitude multiple of 30) from ~March first_year to ~March last_year+1.

    Returns a sorted list of (ephem date, longitude).
    """
    terms = []
    for year in range(first_year, last_year + 1):
        equinox = ephem.Date(datetime.datetime(year, 3, 20))
        for lon in range(0, 360, 30):
            guess = equinox + lon / SUN_RATE
            terms.append((solve_term(lon, guess), lon))
    terms.sort()
    return terms


def new_moons(start, end):
    """All new moon instants (ephem dates) from start to end."""
    moons = []
    d = ephem.next_new_moon(start)
    while d <= end:
        moons.append(d)
        d = ephem.next_new_moon(d)
    return moons


def sky_events(first, last):
    """The astronomical events needed for Gregorian years first..last (independent of the offset).

    Months starting in `first` may belong to the year that began at the winter
    solstice of first-1, and months at the end of `last` need the solstice of
    last+1, so both ends get a margin.
    """
    moons = new_moons(ephem.Date(datetime.datetime(first - 2, 10, 1)),
                      ephem.Date(datetime.datetime(last + 2, 3, 1)))
    terms = major_terms(first - 2, last + 1)
    solstices = {ephem.Date(d).datetime().year: d for d, lon in terms if lon == 270}
    return types.SimpleNamespace(moons=moons, terms=terms, solstices=solstices)


# --------------------------------------------------------------------------
# Calendar rules
# --------------------------------------------------------------------------

def local_day(d, tz):
    """Local civil day number (days since 1899-12-31) of ephem date d at UTC offset tz hours."""
    return math.floor(d + 0.5 + tz / 24.0)


def day_to_date(n):
    return DAY0 + datetime.timedelta(days=n)


def local_time(d, tz):
    """'YYYY-MM-DD HH:MM:SS' of ephem date d at UTC offset tz.

    Truncated, not rounded, so the printed date is the local day used by the rules.
    """
    dt = ephem.Date(d + tz / 24.0).datetime()
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def month_of_day(starts, day):
    """Index of the month (in sorted start days) that contains local day `day`."""
    return bisect.bisect_right(starts, day) - 1


def compute(sky, tz):
    """Label every month built from sky.moons at offset tz.

    Returns a list of dicts (one per new moon, same order as sky.moons):
      nm (ephem date), start (local day number), term (bool: contains a major
      term), and for months inside a complete sui also y, m, leap.
    Also returns per-sui info {solstice year: (index of month 11, leap index or None)}.
    """
    starts = [local_day(nm, tz) for nm in sky.moons]
    term_days = [local_day(d, tz) for d, _ in sky.terms]
    months = []
    for i, nm in enumerate(sky.moons):
        months.append({"nm": nm, "start": starts[i], "term": None})
    for i in range(len(months) - 1):
        lo = bisect.bisect_left(term_days, starts[i])
        months[i]["term"] = lo < len(term_days) and term_days[lo] < starts[i + 1]

    # Month 11 of each year: the month containing that year's winter solstice.
    m11 = {year: month_of_day(starts, local_day(ws, tz))
           for year, ws in sorted(sky.solstices.items())}
    suis = {}
    years = sorted(m11)
    for prev, year in zip(years, years[1:]):
        a, b = m11[prev], m11[year]
        leap = None
        if b - a == 13:
            # First month after month 11 without a major term.
            leap = next(k for k in range(a + 1, b) if not months[k]["term"])
        elif b - a != 12:
            raise RuntimeError("sui %d has %d months" % (year, b - a))
        suis[year] = (a, leap)
        number = 10
        lunar_year = prev
        for k in range(a, b):
            if k == leap:
                is_leap = 1
            else:
                is_leap = 0
                number = number % 12 + 1
                if number == 1:
                    lunar_year = year
            months[k].update(y=lunar_year, m=number, leap=is_leap, sui=year)
    return months, suis


def months_in_years(months, first, last):
    """Labelled months whose first day lies in Gregorian years first..last."""
    out = []
    for mo in months:
        date = day_to_date(mo["start"])
        if first <= date.year <= last:
            if "m" not in mo:
                raise RuntimeError("month %s not labelled (range too short)" % date)
            out.append(mo)
    return out


def tet_by_year(months):
    """{lunar year: local day number of month 1 day 1}."""
    return {mo["y"]: mo["start"] for mo in months if mo.get("m") == 1 and not mo["leap"]}


def label(mo):
    return "%d/%d%s" % (mo["y"], mo["m"], " leap" if mo["leap"] else "")


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------

def cmd_months(args):
    sky = sky_events(args.first, args.last)
    months, _ = compute(sky, args.tz)
    lines = ["%s %d %d %d" % (day_to_date(mo["start"]), mo["y"], mo["m"], mo["leap"])
             for mo in months_in_years(months, args.first, args.last)]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def describe_date_shift(nm):
    """Why the same new moon gives different first days at UTC+8 and UTC+7."""
    return ("new moon at %s UTC = %s UTC+8 = %s UTC+7, which falls on the previous day in Vietnam"
            % (local_time(nm, 0), local_time(nm, 8)[11:], local_time(nm, 7)[11:]))


def describe_term_flip(sky, vn, cn, a, b):
    """Explain months a..b-1 whose 'contains a major term' status differs between the offsets."""
    why = []
    for k in range(a, b):
        if vn[k]["term"] == cn[k]["term"]:
            continue
        # A term whose local day differs, or whose month boundary differs.
        lo, hi = sky.moons[k - 1], sky.moons[k + 1]
        for d, lon in sky.terms:
            if lo <= d <= hi and local_day(d, 7) != local_day(d, 8):
                why.append("term %d deg at %s UTC (%s UTC+8, %s UTC+7)"
                           % (lon, local_time(d, 0), local_time(d, 8), local_time(d, 7)))
        for j in (k, k + 1):
            if local_day(sky.moons[j], 7) != local_day(sky.moons[j], 8):
                why.append("month boundary %s" % describe_date_shift(sky.moons[j]))
    return "; ".join(sorted(set(why)))


def month11_reason(sky, vn, cn, vn_suis, cn_suis, year):
    """If month 11 of `year` is a different month at the two offsets, say why (else None)."""
    if year not in vn_suis or vn_suis[year][0] == cn_suis[year][0]:
        return None
    ws = sky.solstices[year - 1]
    return ("month 11 of %d differs: winter solstice at %s UTC = %s UTC+7 (in the month from %s) "
            "= %s UTC+8 (in the month from %s)"
            % (year - 1, local_time(ws, 0), local_time(ws, 7)[11:], day_to_date(vn[vn_suis[year][0]]["start"]),
               local_time(ws, 8)[5:], day_to_date(cn[cn_suis[year][0]]["start"])))


def sui_reason(sky, vn, cn, vn_suis, cn_suis, year):
    """One line on why month numbering differs in the sui ending at the solstice of `year`."""
    parts = [r for r in (month11_reason(sky, vn, cn, vn_suis, cn_suis, year),
                         month11_reason(sky, vn, cn, vn_suis, cn_suis, year + 1)) if r]
    vleap, cleap = vn_suis[year][1], cn_suis[year][1]
    vtxt = "month %d" % vn[vleap]["m"] if vleap is not None else "no month"
    ctxt = "month %d" % cn[cleap]["m"] if cleap is not None else "no month"
    if vleap != cleap:
        parts.append("leap month differs: Vietnam leaps %s, China %s" % (vtxt, ctxt))
        a = min(vn_suis[year][0], cn_suis[year][0])
        flip = describe_term_flip(sky, vn, cn, a, a + 13)
        if flip:
            parts.append("since " + flip)
    return "; ".join(parts) if parts else "numbering differs"


def first_month(months, year):
    """The month 1 (not leap) of lunar year `year`."""
    return next(mo for mo in months if mo.get("y") == year and mo["m"] == 1 and not mo["leap"])


def cmd_diff(args):
    sky = sky_events(args.first, args.last)
    vn, vn_suis = compute(sky, 7)
    cn, cn_suis = compute(sky, 8)
    count = 0

    print("# Tet (month 1 day 1) differences, UTC+7 vs UTC+8")
    for year in range(args.first, args.last + 1):
        v, c = first_month(vn, year), first_month(cn, year)
        if v["start"] == c["start"]:
            continue
        if v["nm"] == c["nm"]:  # same new moon, different local day
            reason = describe_date_shift(v["nm"])
        else:  # a different new moon: the numbering differs
            reason = sui_reason(sky, vn, cn, vn_suis, cn_suis, v["sui"])
        print("%d: Vietnam %s, China %s: %s"
              % (year, day_to_date(v["start"]), day_to_date(c["start"]), reason))
        count += 1

    # vn[k] and cn[k] come from the same new moon, so compare them pairwise.
    print("# lunar month differences (same new moon), UTC+7 vs UTC+8")
    for v, c in zip(vn, cn):
        if not args.first <= day_to_date(v["start"]).year <= args.last:
            continue
        date_diff = v["start"] != c["start"]
        label_diff = (v["y"], v["m"], v["leap"]) != (c["y"], c["m"], c["leap"])
        if not (date_diff or label_diff):
            continue
        reasons = []
        if date_diff:
            reasons.append(describe_date_shift(v["nm"]))
        if label_diff:
            reasons.append(sui_reason(sky, vn, cn, vn_suis, cn_suis, v["sui"]))
        print("%s (new moon %s UTC): Vietnam %s %s, China %s %s: %s"
              % (day_to_date(v["start"]), local_time(v["nm"], 0), day_to_date(v["start"]), label(v),
                 day_to_date(c["start"]), label(c), "; ".join(reasons)))
        count += 1
    print("# %d differences" % count)
    return 0


# lunardate's table starts at lunar 1900/1/1; earlier dates give garbage, not an error.
TABLE_START = datetime.date(1900, 1, 31)


def cmd_cn_check(args):
    import lunardate

    sky = sky_events(args.first, args.last)
    cn, _ = compute(sky, 8)
    bad = checked = 0
    for mo in months_in_years(cn, args.first, args.last):
        date = day_to_date(mo["start"])
        ours = (mo["y"], mo["m"], 1, bool(mo["leap"]))
        if date < TABLE_START:
            print("skip %s %s: before the lunardate table (starts %s)" % (date, label(mo), TABLE_START))
            continue
        try:
            ld = lunardate.LunarDate.fromSolarDate(date.year, date.month, date.day)
            back = lunardate.LunarDate(mo["y"], mo["m"], 1, bool(mo["leap"])).toSolarDate()
        except ValueError as err:  # outside the table (lunar years 1900..2099)
            print("skip %s %s: %s" % (date, label(mo), err))
            continue
        checked += 1
        theirs = (ld.year, ld.month, ld.day, bool(ld.isLeapMonth))
        if theirs != ours or back != date:
            bad += 1
            print("MISMATCH %s: ours %s, lunardate %d/%d/%d%s; lunardate puts %s on %s"
                  % (date, label(mo), ld.year, ld.month, ld.day, " leap" if ld.isLeapMonth else "",
                     label(mo), back))
    tet = tet_by_year(cn)
    for year in range(max(args.first, 1900), min(args.last, 2099) + 1):
        checked += 1
        theirs = lunardate.LunarDate(year, 1, 1).toSolarDate()
        if day_to_date(tet[year]) != theirs:
            bad += 1
            print("MISMATCH Tet %d: ours %s, lunardate %s" % (year, day_to_date(tet[year]), theirs))
    print("# cn-check: %d checks, %d mismatches" % (checked, bad))
    return 1 if bad else 0


# Well-known dates: (offset, lunar year, month, day, Gregorian date).
SANITY = [
    (7, 1968, 1, 1, "1968-01-29"), (7, 1985, 1, 1, "1985-01-21"), (7, 2007, 1, 1, "2007-02-17"),
    (7, 2018, 1, 1, "2018-02-16"), (7, 2023, 1, 1, "2023-01-22"), (7, 2024, 1, 1, "2024-02-10"),
    (7, 2025, 1, 1, "2025-01-29"), (7, 2026, 1, 1, "2026-02-17"), (7, 2030, 1, 1, "2030-02-02"),
    # Gio To Hung Vuong (3/10)
    (7, 2018, 3, 10, "2018-04-25"), (7, 2023, 3, 10, "2023-04-29"), (7, 2024, 3, 10, "2024-04-18"),
    (7, 2025, 3, 10, "2025-04-07"),
    (8, 1968, 1, 1, "1968-01-30"), (8, 1985, 1, 1, "1985-02-20"), (8, 2007, 1, 1, "2007-02-18"),
    (8, 2030, 1, 1, "2030-02-03"),
]


def cmd_sanity(args):
    sky = sky_events(1967, 2031)
    calendars = {tz: compute(sky, tz)[0] for tz in (7, 8)}
    bad = 0
    for tz, year, month, day, want in SANITY:
        start = next(mo["start"] for mo in calendars[tz]
                     if mo.get("y") == year and mo["m"] == month and not mo["leap"])
        got = str(day_to_date(start + day - 1))
        ok = got == want
        bad += not ok
        print("%s UTC+%d %d/%d/%d = %s (expected %s)" % ("ok  " if ok else "FAIL", tz, year, month,
                                                         day, got, want))
    return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("months", "diff", "cn-check", "sanity"):
        p = sub.add_parser(name)
        if name != "sanity":
            p.add_argument("--from", dest="first", type=int, default=1900)
            p.add_argument("--to", dest="last", type=int, default=2100)
        if name == "months":
            p.add_argument("--tz", type=float, default=7.0, help="UTC offset in hours")
    args = parser.parse_args()
    return {"months": cmd_months, "diff": cmd_diff, "cn-check": cmd_cn_check,
            "sanity": cmd_sanity}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
