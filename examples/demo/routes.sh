#!/bin/sh
# make demo, going online: called by run.sh with the demo's masq.conf as $1, after local
# delivery. The laptop is offline, so internet mail waits; then the link "comes up" (what an
# ip-up script does: masq-deliver --route isp) and the mail goes out over the provider's
# route, rewritten, to a stand-in for the provider's server: a second masq (masq-smtpd
# --listen on a loopback port, its own spool in demo/provider/), started and stopped here.
set -eu
conf=$1
top=$(cd "$(dirname "$0")/../.." && pwd -P)
bin=$top/bin
demo=$(cd "$(dirname "$conf")" && pwd -P)
prov=$demo/provider
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if command -v python3 >/dev/null 2>&1; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
else
  port=$(( 20000 + $$ % 20000 ))
fi
sed "s/@PORT@/$port/" "$top/examples/demo/isp.route" > "$demo/isp.route"
grep -q '^query_routes.isp' "$conf" || printf '\n# going online (routes.sh)\nquery_routes.isp = "isp.route"\n' >> "$conf"
mkdir -p "$prov"
cp "$top/examples/demo/provider.conf" "$prov/masq.conf"

say "8. still offline: a queue run delivers nothing to the internet, and says why (-v)"
"$bin/masq-deliver" -C "$conf" -v 2>&1 | grep -v ' => ' || true

say "9. the provider's server comes up (stand-in: masq-smtpd --listen 127.0.0.1:$port, spool in demo/provider/)"
"$bin/masq-smtpd" -C "$prov/masq.conf" --listen "127.0.0.1:$port" --pidfile "$prov/smtpd.pid" &
stop_provider() { [ -f "$prov/smtpd.pid" ] && kill "$(cat "$prov/smtpd.pid")" 2>/dev/null || true; }
trap stop_provider EXIT INT TERM
i=0
while [ ! -s "$prov/smtpd.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$prov/smtpd.pid" ] || { echo "demo: the stand-in server did not start" >&2; exit 1; }

say "10. the link comes up; what would go where (masq-deliver --route isp --dry-run)"
"$bin/masq-deliver" -C "$conf" --route isp --dry-run
say "11. the ip-up script runs: masq-deliver --route isp -v"
"$bin/masq-deliver" -C "$conf" --route isp -v
say "12. the laptop's queue is empty; the log names route, host and the server's reply"
"$bin/masq-queue" -C "$conf"
grep ' route=' "$demo/log/masq.log"

say "13. what the provider received (its queue): return paths rewritten to provider.example"
"$bin/masq-queue" -C "$prov/masq.conf"
first=$("$bin/masq-queue" -C "$prov/masq.conf" list --json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -1)
say "one of them as the provider got it (masq-queue show $first): From: rewritten, the rest as written"
"$bin/masq-queue" -C "$prov/masq.conf" show "$first"

stop_provider
trap - EXIT INT TERM
i=0
while [ -f "$prov/smtpd.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
say "the stand-in server is stopped; the laptop's spool check"
"$bin/masq-queue" -C "$conf" check
