#!/bin/sh
# make bench: one table of figures measured in this run on this machine (never asserted).
# `sh tests/bench/bench.sh NN` runs only the parts whose file name starts with NN.
# Each tests/bench/parts/NN-name.sh prints table rows "| what | figure | floor / note |"
# using the helpers below; parts run in file-name order.
set -eu
MASQ_HOME=$(cd "$(dirname "$0")/../.." && pwd -P)
export MASQ_HOME
BENCH_TMP=$(mktemp -d /tmp/masq-bench.XXXXXX)
export BENCH_TMP
trap 'rm -rf "$BENCH_TMP"' EXIT INT TERM
. "$MASQ_HOME/bin/launch.sh"
JDK=$(masq_find_jdk)
export JDK

# bench_conf DIR [extra lines]: a single-user masq.conf with its spool under DIR
bench_conf() {
  mkdir -p "$1"
  { printf 'host_name = bench.example\nrun_as_user = true\n'
    printf 'spool_dir = "%s/spool"\nlog_dir = "%s/log"\nmail_dir = "%s/mail"\n' "$1" "$1" "$1"
    [ $# -gt 1 ] && printf '%s\n' "$2"; } > "$1/masq.conf"
  echo "$1/masq.conf"
}
# bench_fill_queue QUEUE_DIR N: copies the one message queued in QUEUE_DIR under N-1 more IDs
# (spool-format.md), so that a bench measures delivery rather than injection
bench_fill_queue() {
  python3 - "$1" "$2" <<'PY'
import os, shutil, sys
queue, n = sys.argv[1], int(sys.argv[2])
first = [f[:-4] for f in os.listdir(queue) if f.endswith(".msg")][0]
# spool format 2 and 3: the data, the envelope, then "masq-envelope-at OFFSET" (36 bytes)
blob = open(os.path.join(queue, first + ".msg"), "rb").read()
start = int(blob[-19:-1])
data, env, trailer = blob[:start], blob[start:-36].decode(), blob[-36:]
used, j = {first}, 0
for i in range(1, n):
    mid = first
    while mid in used:  # the IDs made below may hit the one masq-inject chose
        j += 1
        mid = first[:-2] + "%02d" % (j % 100) if j < 100 else first[:8] + "%04d" % j + first[12:]
    used.add(mid)
    with open(os.path.join(queue, mid + ".msg"), "wb") as f:  # an ID is always 15 characters
        f.write(data + env.replace(first, mid).encode() + trailer)
PY
}
# bench_port: a free TCP port on 127.0.0.1
bench_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# bench_sink PORT: starts smtp-sink on 127.0.0.1:PORT, waits until it listens, prints its pid
bench_sink() {
  if [ "$(id -u)" = 0 ]; then /usr/sbin/smtp-sink -u nobody "127.0.0.1:$1" 256 >/dev/null 2>&1 &
  else /usr/sbin/smtp-sink "127.0.0.1:$1" 256 >/dev/null 2>&1 & fi
  echo $!
  for _ in $(seq 50); do python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && break; sleep 0.1; done
}
# now_ms: wall clock in milliseconds
now_ms() { date +%s%3N; }
# peak_rss_kb CMD...: runs CMD, prints its peak resident set in KiB on stdout (CMD's output to /dev/null)
peak_rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "masq bench — $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, $(uname -r)"
echo
echo "| what | figure | floor or note |"
echo "|---|---|---|"
only=${1:-} # parts may use "set --", so the filter is kept apart
for part in "$MASQ_HOME"/tests/bench/parts/*.sh; do
  [ -f "$part" ] || continue
  case ${part##*/} in ${only}*) ;; *) continue ;; esac # sh bench.sh 60: only parts 60-*
  . "$part"
done
