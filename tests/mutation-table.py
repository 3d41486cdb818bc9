#!/usr/bin/env python3
"""mutation-table.py MUTATIONS.XML...: PIT's results per package: mutants, killed, no coverage,
and the share killed (KILLED and TIMED_OUT count as killed, as PIT's own figure does)."""
import collections
import sys
import xml.etree.ElementTree as ET

rows = collections.OrderedDict()
for path in sys.argv[1:]:
    for m in ET.parse(path).getroot().iter("mutation"):
        cls = m.findtext("mutatedClass")
        pkg = cls.rsplit(".", 1)[0]
        r = rows.setdefault(pkg, [0, 0, 0])
        r[0] += 1
        status = m.get("status")
        if status in ("KILLED", "TIMED_OUT", "MEMORY_ERROR"):
            r[1] += 1
        elif status == "NO_COVERAGE":
            r[2] += 1
print("| package | mutants | killed | no coverage | killed % |")
print("|---|---|---|---|---|")
total = [0, 0, 0]
for pkg in sorted(rows):
    n, k, nc = rows[pkg]
    total = [total[0] + n, total[1] + k, total[2] + nc]
    print(f"| {pkg} | {n} | {k} | {nc} | {round(100 * k / max(n, 1))} % |")
print(f"| all | {total[0]} | {total[1]} | {total[2]} | {round(100 * total[1] / max(total[0], 1))} % |")
