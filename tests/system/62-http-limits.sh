#!/bin/sh
# HTTP limits, over loopback against the running ntmd: a request line and headers above
# http.max_header_kb are refused with 431 and ntmd serves on; a silent connection is
# closed at idle_timeout, one that sends a byte a second at total_timeout; one address
# gets max_connections_per_ip, all addresses max_connections; and while 500 slow
# connections from 127.0.0.2 are held open (slowloris, 12 s), /healthz from 127.0.0.1
# answers every ~100 ms within 1 s. Linux routes all of 127/8 to lo.
. "$(dirname "$0")/test.common"

mkdir -p "$SPOOL"
HTTP_EXTRA="max_connections = 24; max_connections_per_ip = 8; max_header_kb = 4;
  idle_timeout = 2; total_timeout = 5; " write_config "" "file:$SPOOL"
start_ntmd 2018-03-20T09:00:00+07:00

cat >"$T/limits.py" <<'PY'
import asyncio, sys, time

PORT = int(sys.argv[2])
HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: ntmd\r\n\r\n"


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


async def connect(src="127.0.0.1"):
    return await asyncio.open_connection("127.0.0.1", PORT, local_addr=(src, 0))


async def status(r, timeout=2.0):
    """The status of the answer on r, 0 if the connection is closed without one, None
    if nothing comes within timeout."""
    try:
        line = await asyncio.wait_for(r.readline(), timeout)
    except asyncio.TimeoutError:
        return None
    except ConnectionError:
        return 0
    return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else 0


async def closed_after(r, limit):
    """Seconds until the server closes r (reading what it sends), or fail after limit."""
    t0 = time.monotonic()
    try:
        while await asyncio.wait_for(r.read(4096), limit - (time.monotonic() - t0)):
            pass
    except asyncio.TimeoutError:
        fail("still open after %.1f s" % limit)
    except ConnectionError:
        pass
    return time.monotonic() - t0


async def ask(req, timeout=2.0):
    r, w = await connect()
    w.write(req)
    s = await status(r, timeout)
    w.close()
    return s


def request(size):
    """A GET /healthz of exactly size bytes, line and headers, padded with one header."""
    head = b"GET /healthz HTTP/1.1\r\nHost: ntmd\r\nX-Pad: "
    return head + b"a" * (size - len(head) - 4) + b"\r\n\r\n"


async def headers():
    for size, want in ((4096, {200}), (4097, {431}), (12 * 1024, {431, 0}),
                       (64 * 1024, {431, 0})):
        got = await ask(request(size))
        if got not in want:
            fail("%d bytes of request line and headers: %s, not %s" % (size, got, want))
        print("   %6d bytes: %s" % (size, got or "closed"))
    r, w = await connect()
    w.write(b"GET /" + b"x" * 5000 + b" HTTP/1.1\r\nHost: ntmd\r\n\r\n")
    got = await status(r)
    if got not in (431, 414):
        fail("a 5000-byte request line: %s" % got)
    await closed_after(r, 2)
    print("   a 5000-byte request line: %d, closed" % got)
    if await ask(HEALTHZ) != 200:
        fail("/healthz after the large requests")


async def idle():
    r, w = await connect()
    t = await closed_after(r, 6)
    if not 1.5 <= t <= 3.5:
        fail("a silent connection closed after %.1f s, not idle_timeout (2 s)" % t)
    print("   silent: closed after %.1f s" % t)
    r, w = await connect()
    w.write(HEALTHZ)
    if await status(r) != 200:
        fail("/healthz")
    t = await closed_after(r, 6)
    if not 1.5 <= t <= 3.5:
        fail("kept alive after a request, closed after %.1f s, not 2 s" % t)
    print("   silent after a request: closed after %.1f s" % t)


async def dribble(w):
    w.write(b"GET /healthz HTTP/1.1\r\nHost: ntmd\r\nX-Slow: ")
    try:
        while True:
            await asyncio.sleep(1)
            w.write(b"a")
            await w.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass


async def total():
    r, w = await connect()
    task = asyncio.ensure_future(dribble(w))
    t = await closed_after(r, 10)
    task.cancel()
    if not 4.5 <= t <= 6.5:
        fail("a byte a second: closed after %.1f s, not total_timeout (5 s)" % t)
    print("   a byte a second: closed after %.1f s" % t)


