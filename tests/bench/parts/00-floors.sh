# floors: JVM start-up and one durable small-file write
java_ms=$( { s=$(now_ms); for i in $(seq 20); do "$JDK/bin/java" -Xshare:auto -version >/dev/null 2>&1; done; e=$(now_ms); echo $(( (e - s) / 20 )); } )
echo "| floor: \`java -version\` start-up (mean of 20) | ${java_ms} ms | the JVM's own minimum |"
fs_us=$(python3 - "$BENCH_TMP" <<'PY'
import os, sys, time
d = sys.argv[1]
data = b"x" * 2048
n = 200
t = time.perf_counter()
for i in range(n):
    p = os.path.join(d, "f%d.tmp" % i)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, data); os.fsync(fd); os.close(fd)
    os.rename(p, os.path.join(d, "f%d" % i))
    dfd = os.open(d, os.O_RDONLY); os.fsync(dfd); os.close(dfd)
print(int((time.perf_counter() - t) / n * 1e6))
for i in range(n):
    os.unlink(os.path.join(d, "f%d" % i))
PY
)
echo "| floor: one 2 KB write+fsync+rename+dir fsync (mean of 200) | ${fs_us} µs | the disk's minimum per message |"
