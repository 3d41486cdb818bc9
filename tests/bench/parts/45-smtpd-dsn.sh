# masq-smtpd intake with DSN parameters (RET, ENVID, NOTIFY, ORCPT) and with SMTPUTF8 (UTF-8
# addresses and Subject) beside the plain figure, all three from the same client
# (tests/bench/SmtpLoad.java: 10 sessions, one message per connection as smtp-source sends them,
# which cannot send these parameters) into one masq-smtpd --listen -odq, in turns
# (plain, dsn, utf8, three times; the best of each), on the disk and with the spool on tmpfs
# (where the server's own cost shows). Target: no more than 10 % below plain.
dsn_load() { # $1 port, $2 messages, $3 mode
  "$JDK/bin/java" -XX:+UseSerialGC "$MASQ_HOME/tests/bench/SmtpLoad.java" "$1" 10 "$2" "$3"
}
dsn_run() { # $1 dir: prints "plain dsn utf8", the best of three turns of 3,000 messages each
  dsn_conf=$(bench_conf "$1")
  dsn_port=$(bench_port)
  "$MASQ_HOME/bin/masq-smtpd" -C "$dsn_conf" -odq --listen "127.0.0.1:$dsn_port" --pidfile "$1/pid" &
  dsn_srv=$!
  for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$dsn_port),0.2)" 2>/dev/null && break; sleep 0.1; done
  for m in plain dsn utf8; do dsn_load "$dsn_port" 1000 "$m" >/dev/null; done # warm-up
  p=0; d=0; u=0
  for _ in 1 2 3; do
    r=$(dsn_load "$dsn_port" 3000 plain); [ "$r" -gt "$p" ] && p=$r
    r=$(dsn_load "$dsn_port" 3000 dsn); [ "$r" -gt "$d" ] && d=$r
    r=$(dsn_load "$dsn_port" 3000 utf8); [ "$r" -gt "$u" ] && u=$r
  done
  kill "$dsn_srv" 2>/dev/null; wait "$dsn_srv" 2>/dev/null || true
  echo "$p $d $u"
}
dsn_pct() { # $1 figure, $2 plain: the difference in per cent
  echo $(( ($1 - $2) * 100 / ($2 > 0 ? $2 : 1) ))
}
set -- $(dsn_run "$BENCH_TMP/smtpd-dsn")
dsn_disk="$1 $2 $3"
echo "| \`masq-smtpd --listen\` intake with DSN parameters / SMTPUTF8 (SmtpLoad.java, 10 sessions, best of 3 × 3,000) | plain $1, DSN $2 ($(dsn_pct "$2" "$1") %), SMTPUTF8 $3 ($(dsn_pct "$3" "$1") %) msgs/s | spool on disk; target: DSN and SMTPUTF8 no more than 10 % below plain |"
if dsn_shm=$(mktemp -d /dev/shm/masq-bench.XXXXXX 2>/dev/null); then
  set -- $(dsn_run "$dsn_shm")
  rm -rf "$dsn_shm"
  echo "| the same, spool on tmpfs (the server's own cost) | plain $1, DSN $2 ($(dsn_pct "$2" "$1") %), SMTPUTF8 $3 ($(dsn_pct "$3" "$1") %) msgs/s | target: no more than 10 % below plain |"
fi
