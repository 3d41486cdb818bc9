#!/usr/bin/python3
"""A tiny OAuth2 token-introspection endpoint (RFC 7662) for Dovecot's passdb oauth2, for masq's tests.

Usage: introspect.py USER TOKEN...
Listens on a free loopback port and prints it on stdout. A POST with token=T (Dovecot's
introspection_mode = post) answers {"active": true, "username": USER} when T is one of the
TOKENs, and {"active": false} otherwise (an expired or revoked token). Every request is logged
on stderr ("active" or "inactive", never the token).
"""
import json, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

user, tokens = sys.argv[1], set(sys.argv[2:])


class Introspect(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        token = urllib.parse.parse_qs(body).get("token", [""])[0]
        ok = token in tokens
        sys.stderr.write(("active" if ok else "inactive") + "\n")
        sys.stderr.flush()
        reply = json.dumps({"active": True, "username": user} if ok else {"active": False})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply.encode())

    def log_message(self, *args):
        pass


srv = HTTPServer(("127.0.0.1", 0), Introspect)
print(srv.server_address[1], flush=True)
srv.serve_forever()
