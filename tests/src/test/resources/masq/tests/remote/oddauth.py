#!/usr/bin/python3
"""An SMTP server whose AUTH goes wrong in a way no real server's should, for masq's tests.

Usage: oddauth.py MODE
Listens on a free loopback port, prints it on stdout, and serves connections one after the
other until killed. It offers AUTH PLAIN LOGIN CRAM-MD5. MODE "first": the AUTH command itself
gets "250 2.0.0 Ok"; MODE "second": it gets a 334 challenge and the answer gets "250 2.0.0 Ok".
Every other command gets 250 (221 for QUIT).
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
        for raw in lines:
            cmd = raw.decode("latin-1").strip().upper()
            if in_auth:
                in_auth = False
                say("250 2.0.0 Ok")
            elif cmd.startswith("EHLO"):
                say("250-odd.example", "250 AUTH PLAIN LOGIN CRAM-MD5")
            elif cmd.startswith("AUTH") and mode == "second":
                in_auth = True
                say("334 " + base64.b64encode(b"<1.2@odd.example>").decode())
            elif cmd.startswith("QUIT"):
                say("221 2.0.0 Bye")
                break
            else:
                say("250 2.0.0 Ok")
