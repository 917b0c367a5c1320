#!/usr/bin/python3
"""Test SMTP server for ntmd system tests (aiosmtpd).

Usage: /usr/bin/python3 tests/tools/smtpd.py --port PORT --spool DIR [--pidfile F]

Listens on 127.0.0.1:PORT; plain SMTP (no STARTTLS, no AUTH), 8BITMIME and
SMTPUTF8 accepted. Prints "ready" on stdout once listening; SIGTERM/SIGINT
stop it cleanly (exit 0, pidfile removed).

Each accepted message N (1, 2, ... continuing after files already in DIR):
  DIR/NNNN.json  {"mail_from": str, "rcpt_tos": [str]}   (written first)
  DIR/NNNN.eml   the exact DATA bytes (dot-unstuffed), written atomically.
Fail on cue (the file is read at every command, so create/remove it at will):
  DIR/fail       reply with its first line (e.g. "451 4.3.0 Try again later",
                 default when empty) to DATA instead of accepting;
  DIR/fail-rcpt  the same, but at RCPT TO (each rejected recipient counts).
  DIR/fail-to    lines "ADDRESS REPLY": reject those recipients only, at RCPT TO.
  DIR/fail-times "N [REPLY]": reply REPLY (default the 451 above) to the next N
                 DATA commands, then accept again (the file counts down, then goes).
  DIR/drop       close the connection in the middle of DATA, after its first line,
                 without a reply.
Every rejection appends one line, the reply, to DIR/rejected.log; every drop a line
"drop" to DIR/dropped.log; every DATA, when it begins, a line to DIR/data.log.
Slow on cue:
  DIR/delay      wait its number of seconds (e.g. "2.5") after DATA before replying,
                 as a slow or stalled server does; other sessions go on meanwhile.
Each .json also records "peer", the client's port, so tests can count connections.
"""
import argparse
import asyncio
import json
import os
import re
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

DEFAULT_FAIL = "451 4.3.0 Try again later"


class SpoolHandler:
    def __init__(self, spool):
        self.spool = spool
        self.lock = threading.Lock()
        nums = [int(m.group(1)) for m in
                (re.fullmatch(r"(\d+)\.eml", f) for f in os.listdir(spool)) if m]
        self.counter = max(nums, default=0)

    def _lines(self, name):
        try:
            with open(os.path.join(self.spool, name), encoding="utf-8") as f:
                return f.read().strip().splitlines()
        except FileNotFoundError:
            return None

    def _cue(self, name, address=None):
        """Return the reply to reject with, or None to accept."""
        lines = self._lines(name)
        if lines is None:
            return None
        if address is not None:
            rules = dict(line.strip().split(" ", 1) for line in lines if " " in line.strip())
            if address not in rules:
                return None
            lines = [rules[address]]
        reply = lines[0].strip() if lines else DEFAULT_FAIL
        if not re.match(r"[45]\d\d[ -]", reply + " "):
            reply = DEFAULT_FAIL
        with self.lock, open(os.path.join(self.spool, "rejected.log"), "a",
                             encoding="utf-8") as log:
            log.write(reply + "\n")
        return reply

    def _count_down(self):
        """The reply for a DATA while DIR/fail-times counts, or None."""
        path = os.path.join(self.spool, "fail-times")
        with self.lock:
            lines = self._lines("fail-times")
            if not lines:
                return None
            count, _, reply = lines[0].strip().partition(" ")
            if not count.isdigit() or int(count) <= 0:
                os.unlink(path)
                return None
            if int(count) == 1:
                os.unlink(path)
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write("%d %s\n" % (int(count) - 1, reply))
            reply = reply.strip() or DEFAULT_FAIL
            with open(os.path.join(self.spool, "rejected.log"), "a", encoding="utf-8") as log:
                log.write(reply + "\n")
            return reply

    def note(self, name, line):
        with self.lock, open(os.path.join(self.spool, name), "a", encoding="utf-8") as log:
            log.write(line + "\n")

    def _write(self, name, data):
        tmp = os.path.join(self.spool, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.spool, name))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self._cue("fail-rcpt") or self._cue("fail-to", address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _delay(self):
        try:
            with open(os.path.join(self.spool, "delay"), encoding="utf-8") as f:
                return float(f.read().strip() or "0")
        except (FileNotFoundError, ValueError):
            return 0.0

    async def handle_DATA(self, server, session, envelope):
        delay = self._delay()
        if delay > 0:
            await asyncio.sleep(delay)
        reply = self._cue("fail") or self._count_down()
        if reply:
            return reply
        data = envelope.original_content
        if data is None:
            data = envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                "peer": session.peer[1]}
        with self.lock:
            self.counter += 1
            base = "%04d" % self.counter
            self._write(base + ".json", json.dumps(meta, ensure_ascii=False).encode())
            self._write(base + ".eml", data)
        return "250 OK: queued as " + base


class CueSMTP(SMTP):
    """aiosmtpd's server, which can also drop a connection in the middle of DATA."""

    async def smtp_DATA(self, arg):
        handler = self.event_handler
        handler.note("data.log", "DATA from %d" % self.session.peer[1])
        if (self.envelope.rcpt_tos and not arg
                and os.path.exists(os.path.join(handler.spool, "drop"))):
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readuntil(b"\r\n")
            handler.note("dropped.log", "drop")
            self.transport.close()
            return
        await super().smtp_DATA(arg)


class CueController(Controller):
    def factory(self):
        return CueSMTP(self.handler, **self.SMTP_kwargs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--spool", required=True)
    ap.add_argument("--pidfile")
    args = ap.parse_args()
    try:
        os.makedirs(args.spool, exist_ok=True)
        handler = SpoolHandler(args.spool)
        controller = CueController(
            handler, hostname="127.0.0.1", port=args.port,
            decode_data=False, enable_SMTPUTF8=True, require_starttls=False,
            auth_required=False, tls_context=None,
            ident="ntmd-test-smtpd")
        controller.start()
    except Exception as e:  # port in use, bad spool dir, ...
        sys.exit("smtpd.py: cannot start on 127.0.0.1:%d: %s" % (args.port, e))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    print("ready", flush=True)
    while not stop.wait(1):
        pass
    controller.stop()
    if args.pidfile:
        try:
            os.unlink(args.pidfile)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
