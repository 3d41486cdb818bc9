#!/usr/bin/python3
"""An SMTP server that breaks off the TLS handshake, for masq's TLS failure tests.

Usage: tlsdrop.py PORT
Greets, offers STARTTLS in its EHLO answer, says 220 to STARTTLS, reads the client's first TLS
record (its ClientHello) and closes the connection: what a server does that dies or refuses in
the middle of a handshake. Prints READY on stdout once it listens; serves until killed.
"""
import socket, sys

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(8)
print("READY", flush=True)
while True:
    conn, _ = srv.accept()
    try:
        conn.settimeout(20)
        f = conn.makefile("rb")
        conn.sendall(b"220 tlsdrop.test ESMTP\r\n")
        while True:
            line = f.readline()
            if not line:
                break
            verb = line[:8].upper()
            if verb.startswith(b"EHLO"):
                conn.sendall(b"250-tlsdrop.test\r\n250 STARTTLS\r\n")
            elif verb.startswith(b"STARTTLS"):
                conn.sendall(b"220 go ahead\r\n")
                conn.recv(5)  # the start of the ClientHello: then gone
                break
            elif verb.startswith(b"QUIT"):
                conn.sendall(b"221 bye\r\n")
                break
            else:
                conn.sendall(b"502 no\r\n")
    except OSError:
        pass
    finally:
        try:
            conn.shutdown(socket.SHUT_RDWR)  # the reader holds the socket open otherwise
        except OSError:
            pass
        conn.close()
