#!/usr/bin/python3
"""An SMTP server that offers PIPELINING and answers each recipient as its local part says, for
masq's tests of a pipelined group with mixed replies.

Usage: mixedpipe.py RECORD_FILE
Listens on a free loopback port, prints it on stdout, serves connections one after the other until
killed. RCPT TO:<ok...@...> gets 250, <later...@...> 450, <no...@...> 550; <drop...@...> makes it
close the connection at once, without a reply (a server that goes away in the middle of the
group). DATA gets 354 when some recipient was taken, else 554; the message's end gets 250, and the
message is recorded as one line "MESSAGE-ID rcpt1,rcpt2" in RECORD_FILE (the recipients it took).
"""
import re, socket, sys

record = sys.argv[1]
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
        say("220 mixed.example ESMTP")
        taken, dropped = [], False
        for raw in lines:
            cmd = raw.decode("latin-1").rstrip("\r\n")
            up = cmd.upper()
            if up.startswith("EHLO"):
                say("250-mixed.example", "250-PIPELINING", "250 8BITMIME")
            elif up.startswith("MAIL FROM:"):
                taken = []
                say("250 2.1.0 Ok")
            elif up.startswith("RCPT TO:"):
                addr = re.search(r"<([^>]*)>", cmd).group(1)
                local = addr.split("@")[0]
                if local.startswith("drop"):
                    dropped = True
                    break
                if local.startswith("ok"):
                    taken.append(addr)
                    say("250 2.1.5 Ok")
                elif local.startswith("later"):
                    say("450 4.2.0 " + addr + ": try again later")
                else:
                    say("550 5.1.1 " + addr + ": no such user")
            elif up == "DATA":
                if not taken:
                    say("554 5.5.1 no valid recipients")
                    continue
                say("354 go ahead")
                mid = "-"
                for body in lines:
                    if body in (b".\r\n", b".\n"):
                        break
                    m = re.match(rb"(?i)message-id:\s*(\S+)", body)
                    if m:
                        mid = m.group(1).decode()
                with open(record, "a") as f:
                    f.write(mid + " " + ",".join(taken) + "\n")
                say("250 2.0.0 Ok: queued")
            elif up == "RSET":
                taken = []
                say("250 2.0.0 Ok")
            elif up == "QUIT":
                say("221 2.0.0 Bye")
                break
            else:
                say("250 2.0.0 Ok")
        if dropped:
            conn.shutdown(socket.SHUT_RDWR)
