#!/usr/bin/python3
"""Compares the MIME leaves of two messages with Python's email parser (policy.default).

Usage: mimeparts.py ORIGINAL RECEIVED
Every leaf part of each message (attached message/rfc822 parts walked) is decoded with
get_payload(decode=True); text parts are compared with LF line ends and without trailing line
ends (smtp-sink adds an empty line at the end of its dump), other parts byte for byte.
Prints "OK N" (N leaves) and exits 0 when the lists agree and RECEIVED has no parser defects
that ORIGINAL lacks; else prints the first difference and exits 1.
"""
import email, hashlib, sys
from email import policy


def leaves(path):
    with open(path, "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=policy.default)
    out, defects = [], []
    for part in msg.walk():
        defects += [type(d).__name__ for d in part.defects]
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True) or b""
        if part.get_content_maintype() == "text":
            data = data.replace(b"\r\n", b"\n").rstrip(b"\n")
        out.append((part.get_content_type(), hashlib.sha256(data).hexdigest(), len(data), data[:60]))
    return out, defects


want, want_defects = leaves(sys.argv[1])
got, got_defects = leaves(sys.argv[2])
if len(want) != len(got):
    print("leaf count %d, want %d: %r / %r" % (len(got), len(want), got, want))
    sys.exit(1)
for w, g in zip(want, got):
    if w != g:
        print("leaf differs: got %r, want %r" % (g, w))
        sys.exit(1)
new = [d for d in got_defects if d not in want_defects]
if new:
    print("defects in the received message: %r" % new)
    sys.exit(1)
print("OK %d" % len(got))
