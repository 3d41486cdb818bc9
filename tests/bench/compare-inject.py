#!/usr/bin/env python3
"""masq-inject latency of two checkouts, run alternately in one sitting (for a refactoring's
"within noise of before"): compare-inject.py OTHER_CHECKOUT [N]. Each checkout must be built
(make). Prints the median and p90 of N injections of a 2 KB message (-odq) for each."""
import os, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
other = os.path.abspath(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
msg = b"From: john\nTo: x@example.org\nSubject: bench\n\n" + (b"x" * 72 + b"\n") * 26
tmp = tempfile.mkdtemp(prefix="masq-compare.")


def conf(name):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    p = os.path.join(d, "masq.conf")
    with open(p, "w") as f:
        f.write('host_name = bench.example\nrun_as_user = true\nspool_dir = "%s/spool"\n'
                'log_dir = "%s/log"\nmail_dir = "%s/mail"\n' % (d, d, d))
    return p


def once(home, cfg):
    t = time.perf_counter()
    subprocess.run([os.path.join(home, "bin", "masq-inject"), "-C", cfg, "-odq", "-i",
                    "x@example.org"], input=msg, check=True)
    return time.perf_counter() - t


runs = {here: [], other: []}
cfgs = {here: conf("this"), other: conf("other")}
for home in runs:
    for _ in range(5):
        once(home, cfgs[home])
for _ in range(n):
    for home in runs:
        runs[home].append(once(home, cfgs[home]))
for home, t in runs.items():
    t.sort()
    print("%-30s median %.1f ms  p90 %.1f ms  (%d runs)"
          % (home, statistics.median(t) * 1000, t[int(len(t) * 0.9)] * 1000, len(t)))
subprocess.run(["rm", "-rf", tmp])
