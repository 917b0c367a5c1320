#!/usr/bin/python3
"""Check one mail file strictly and print a JSON summary of it.

Usage: /usr/bin/python3 tests/tools/check_mail.py FILE.eml

Fails (exit 1, reasons on stderr, nothing on stdout) if the message or any
MIME part has parser defects, any raw line exceeds 998 octets, any raw header
(top level or in a MIME part) holds non-ASCII bytes (RFC 2047 is required),
or any line of a text/* part's body as transmitted exceeds 76 characters.
On success prints (exit 0):
  {"subject", "from", "to": [str], "from_addr", "to_addrs": [addr-spec], "reply_to",
   "message_id", "date", "auto_submitted", "content_type",
   "parts": [{"content_type", "charset", "filename", "transfer_encoding",
              "max_line_length"}],          # every part of msg.walk(), root first
   "text", "html", "ics"}                   # decoded bodies, or null
Headers are decoded str (null when absent). "text"/"html" are the main body
(email get_body) with CRLF turned into LF; "ics" is the first text/calendar
part exactly as decoded (CRLF kept, so it can be fed to check_ics). Bodies
are decoded strictly by their charset (absent: us-ascii, utf-8 for
text/calendar); undecodable bodies fail. Exit 2 on usage/IO errors.
"""
import email.policy
import json
import sys
from email.parser import BytesParser


def raw_str(value):
    """Header/payload text as held by the parser (non-ASCII bytes surrogate-escaped)."""
    return value if isinstance(value, str) else str(value)


def body_lines(part):
    """Body lines as transmitted (8-bit bodies decoded by their charset)."""
    return raw_str(part.get_payload()).splitlines()


def decoded(part, crlf=False):
    """Strictly decoded body (charset default: us-ascii; utf-8 for calendars)."""
    if part is None:
        return None
    cs = part.get_content_charset() or (
        "utf-8" if part.get_content_type() == "text/calendar" else "us-ascii")
    text = part.get_payload(decode=True).decode(cs)
    return text if crlf else text.replace("\r\n", "\n")


def header(msg, name):
    v = msg[name]
    return None if v is None else str(v)


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f:
            raw = f.read()
    except OSError as e:
        print("check_mail: %s" % e, file=sys.stderr)
        return 2
    errors = []
    for n, line in enumerate(raw.split(b"\n"), 1):
        if len(line.rstrip(b"\r")) > 998:
            errors.append("line %d is %d octets (> 998)" % (n, len(line.rstrip(b"\r"))))
    msg = BytesParser(policy=email.policy.default).parsebytes(raw)
    parts = []
    for i, part in enumerate(msg.walk()):
        where = "part %d (%s)" % (i, part.get_content_type())
        for d in part.defects:
            errors.append("%s: defect %s: %s" % (where, type(d).__name__, d))
        for name, value in part.raw_items():
            if any(ord(c) > 127 for c in name + raw_str(value)):
                errors.append("%s: raw non-ASCII in header %s" % (where, name))
        for name, value in part.items():
            for d in getattr(value, "defects", ()):
                errors.append("%s: header %s: defect %s: %s" % (where, name, type(d).__name__, d))
        info = {"content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "filename": part.get_filename(),
                "transfer_encoding": part.get("Content-Transfer-Encoding") and
                str(part["Content-Transfer-Encoding"]).lower(),
                "max_line_length": None}
        if not part.is_multipart():
            lines = body_lines(part)
            info["max_line_length"] = max(map(len, lines), default=0)
            if part.get_content_maintype() == "text" and info["max_line_length"] > 76:
                errors.append("%s: body line of %d characters (> 76)"
                              % (where, info["max_line_length"]))
        parts.append(info)
    if errors:
        for e in errors:
            print("check_mail: %s: %s" % (argv[1], e), file=sys.stderr)
        return 1
    try:
        to = msg["to"].addresses if msg["to"] is not None else ()
        frm = msg["from"].addresses if msg["from"] is not None else ()
        reply_to = msg["reply-to"].addresses if msg["reply-to"] is not None else ()
        summary = {
            "subject": header(msg, "subject"),
            "from": header(msg, "from"),
            "to": [str(a) for a in to],
            "from_addr": frm[0].addr_spec if frm else None,
            "to_addrs": [a.addr_spec for a in to],
            "reply_to": reply_to[0].addr_spec if reply_to else None,
            "message_id": header(msg, "message-id"),
            "date": header(msg, "date"),
            "auto_submitted": header(msg, "auto-submitted"),
            "content_type": msg.get_content_type(),
            "parts": parts,
            "text": decoded(msg.get_body(("plain",))),
            "html": decoded(msg.get_body(("html",))),
            "ics": decoded(next((p for p in msg.walk()
                                 if p.get_content_type() == "text/calendar"), None), True),
        }
    except Exception as e:  # undecodable body, broken address header, ...
        print("check_mail: %s: %s: %s" % (argv[1], type(e).__name__, e), file=sys.stderr)
        return 1
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
