# masq-deliver: local delivery of 1,000 queued 2 KB messages into a Maildir and into an mbox,
# one run each; throughput and peak RSS of the run. One message is queued by masq-inject -odq,
# then copied under 999 more IDs (spool-format.md), so that only the delivery is measured.
for kind in maildir mbox; do
  d=$BENCH_TMP/deliver-$kind
  conf=$(bench_conf "$d" "mbox_default = $kind")
  { printf 'Subject: bench\n\n'; i=0; while [ $i -lt 26 ]; do printf '%072d\n' 0; i=$((i + 1)); done
    printf 'From here, quoted in an mbox\n'; } | "$MASQ_HOME/bin/masq-inject" -C "$conf" -odq u
  bench_fill_queue "$d/spool/queue" 1000
  sync
  s=$(now_ms)
  rss=$(peak_rss_kb "$MASQ_HOME/bin/masq-deliver" -C "$conf")
  e=$(now_ms)
  left=$(ls "$d/spool/queue" | wc -l)
  if [ "$kind" = maildir ]; then got=$(ls "$d/mail/u/new" | wc -l); else got=$(grep -c '^From ' "$d/mail/u"); fi
  note="$(( e - s )) ms incl. JVM start; peak RSS $(( rss / 1024 )) MB; $got delivered, $left spool files left"
  if [ "$kind" = maildir ]; then
    echo "| masq-deliver to a Maildir, 1,000 queued 2 KB messages, one run | $(( 1000000 / (e - s) )) msgs/s | target ≥ 300 msgs/s; $note |"
  else
    echo "| masq-deliver to an mbox, 1,000 queued 2 KB messages, one run | $(( 1000000 / (e - s) )) msgs/s | $note |"
  fi
done
