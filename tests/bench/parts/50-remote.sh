# remote transport layer (masq.deliver.remote): the SMTP client alone, in-process, sending
# 1,000 messages over one connection with pipelining into smtp-sink on loopback, next to the
# loopback ceiling (smtp-source -s 10 -m 1000 into the same kind of sink) measured in this run.
# RemoteBench is a bench driver, not part of masq: compiled here against the built jars
remote_classes="$BENCH_TMP/remote-classes"
"$JDK/bin/javac" -XDsuppressNotes -d "$remote_classes" -cp "$MASQ_HOME/build/masq-lib.jar" \
  "$MASQ_HOME/tests/bench/RemoteBench.java"
remote_run() { # remote_run RCPTS [MESSAGES]: one bench run; prints "msgs/s peak-RSS-MB"
  rp=$(bench_port); rpid=$(bench_sink "$rp")
  out=$(/usr/bin/time -f 'RSS %M' "$JDK/bin/java" -Xlog:disable -Xlog:all=warning:stderr \
        -cp "$MASQ_HOME/build/masq-lib.jar:$MASQ_HOME/build/commons-io.jar:$MASQ_HOME/build/apache-mime4j-core.jar:$remote_classes" RemoteBench 127.0.0.1 "$rp" "${2:-1000}" "$1" \
        "$BENCH_TMP/remote-$1-${2:-1000}" 2>&1) || echo "| remote bench failed | - | $out |" >&2
  kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null || true
  rate=$(printf '%s\n' "$out" | sed -n 's/.*msgs_per_s=\([0-9]*\).*/\1/p')
  rss=$(printf '%s\n' "$out" | sed -n 's/^RSS \([0-9]*\)$/\1/p')
  echo "${rate:-?} $(( ${rss:-0} / 1024 ))"
}
set -- $(remote_run 1)
echo "| remote SMTP client: 1,000 msgs, 1 rcpt each, one connection, pipelining, to smtp-sink (in-process) | $1 msgs/s | peak RSS $2 MB for the whole JVM; masq-deliver target ≥ 2,900 msgs/s |"
set -- $(remote_run 10)
echo "| remote SMTP client: 1,000 msgs, 10 rcpts each, same | $1 msgs/s | peak RSS $2 MB |"
set -- $(remote_run 1 10000)
echo "| remote SMTP client: 10,000 msgs, 1 rcpt each, same | $1 msgs/s | peak RSS $2 MB (default heap, not capped; runs in -Xmx48m too); mostly after JIT warm-up, the 1,000 runs mostly before |"
rp=$(bench_port); rpid=$(bench_sink "$rp")
s=$(now_ms); /usr/sbin/smtp-source -s 10 -m 1000 -l 2048 "127.0.0.1:$rp" >/dev/null 2>&1; e=$(now_ms)
kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null || true
echo "| loopback ceiling: \`smtp-source -s 10 -m 1000\` into smtp-sink | $(( 1000 * 1000 / (e - s + 1) )) msgs/s | 10 parallel sessions, 2 KB messages |"
rp=$(bench_port); rpid=$(bench_sink "$rp")
s=$(now_ms); /usr/sbin/smtp-source -s 1 -m 1000 -l 2048 "127.0.0.1:$rp" >/dev/null 2>&1; e=$(now_ms)
kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null || true
echo "| one-session ceiling: \`smtp-source -s 1 -m 1000\` into smtp-sink | $(( 1000 * 1000 / (e - s + 1) )) msgs/s | the same single connection our client uses |"
