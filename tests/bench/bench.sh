#!/bin/sh
# make bench: one table of figures measured in this run on this machine (never asserted).
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
# now_ms: wall clock in milliseconds
now_ms() { date +%s%3N; }
# peak_rss_kb CMD...: runs CMD, prints its peak resident set in KiB on stdout (CMD's output to /dev/null)
peak_rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "masq bench — $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, $(uname -r)"
echo
echo "| what | figure | floor or note |"
echo "|---|---|---|"
for part in "$MASQ_HOME"/tests/bench/parts/*.sh; do
  [ -f "$part" ] || continue
  . "$part"
done
