# delivery at once: from masq-inject's exit to the message's arrival at smtp-sink over a
# permanent route (the detached masq-deliver --id starting and sending), median of 50
port=$(bench_port)
d=$BENCH_TMP/at-once
mkdir -p "$d/dump"
chmod 777 "$d/dump"
chmod 755 "$d" "$BENCH_TMP"
printf 'mail_host = 127.0.0.1:%s\n' "$port" > "$d/lan.route"
conf=$(bench_conf "$d" "permanent_routes = \"$d/lan.route\"")
if [ "$(id -u)" = 0 ]; then /usr/sbin/smtp-sink -u nobody -d "$d/dump/" "127.0.0.1:$port" 64 >/dev/null 2>&1 &
else /usr/sbin/smtp-sink -d "$d/dump/" "127.0.0.1:$port" 64 >/dev/null 2>&1 & fi
spid=$!
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break; sleep 0.1; done
python3 - "$MASQ_HOME" "$conf" "$d" <<'PY'
import os, statistics, subprocess, sys, time
home, conf, d = sys.argv[1:4]
inject = os.path.join(home, "bin", "masq-inject")
dump = os.path.join(d, "dump")
log = os.path.join(d, "log", "masq.log")
msg = b"From: a@b\nTo: c@far.example\nSubject: bench\n\n" + (b"x" * 72 + b"\n") * 26

def one():
    before = len(os.listdir(dump))
    subprocess.run([inject, "-C", conf, "-i", "c@far.example"], input=msg, check=True)
    t = time.perf_counter()
    while len(os.listdir(dump)) == before:
        if time.perf_counter() - t > 30:
            raise SystemExit("bench: nothing arrived at smtp-sink within 30 s; see " + log)
        time.sleep(0.001)
    return time.perf_counter() - t

for _ in range(3):
    one()
lat = [one() for _ in range(50)]
print(f"| delivery at once: masq-inject exit → arrival at smtp-sink over a permanent route (median of {len(lat)}) | {statistics.median(lat)*1000:.0f} ms | a detached masq-deliver --id starts and sends; p90 {sorted(lat)[int(len(lat)*0.9)]*1000:.0f} ms |")
PY
for _ in $(seq 100); do [ -z "$(ls "$d/spool/queue")" ] && break; sleep 0.1; done # the last run ends
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
