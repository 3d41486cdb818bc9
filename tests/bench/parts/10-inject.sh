# masq-inject latency and rate, peak RSS for a 100 MB message, masq-queue list of 100,000
conf=$(bench_conf "$BENCH_TMP/inject" "do_queue = true")
python3 - "$MASQ_HOME" "$conf" "$BENCH_TMP" <<'PY'
import os, resource, statistics, subprocess, sys, time, concurrent.futures
home, conf, tmp = sys.argv[1:4]
inject = os.path.join(home, "bin", "masq-inject")
queue = os.path.join(home, "bin", "masq-queue")
msg = b"From: a@b\nTo: c@d\nSubject: bench\n\n" + (b"x" * 72 + b"\n") * 26  # ~2 KB

java = os.path.join(os.environ["JDK"], "bin", "java")

def one(_=None):
    t = time.perf_counter()
    subprocess.run([inject, "-C", conf, "-i", "c@d"], input=msg, check=True)
    return time.perf_counter() - t

def java_version():
    t = time.perf_counter()
    subprocess.run([java, "-Xshare:auto", "-version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t

for _ in range(10):
    one()  # warm the page cache
    java_version()
lat, jv = [], []
for _ in range(300):  # alternately, so that both see the same load
    lat.append(one())
    jv.append(java_version())
med = statistics.median(lat) * 1000
jmed = statistics.median(jv) * 1000
print(f"| masq-inject latency, 2 KB message, process per message (median of {len(lat)}) | {med:.1f} ms | target ≤ 50 ms; p90 {sorted(lat)[int(len(lat)*0.9)]*1000:.1f} ms |")
print(f"| masq-inject latency / `java -version` (medians of {len(lat)}, run alternately) | {med/jmed:.2f}× | target ≤ 1.8×; java -version {jmed:.1f} ms |")
print(f"| masq-inject sequential rate | {len(lat)/sum(lat):.0f} msgs/s | one process after another |")
n = 400
t = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(4) as ex:
    list(ex.map(one, range(n)))
print(f"| masq-inject with 4 concurrent callers | {n/(time.perf_counter()-t):.0f} msgs/s | {os.cpu_count()} cores |")

# peak RSS while injecting a 100 MB message, streamed from a pipe
big = os.path.join(tmp, "big.eml")
with open(big, "wb") as f:
    f.write(b"Subject: big\n\n")
    line = b"y" * 99 + b"\n"
    f.write(line * (1024 * 1024))
def rss_kb(stdin_path):
    with open(stdin_path, "rb") as f:
        t = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "%M", inject, "-C", conf, "-i", "c@d"], stdin=f,
                           stderr=subprocess.PIPE, check=True)
        return int(r.stderr.decode().strip().splitlines()[-1]), time.perf_counter() - t
small = os.path.join(tmp, "small.eml")
with open(small, "wb") as f:
    f.write(msg)
small_kb, _ = rss_kb(small)
big_kb, dt = rss_kb(big)
print(f"| peak RSS of masq-inject for a 100 MB message | {big_kb/1024:.0f} MB | target ≤ 128 MB; 2 KB message: {small_kb/1024:.0f} MB; took {dt:.2f} s |")
os.unlink(big)

# masq-queue list with 100,000 queued messages (spool files written directly, per spool-format.md)
spool = os.path.join(tmp, "big-spool")
q = os.path.join(spool, "queue")
for d in ("queue", "tmp", "corrupt"):
    os.makedirs(os.path.join(spool, d), exist_ok=True)
with open(os.path.join(spool, "VERSION"), "w") as f:
    f.write("masq spool 2\n")
D = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def b62(v, w):
    s = ""
    for _ in range(w):
        s = D[v % 62] + s; v //= 62
    return s
body = b"Subject: x\n\nhello\n"
now = int(time.time() * 1000) - 3600_000
for i in range(100_000):
    mid = b62(now + i, 7) + "-" + b62(4242, 4) + "-" + b62(i % 3844, 2)
    # spool format 2: one file, the data then the envelope then where the envelope starts
    env = (f"masq-envelope 1\nid\t{mid}\nreceived\t{now+i}\nsender\t<a@b.example>\nprotocol\tlocal\n"
           f"ident\tbench\nuid\t1000\nsize\t{len(body)}\nbody\t6\nrcpt\tP\t1\t{now}\t<r{i}@x.example>\t\t451 try later\nend\n")
    with open(os.path.join(q, mid + ".msg"), "wb") as f:
        f.write(body + env.encode() + b"masq-envelope-at %018d\n" % len(body))
sconf = os.path.join(tmp, "list.conf")
with open(sconf, "w") as f:
    f.write(f'spool_dir = "{spool}"\nlog_dir = "{tmp}/log"\nrun_as_user = true\nhost_name = bench.example\n')
subprocess.run([queue, "-C", sconf, "list"], stdout=subprocess.DEVNULL, check=True)  # warm cache
ts = []
for _ in range(3):
    t = time.perf_counter()
    out = subprocess.run([queue, "-C", sconf, "list"], stdout=subprocess.PIPE, check=True).stdout
    ts.append(time.perf_counter() - t)
assert out.count(b" <= ") == 100_000
print(f"| masq-queue list, 100,000 queued messages (best of 3, warm cache) | {min(ts):.2f} s | target ≤ 3 s |")
PY
