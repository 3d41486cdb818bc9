#!/usr/bin/python3
"""An SMTP server whose AUTH goes wrong in a way no real server's should, for masq's tests.

Usage: oddauth.py MODE
Listens on a free loopback port, prints it on stdout, and serves connections one after the
other until killed. It offers AUTH PLAIN LOGIN CRAM-MD5. MODE "first": the AUTH command itself
gets "250 2.0.0 Ok"; MODE "second": it gets a 334 challenge and the answer gets "250 2.0.0 Ok"; MODE "scram": it offers
SCRAM-SHA-256 only and answers the client's proof with a server signature that is wrong (it does
not know the password), then "235" to anything. Every other command gets 250 (221 for QUIT), and
has its first word written on stderr (one line each, the AUTH exchange left out).
"""
import base64, socket, sys

mode = sys.argv[1]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
print(srv.getsockname()[1], flush=True)
while True:
    conn, _ = srv.accept()
    with conn, conn.makefile("rb") as lines:
        def say(*replies):
            conn.sendall(b"".join(r.encode() + b"\r\n" for r in replies))
        say("220 odd.example ESMTP")
        in_auth = False
        scram = 0
        for raw in lines:
            cmd = raw.decode("latin-1").strip().upper()
            if not in_auth and scram not in (1, 2):
                sys.stderr.write((cmd.split() or [""])[0] + "\n")
                sys.stderr.flush()
            if scram == 1:  # the client-final message: a signature that is not the server's
                scram = 2
                say("334 " + base64.b64encode(b"v=" + base64.b64encode(b"x" * 32)).decode())
            elif scram == 2:
                scram = 3
                say("235 2.7.0 Ok" if cmd != "*" else "501 5.7.0 Cancelled")
            elif mode == "scram" and cmd.startswith("AUTH SCRAM-SHA-256 "):
                first = base64.b64decode(raw.split()[2]).decode()
                nonce = first.split("r=", 1)[1]
                scram = 1
                server_first = "r=%sSRV,s=%s,i=4096" % (nonce, base64.b64encode(b"salt").decode())
                say("334 " + base64.b64encode(server_first.encode()).decode())
            elif in_auth:
                in_auth = False
                say("250 2.0.0 Ok")
            elif cmd.startswith("EHLO"):
                say("250-odd.example",
                    "250 AUTH " + ("SCRAM-SHA-256" if mode == "scram" else "PLAIN LOGIN CRAM-MD5"))
            elif cmd.startswith("AUTH") and mode == "second":
                in_auth = True
                say("334 " + base64.b64encode(b"<1.2@odd.example>").decode())
            elif cmd.startswith("QUIT"):
                say("221 2.0.0 Bye")
                break
            else:
                say("250 2.0.0 Ok")
