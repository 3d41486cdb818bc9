# masq-rewrite: in-process rewrite throughput on a 1,000-message corpus, and the process latency
# (RewriteBench.java is a bench, not part of the jars: compiled here against masq-lib.jar)
mkdir -p "$BENCH_TMP/rewrite-bench"
"$JDK/bin/javac" -d "$BENCH_TMP/rewrite-bench" -cp "$MASQ_HOME/build/masq-lib.jar" \
  "$MASQ_HOME/tests/bench/RewriteBench.java"
"$JDK/bin/java" -XX:+UseSerialGC -cp "$MASQ_HOME/build/masq-lib.jar:$BENCH_TMP/rewrite-bench" \
  RewriteBench
rw_dir=$BENCH_TMP/rewrite
conf=$(bench_conf "$rw_dir" "query_routes.isp = \"$rw_dir/isp.route\"
local_hosts = localhost;bench;bench.example")
printf '%s\n' 'map_h_from_addresses = john: John Smith <jsmith@isp.example>' \
  'map_outgoing_addresses = *: *@isp.example' > "$rw_dir/isp.route"
python3 - "$MASQ_HOME" "$conf" <<'PY'
import os, statistics, subprocess, sys, time
home, conf = sys.argv[1:3]
rewrite = os.path.join(home, "bin", "masq-rewrite")
msg = b"From: john\nSender: ann\nReply-To: Ann <ann@bench.example>\nTo: x@example.org\nSubject: bench\n\n" \
    + (b"x" * 72 + b"\n") * 26
def one():
    t = time.perf_counter()
    subprocess.run([rewrite, "-C", conf, "--route", "isp", "--envelope", "-f", "john"], input=msg,
                   stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t
for _ in range(5):
    one()
lat = [one() for _ in range(100)]
print(f"| masq-rewrite process latency, 2 KB message (median of {len(lat)}) | {statistics.median(lat)*1000:.1f} ms | "
      f"p90 {sorted(lat)[int(len(lat)*0.9)]*1000:.1f} ms; compare the java -version floor |")
PY
