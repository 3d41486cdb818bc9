# masq-smtpd intake with DSN parameters (RET, ENVID, NOTIFY, ORCPT) and with SMTPUTF8 (UTF-8
# addresses and Subject) beside the plain figure, all three from the same client
# (tests/bench/SmtpLoad.java: 10 sessions, one message per connection as smtp-source sends them,
# which cannot send these parameters) into one masq-smtpd --listen -odq, in turns
# (plain, dsn, utf8, three times; the best of each), on the disk and with the spool on tmpfs
# (where the server's own cost shows). Target: no more than 10 % below plain. Beside the rates,
# the server's CPU time per message (utime+stime of the masq-smtpd process over the three turns
# of each kind, from /proc): on a machine shared with other work the rates swing by tens of per
# cent from run to run, the CPU time much less.
dsn_load() { # $1 port, $2 messages, $3 mode
  "$JDK/bin/java" -XX:+UseSerialGC "$MASQ_HOME/tests/bench/SmtpLoad.java" "$1" 10 "$2" "$3"
}
dsn_cpu() { # the CPU time of process $1 so far, in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}
dsn_run() { # $1 dir: prints "plain dsn utf8" (the best of three turns of 3,000 messages each),
  # then the server's CPU µs per message for each
  dsn_conf=$(bench_conf "$1")
  dsn_port=$(bench_port)
  "$MASQ_HOME/bin/masq-smtpd" -C "$dsn_conf" -odq --listen "127.0.0.1:$dsn_port" --pidfile "$1/pid" &
  dsn_srv=$!
  for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$dsn_port),0.2)" 2>/dev/null && break; sleep 0.1; done
  for m in plain dsn utf8; do dsn_load "$dsn_port" 1000 "$m" >/dev/null; done # warm-up
  p=0; d=0; u=0; cp=0; cd=0; cu=0
  for _ in 1 2 3; do
    c=$(dsn_cpu "$dsn_srv"); r=$(dsn_load "$dsn_port" 3000 plain); [ "$r" -gt "$p" ] && p=$r
    cp=$((cp + $(dsn_cpu "$dsn_srv") - c))
    c=$(dsn_cpu "$dsn_srv"); r=$(dsn_load "$dsn_port" 3000 dsn); [ "$r" -gt "$d" ] && d=$r
    cd=$((cd + $(dsn_cpu "$dsn_srv") - c))
    c=$(dsn_cpu "$dsn_srv"); r=$(dsn_load "$dsn_port" 3000 utf8); [ "$r" -gt "$u" ] && u=$r
    cu=$((cu + $(dsn_cpu "$dsn_srv") - c))
  done
  kill "$dsn_srv" 2>/dev/null; wait "$dsn_srv" 2>/dev/null || true
  tick_us=$((1000000 / $(getconf CLK_TCK)))
  echo "$p $d $u $((cp * tick_us / 9000)) $((cd * tick_us / 9000)) $((cu * tick_us / 9000))"
}
dsn_pct() { # $1 figure, $2 plain: the difference in per cent
  echo $(( ($1 - $2) * 100 / ($2 > 0 ? $2 : 1) ))
}
set -- $(dsn_run "$BENCH_TMP/smtpd-dsn")
dsn_disk="$1 $2 $3"
echo "| \`masq-smtpd --listen\` intake with DSN parameters / SMTPUTF8 (SmtpLoad.java, 10 sessions, best of 3 × 3,000) | plain $1, DSN $2 ($(dsn_pct "$2" "$1") %), SMTPUTF8 $3 ($(dsn_pct "$3" "$1") %) msgs/s | spool on disk; server CPU per message: plain $4 µs, DSN $5 µs ($(dsn_pct "$5" "$4") %), SMTPUTF8 $6 µs ($(dsn_pct "$6" "$4") %); target: DSN and SMTPUTF8 no more than 10 % below plain |"
if dsn_shm=$(mktemp -d /dev/shm/masq-bench.XXXXXX 2>/dev/null); then
  set -- $(dsn_run "$dsn_shm")
  rm -rf "$dsn_shm"
  echo "| the same, spool on tmpfs (the server's own cost) | plain $1, DSN $2 ($(dsn_pct "$2" "$1") %), SMTPUTF8 $3 ($(dsn_pct "$3" "$1") %) msgs/s | server CPU per message: plain $4 µs, DSN $5 µs ($(dsn_pct "$5" "$4") %), SMTPUTF8 $6 µs ($(dsn_pct "$6" "$4") %) |"
fi
