# masq-deliver: local delivery of 1,000 queued 2 KB messages into a Maildir and into an mbox,
# one run each; throughput and peak RSS of the run. The queue is written directly (per
# spool-format.md) so that only the delivery is measured.
for kind in maildir mbox; do
  conf=$(bench_conf "$BENCH_TMP/deliver-$kind" "mbox_default = $kind")
  python3 - "$BENCH_TMP/deliver-$kind/spool" 1000 <<'PY'
import os, sys, time
spool, n = sys.argv[1], int(sys.argv[2])
for d in ("queue", "tmp", "corrupt"):
    os.makedirs(os.path.join(spool, d), exist_ok=True)
with open(os.path.join(spool, "VERSION"), "w") as f:
    f.write("masq spool 1\n")
D = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def b62(v, w):
    s = ""
    for _ in range(w):
        s = D[v % 62] + s; v //= 62
    return s
now = int(time.time() * 1000)
for i in range(n):
    mid = b62(now, 7) + "-" + b62(4242, 4) + "-" + b62(i % 3844, 2)
    now += 1 if i % 3844 == 3843 else 0
    head = b"Received: by bench.example\nFrom: a@bench.example\nTo: u@bench.example\nSubject: bench %d\n\n" % i
    body = (b"x" * 72 + b"\n") * 26 + b"From here, quoted in an mbox\n"
    with open(os.path.join(spool, "queue", mid + ".msg"), "wb") as f:
        f.write(head + body)
    env = ("masq-envelope 1\nid\t%s\nreceived\t%d\nsender\t<a@bench.example>\nprotocol\tlocal\n"
           "ident\tbench\nuid\t0\nsize\t%d\nbody\t%d\nrcpt\tP\t0\t0\t<u@bench.example>\t\t\nend\n"
           % (mid, now, len(head) + len(body), len(body)))
    with open(os.path.join(spool, "queue", mid + ".env"), "w") as f:
        f.write(env)
PY
  sync
  s=$(now_ms)
  rss=$(peak_rss_kb "$MASQ_HOME/bin/masq-deliver" -C "$conf")
  e=$(now_ms)
  left=$(ls "$BENCH_TMP/deliver-$kind/spool/queue" | wc -l)
  rate=$(( 1000 * 1000 / (e - s) ))
  if [ "$kind" = maildir ]; then
    got=$(ls "$BENCH_TMP/deliver-$kind/mail/u/new" | wc -l)
    echo "| masq-deliver to a Maildir, 1,000 queued 2 KB messages, one run | ${rate} msgs/s | target ≥ 300 msgs/s; $(( e - s )) ms incl. JVM start; peak RSS $(( rss / 1024 )) MB; $got delivered, $left spool files left |"
  else
    got=$(grep -c '^From ' "$BENCH_TMP/deliver-$kind/mail/u")
    echo "| masq-deliver to an mbox, 1,000 queued 2 KB messages, one run | ${rate} msgs/s | $(( e - s )) ms incl. JVM start; peak RSS $(( rss / 1024 )) MB; $got delivered, $left spool files left |"
  fi
done