async def answered(conns, timeout=1.0):
    for r, w in conns:
        w.write(HEALTHZ)
    got = await asyncio.gather(*(status(r, timeout) for r, w in conns))
    return sum(1 for s in got if s == 200), got


async def limits():
    conns = [await connect("127.0.0.3") for i in range(12)]
    await asyncio.sleep(0.3)
    n, got = await answered(conns)
    if n != 8 or any(s not in (200, 0) for s in got):
        fail("12 connections from one address: %s, not 8 answered" % got)
    print("   12 connections from 127.0.0.3: %d answered, %d closed" % (n, got.count(0)))
    for r, w in conns:
        w.close()
    await asyncio.sleep(0.3)
    conns = [await connect("127.0.0.%d" % (4 + i // 8)) for i in range(32)]
    await asyncio.sleep(0.3)
    n, got = await answered(conns)
    if n != 24:
        fail("32 connections from 4 addresses: %d answered, not 24: %s" % (n, got))
    print("   32 connections from 4 addresses: %d answered, %d waiting, %d closed"
          % (n, got.count(None), got.count(0)))
    for r, w in conns:
        w.close()
    await asyncio.sleep(0.3)
    if await ask(HEALTHZ) != 200:
        fail("/healthz after the connections were closed")


async def slow(stats, until):
    """One slow client from 127.0.0.2: a header line a byte a second, reconnecting a
    second after it is closed."""
    first = True
    while time.monotonic() < until:
        try:
            r, w = await connect("127.0.0.2")
        except OSError:
            stats["refused"] += 1
            await asyncio.sleep(1)
            continue
        stats["opened"] += 1
        opened = time.monotonic()
        w.write(b"GET /healthz HTTP/1.1\r\nHost: ntmd\r\nX-Slow: ")
        try:
            while time.monotonic() < until:
                try:
                    if await asyncio.wait_for(r.read(1), 1.0) == b"":
                        break
                except asyncio.TimeoutError:
                    pass
                w.write(b"a")
        except ConnectionError:
            pass
        if first and time.monotonic() - opened >= 1.5:
            stats["accepted"] += 1
        first = False
        w.close()
        await asyncio.sleep(1)


async def healthz(stats, until):
    while time.monotonic() < until:
        t0 = time.monotonic()
        try:
            s = await ask(HEALTHZ, 1.0)
        except OSError as e:
            s = str(e)
        t = time.monotonic() - t0
        if s != 200 or t > 1.0:
            stats["slow"].append((round(t, 3), s))
        stats["max"] = max(stats["max"], t)
        stats["asked"] += 1
        await asyncio.sleep(max(0, 0.1 - t))


async def slowloris():
    n, secs = 500, 12
    stats = {"opened": 0, "refused": 0, "accepted": 0, "asked": 0, "max": 0.0, "slow": []}
    until = time.monotonic() + secs
    await asyncio.gather(*(slow(stats, until) for i in range(n)), healthz(stats, until))
    print("slowloris: %d connections, %d accepted, %d opened in %d s, healthz max %.3f s "
          "over %d requests" % (n, stats["accepted"], stats["opened"], secs, stats["max"],
                                stats["asked"]))
    if stats["slow"]:
        fail("/healthz late or failed: %s" % stats["slow"][:10])
    if stats["accepted"] > 8:
        fail("%d slow connections from one address kept, more than 8" % stats["accepted"])
    if stats["asked"] < secs * 5:
        fail("only %d /healthz in %d s" % (stats["asked"], secs))


asyncio.run(globals()[sys.argv[1]]())
PY

limits() {
	$PY "$T/limits.py" "$1" "$HTTP_PORT" || fail "$1"
}

say "a request line and headers above max_header_kb (4) are refused"
limits headers
say "a silent connection is closed at idle_timeout (2 s)"
limits idle
say "a connection sending a byte a second is closed at total_timeout (5 s)"
limits total
say "max_connections_per_ip (8) and max_connections (24)"
limits limits
say "500 slow connections from 127.0.0.2, /healthz from 127.0.0.1"
limits slowloris
kill -0 "$NTMD_PID" || fail "ntmd is gone"
stop_ntmd
echo "ok"
