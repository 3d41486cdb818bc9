# masq-deliver over a route: 1,000 queued 2 KB messages sent to smtp-sink on loopback in one
# `masq-deliver --route sink` run (JVM start included), with 1 and with 10 recipients per
# message, next to the loopback ceiling (smtp-source -s 10) measured in this run. One message
# is queued by masq-inject -odq, then copied under 999 more IDs (as 20-deliver.sh does).
rd_run() { # rd_run RCPTS: prints "msgs/s peak-RSS-MB sent left"
  d=$BENCH_TMP/route-deliver-$1
  port=$(bench_port)
  printf 'mail_host = 127.0.0.1:%s\nmap_return_path_addresses = "u: user@provider.example"\n' "$port" > "$d.route"
  conf=$(bench_conf "$d" "query_routes.sink = \"$d.route\"")
  rcpts=$(i=0; while [ $i -lt "$1" ]; do printf 'r%d@far.example ' $i; i=$((i + 1)); done)
  { printf 'From: u\nSubject: bench\n\n'; i=0; while [ $i -lt 26 ]; do printf '%072d\n' 0; i=$((i + 1)); done
    printf '.a line with a dot, stuffed on the wire\n'; } | "$MASQ_HOME/bin/masq-inject" -C "$conf" -odq -f u $rcpts
  bench_fill_queue "$d/spool/queue" 1000
  sync
  spid=$(bench_sink "$port")
  s=$(now_ms)
  rss=$(peak_rss_kb "$MASQ_HOME/bin/masq-deliver" -C "$conf" --route sink)
  e=$(now_ms)
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
  sent=$(grep -c ' => ' "$d/log/masq.log" || true)
  left=$(ls "$d/spool/queue" | wc -l)
  echo "$(( 1000000 / (e - s) )) $(( rss / 1024 )) $sent $left $(( e - s ))"
}
set -- $(rd_run 1)
echo "| masq-deliver --route to smtp-sink, 1,000 queued 2 KB msgs, 1 rcpt each, one run | $1 msgs/s | target ≥ 2,900 msgs/s; $5 ms incl. JVM start; peak RSS $2 MB (target ≤ 128 MB); $3 recipients delivered, $4 spool files left |"
set -- $(rd_run 10)
echo "| masq-deliver --route to smtp-sink, 1,000 queued 2 KB msgs, 10 rcpts each, one run | $1 msgs/s | $5 ms incl. JVM start; peak RSS $2 MB; $3 recipients delivered, $4 spool files left |"
rp=$(bench_port); rpid=$(bench_sink "$rp")
s=$(now_ms); /usr/sbin/smtp-source -s 10 -m 1000 -l 2048 "127.0.0.1:$rp" >/dev/null 2>&1; e=$(now_ms)
kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null || true
echo "| loopback ceiling for the rows above: \`smtp-source -s 10 -m 1000\` into smtp-sink | $(( 1000 * 1000 / (e - s + 1) )) msgs/s | 10 parallel sessions, 2 KB messages, measured in the same run |"
