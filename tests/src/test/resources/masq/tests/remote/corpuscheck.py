#!/usr/bin/python3
"""Checks copies of a corpus of real messages after masq carried them (Debian's python3 email).

Usage: corpuscheck.py PAIRS
PAIRS holds one line per copy: KIND TAB ORIGINAL TAB COPY. KIND is "maildir" (a delivered
file), "sink" (a dump of smtp-sink without 8BITMIME: also no 8-bit byte; the empty line smtp-sink
adds at its end taken off) or "wire" (a JSON
record of the aiosmtpd recorder: its "data" is the DATA as it came over the wire, latin-1).
For every copy: Python's email parser finds the same leaves (type and decoded payload; text
with LF line ends, a lone CR counted as one, trailing line ends dropped) in the copy as in the
original, and every header field of the original's header section (but those masq removes:
Return-Path, Bcc, Envelope-To) (a field name followed by
white space before its colon included, RFC 5322 section 4.5) is a header field of the copy.
Before parsing, such a field has its white space taken out of both, as Python's parser does not
read the obsolete syntax. On the wire, also: no CR without LF and no LF without CR, no line over
998 octets but the delimiter lines of a boundary longer than that.
Prints one line per problem and "CHECKED N" at the end.
"""
import email, json, re, sys
from email import policy

# the fields masq takes out of every message it accepts (masqmail's rule, masq-inject(1))
REMOVED = {b"return-path", b"bcc", b"envelope-to"}
FIELD = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:")


def header_section(data):
    """The header fields as masq reads them: up to the empty line or the first non-header."""
    names, lines = [], data.replace(b"\r\n", b"\n").split(b"\n")
    if lines and re.match(rb"From \S+[ \t]+\w{3}[ \t]+\w{3}[ \t]+\d", lines[0]):
        lines = lines[1:]
    for i, line in enumerate(lines):
        if line == b"":
            return names, i
        if line[:1] in (b" ", b"\t") and names:
            continue
        m = FIELD.match(line)
        if not m:
            return names, i
        names.append(m.group(1).lower())
    return names, len(lines)


def normalised(data):
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    _, end = header_section(data)
    start = 1 if lines and re.match(rb"From \S+[ \t]+\w{3}[ \t]+\w{3}[ \t]+\d", lines[0]) else 0
    for i in range(start, start + end):
        lines[i] = FIELD.sub(lambda m: m.group(1) + b":", lines[i], count=1)
    return b"\n".join(lines)


def leaves(data):
    msg = email.message_from_bytes(normalised(data), policy=policy.default)
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_content_maintype() == "text":
            payload = payload.replace(b"\r\n", b"\n").replace(b"\r", b"\n").rstrip(b"\n")
        out.append((part.get_content_type(), payload))
    return out


def boundaries(data):
    msg = email.message_from_bytes(normalised(data), policy=policy.compat32)
    return {b"--" + p.get_boundary().encode("latin-1") for p in msg.walk()
            if p.is_multipart() and p.get_boundary()}


problems, checked = [], 0
for row in open(sys.argv[1], encoding="utf-8").read().splitlines():
    kind, orig, copy = row.split("\t")
    want = open(orig, "rb").read()
    if kind == "wire":
        got = json.load(open(copy, encoding="utf-8"))["data"].encode("latin-1")
        if re.search(rb"\r(?!\n)|(?<!\r)\n", got):
            problems.append("%s: a CR or LF alone on the wire" % orig)
        long_ok = {b.rstrip(b"-") for b in boundaries(want)}
        for line in got.split(b"\r\n"):
            if len(line) > 998 and line.rstrip(b"-") not in long_ok:
                problems.append("%s: a line of %d octets on the wire" % (orig, len(line)))
                break
    else:
        got = open(copy, "rb").read()
        if kind == "sink" and got.endswith(b"\n\n"):
            got = got[:-1]  # smtp-sink ends its dump with an empty line of its own
    if kind == "sink" and re.search(rb"[\x80-\xff]", got):
        problems.append("%s: an 8-bit byte sent to a server without 8BITMIME" % orig)
    w, g = leaves(want), leaves(got)
    if w != g:
        diff = next((i for i, (a, b) in enumerate(zip(w, g)) if a != b), min(len(w), len(g)))
        problems.append("%s (%s): leaves differ at %d of %d/%d: %r / %r" % (
            orig, kind, diff, len(w), len(g), w[diff:diff + 1], g[diff:diff + 1]))
    want_names, _ = header_section(want)
    got_names, _ = header_section(got)
    missing = [n for n in want_names if n not in got_names and n not in REMOVED]
    if missing:
        problems.append("%s (%s): header fields now in the body: %r" % (orig, kind, missing))
    checked += 1
for p in problems:
    print(p[:600])
print("CHECKED %d" % checked)
