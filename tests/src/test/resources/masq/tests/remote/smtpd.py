#!/usr/bin/python3
"""A recording SMTP server for masq's remote-delivery tests (aiosmtpd, Debian's python3).

Usage: smtpd.py PORT RECORD_DIR [--starttls CERT KEY] [--smtps CERT KEY] [--auth USER:PASS]
                [--size N] [--client-ca CAFILE] [--tls-max 1.2]
                [--smtputf8]
Each MAIL command appends a line to RECORD_DIR/events ("MAIL <addr> tls=0|1 peer=PORT");
each accepted message becomes RECORD_DIR/msg-N.json (mail_from, rcpt_tos, mail_options,
tls, peer port, data as latin-1; rcpt_options of the accepted recipients). --smtputf8 offers
SMTPUTF8 (aiosmtpd's enable_SMTPUTF8). RCPT to a local part starting with "temp" gets 451, with
"bad" 550, with "hostile" a 2,000-character multi-line 550 holding a bare CR and an
escape sequence. --client-ca requires a client certificate signed by CAFILE (CERT_REQUIRED);
--tls-max caps the TLS version the server speaks. Prints READY on stdout once it listens; stops at EOF on stdin.
"""
import base64, hashlib, hmac, json, os, ssl, sys, threading
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

args = sys.argv[1:]
port, record = int(args[0]), args[1]
opts = args[2:]
tls_ctx = None
smtps_ctx = None
auth = None
size = 33554432
client_ca = None
tls_max = None
smtputf8 = False
i = 0
while i < len(opts):
    o = opts[i]
    if o in ("--starttls", "--smtps"):
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(opts[i + 1], opts[i + 2])
        if o == "--starttls":
            tls_ctx = ctx
        else:
            smtps_ctx = ctx
        i += 3
    elif o == "--auth":
        auth = opts[i + 1].split(":", 1)
        i += 2
    elif o == "--client-ca":
        client_ca = opts[i + 1]
        i += 2
    elif o == "--tls-max":
        tls_max = opts[i + 1]
        i += 2
    elif o == "--smtputf8":
        smtputf8 = True
        i += 1
    elif o == "--size":
        size = int(opts[i + 1])
        i += 2
    else:
        sys.exit("unknown option " + o)

for ctx in (tls_ctx, smtps_ctx):
    if ctx is not None and client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(client_ca)
    if ctx is not None and tls_max:
        ctx.maximum_version = {"1.2": ssl.TLSVersion.TLSv1_2}[tls_max]

lock = threading.Lock()
count = [0]


def event(line):
    with lock:
        with open(os.path.join(record, "events"), "a") as f:
            f.write(line + "\n")


def tls(server, session):
    """1 when the connection is encrypted (after STARTTLS, or implicit TLS)."""
    t = getattr(server, "transport", None)
    return 1 if session.ssl or (t is not None and t.get_extra_info("ssl_object") is not None) else 0


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        event("MAIL %s tls=%d peer=%d" % (address, tls(server, session), session.peer[1]))
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("temp"):
            return "451 4.2.1 mailbox busy, try later"
        if local.startswith("bad"):
            return "550 5.1.1 no such user here"
        if local.startswith("hostile"):
            # a multi-line refusal of about 2,000 characters with a bare CR, an escape sequence
            # and a would-be header inside: what a notice must not pass on as it is
            lines = ["5.7.1 refused\rX-Injected: yes", "blah " * 100,
                     "z" * 1500, "end \x1b[31mred"]
            return "\r\n".join("550-" + l for l in lines[:-1]) + "\r\n550 " + lines[-1]
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with lock:
            count[0] += 1
            n = count[0]
        doc = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
               "mail_options": envelope.mail_options,
               "rcpt_options": envelope.rcpt_options, "tls": tls(server, session),
               "peer": session.peer[1], "auth": 1 if session.authenticated else 0,
               "data": envelope.original_content.decode("latin-1")}
        tmp = os.path.join(record, "msg-%d.tmp" % n)
        with open(tmp, "w") as f:
            json.dump(doc, f)
        os.rename(tmp, os.path.join(record, "msg-%d.json" % n))
        return "250 2.0.0 queued as %d" % n

    async def auth_CRAM__MD5(self, server, args):
        challenge = "<%s@masq.test>" % os.urandom(8).hex()
        resp = await server.challenge_auth(challenge)
        if not isinstance(resp, bytes):
            return AuthResult(success=False, handled=False)
        user, _, digest = resp.decode().rpartition(" ")
        want = hmac.new(auth[1].encode(), challenge.encode(), hashlib.md5).hexdigest()
        return AuthResult(success=(user == auth[0] and digest == want), handled=False)


def authenticator(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and auth is not None \
        and data.login.decode() == auth[0] and data.password.decode() == auth[1]
    return AuthResult(success=ok, handled=False)


kw = dict(hostname="127.0.0.1", port=port, data_size_limit=size, decode_data=False)
if tls_ctx:
    kw["tls_context"] = tls_ctx
if auth:
    kw["authenticator"] = authenticator
    kw["auth_require_tls"] = False
if smtputf8:
    kw["enable_SMTPUTF8"] = True
if smtps_ctx:
    kw["ssl_context"] = smtps_ctx
ctl = Controller(Handler(), **kw)
ctl.start()
print("READY", flush=True)
sys.stdin.read()
ctl.stop()
