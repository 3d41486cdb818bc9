# A queue run over links with real round trips: 100 queued 2 KB messages, one route, one
# connection (and four, max_connections = 4, at 100 ms), into smtp-sink behind a link of 0, 20
# and 100 ms round trip; wall time and round
# trips per message, beside smtp-source -d -s 1 (one session, one message after the other, no
# pipelining: the floor of a client that waits for each reply) through the same link. The delay
# is tc netem on the loopback of a private network namespace where the kernel has sch_netem
# (root), else delay-proxy.py, a relay that holds each chunk for half the round trip (latency
# only: the 1 % loss row needs netem and is skipped without it). Postfix's smtp-source has no
# pipelining option here, so there is no pipelined ceiling to print.
rt_n=100
rt_queue() { # rt_queue DIR PORT [CONNECTIONS]: a conf whose route "link" sends to 127.0.0.1:PORT
  printf 'mail_host = 127.0.0.1:%s\nmax_connections = %s\n' "$2" "${3:-1}" > "$1.route"
  conf=$(bench_conf "$1" "query_routes.link = \"$1.route\"")
  { printf 'From: u\nSubject: bench\n\n'; i=0; while [ $i -lt 26 ]; do printf '%072d\n' 0; i=$((i + 1)); done; } |
    "$MASQ_HOME/bin/masq-inject" -C "$conf" -odq -f u r@far.example
  bench_fill_queue "$1/spool/queue" "$rt_n"
  echo "$conf"
}
rt_row() { # rt_row RTT_MS MASQ_MS SOURCE_MS SENT NOTE [CONNECTIONS]
  if [ "$1" -gt 0 ]; then
    m=$(python3 -c "print(f'{$2 / ($rt_n * $1):.2f}')"); s=$(python3 -c "print(f'{$3 / ($rt_n * $1):.2f}')")
    echo "| queue run, $rt_n msgs over ${6:-1} connection(s), round trip $1 ms | $2 ms, $m round trips/msg | smtp-source -d -s 1: $3 ms, $s round trips/msg; $4 delivered; $5 |"
  else
    echo "| queue run, $rt_n msgs over one connection, loopback (no delay) | $2 ms | smtp-source -d -s 1: $3 ms; $4 delivered; $5 (JVM start included in masq's figure) |"
  fi
}
rt_netem=no
if [ "$(id -u)" = 0 ] && unshare -n sh -c 'ip link set lo up && tc qdisc add dev lo root netem delay 1ms' 2>/dev/null; then
  rt_netem=yes
fi
for run in 0:1 20:1 100:1 100:4; do
  rtt=${run%:*}; conns=${run#*:}
  d=$BENCH_TMP/rt-$rtt-$conns
  sport=$(bench_port); port=$sport
  spid=$(bench_sink "$sport")
  ppid=
  how="loopback"
  if [ "$rtt" -gt 0 ]; then
    port=$(bench_port)
    python3 "$MASQ_HOME/tests/bench/delay-proxy.py" "$port" "$sport" $((rtt / 2)) > "$d.proxy" 2>&1 &
    ppid=$!
    i=0; while ! grep -q ready "$d.proxy" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    how="delay-proxy.py (no sch_netem in this kernel)"
    [ "$rt_netem" = yes ] && how="delay-proxy.py (netem rows below)"
  fi
  conf=$(rt_queue "$d" "$port" "$conns")
  s=$(now_ms); "$MASQ_HOME/bin/masq-deliver" -C "$conf" --route link >/dev/null 2>&1; e=$(now_ms)
  sent=$(grep -c ' => ' "$d/log/masq.log" || true)
  s2=$(now_ms); /usr/sbin/smtp-source -d -s 1 -m "$rt_n" -l 2048 "127.0.0.1:$port" >/dev/null 2>&1; e2=$(now_ms)
  [ -n "$ppid" ] && { kill "$ppid" 2>/dev/null; wait "$ppid" 2>/dev/null || true; }
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
  rt_row "$rtt" $((e - s)) $((e2 - s2)) "$sent" "$how" "$conns"
done
if [ "$rt_netem" = no ]; then
  echo "| queue run at 20 ms round trip with 1 % loss | skipped | needs tc netem (root and sch_netem in the kernel); this kernel has no sch_netem |"
fi
