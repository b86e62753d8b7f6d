"""Checks the reports of `launchcheck bench --quick --runs 1 --profile refrun`:
every case present, every declared metric measured, numbers sensible.
Usage: bench_smoke_check.py BENCH.json BENCH.md BENCH.svg
       bench_smoke_check.py --floor FLOOR.json"""
import json
import sys
import xml.dom.minidom

FLOOR_CASES = ["trivial-2", "trivial-4", "failure", "sigterm", "restart", "idle", "tee"]


def check_floor(path):
    """`bench --profile floor --profile refrun`: every case measured on both."""
    doc = json.load(open(path))
    problems = []
    names = [c["name"] for c in doc["cases"]]
    if names != FLOOR_CASES:
        problems.append(f"cases {names}, expected {FLOOR_CASES}")
    for c in doc["cases"]:
        got = [r["profile"] for r in c["results"]]
        if got != ["floor", "refrun"]:
            problems.append(f"{c['name']}: results for {got}")
        for r in c["results"]:
            if r["status"] != "ok":
                problems.append(f"{c['name']} [{r['profile']}]: {r['status']}: {r.get('reason')}")
            elif any(not r["samples"].get(m["name"]) for m in c["metrics"]):
                problems.append(f"{c['name']} [{r['profile']}]: a metric has no sample")
    for p in problems:
        print("bench_smoke (floor):", p)
    sys.exit(1 if problems else 0)


if sys.argv[1] == "--floor":
    check_floor(sys.argv[2])

CASES = ["trivial-2", "trivial-4", "failure", "sigterm", "restart", "idle", "tee", "rendezvous-2",
         "rendezvous-etcd-2", "agents-3", "store-join-20", "store-keepalive-20"]
# Counts that must be zero; everything else is a duration, size or rate > 0,
# except CPU while idle, which may round to 0.
ZERO = {"lines_lost", "lines_split"}
NON_NEGATIVE = {"idle_cpu_ms"}

problems = []
doc = json.load(open(sys.argv[1]))
names = [c["name"] for c in doc["cases"]]
if names != CASES:
    problems.append(f"cases {names}, expected {CASES}")
if doc["runs"] != 1 or [p["name"] for p in doc["profiles"]] != ["refrun"]:
    problems.append(f"runs/profiles wrong: {doc['runs']} {doc['profiles']}")
for c in doc["cases"]:
    if len(c["results"]) != 1:
        problems.append(f"{c['name']}: {len(c['results'])} results")
        continue
    r = c["results"][0]
    if r["status"] != "ok":
        problems.append(f"{c['name']}: {r['status']}: {r.get('reason')}")
        continue
    if not c["metrics"]:
        problems.append(f"{c['name']}: no metrics declared")
    for m in c["metrics"]:
        name = m["name"]
        values = r["samples"].get(name)
        if not values or len(values) != 1 or not all(isinstance(v, (int, float)) for v in values):
            problems.append(f"{c['name']}: {name}: samples {values}")
            continue
        s = r["stats"][name]
        if not s["min"] <= s["median"] <= s["max"] or s["count"] != 1:
            problems.append(f"{c['name']}: {name}: stats {s}")
        v = values[0]
        if name in ZERO:
            ok = v == 0
        elif name in NON_NEGATIVE:
            ok = v >= 0
        else:
            ok = v > 0
        if not ok:
            problems.append(f"{c['name']}: {name} = {v}")

table = open(sys.argv[2]).read()
for name in CASES:
    if f"| {name} |" not in table:
        problems.append(f"markdown: no row for {name}")

svg = xml.dom.minidom.parse(sys.argv[3])
if svg.documentElement.tagName != "svg":
    problems.append("svg: root is not <svg>")
circles = svg.getElementsByTagName("circle")
# trivial-2, trivial-4, rendezvous-2, rendezvous-etcd-2, agents-3 and store-join-20 for one profile
if len(circles) != 6:
    problems.append(f"svg: {len(circles)} data points, expected 6")
for el in circles:
    for attr in ("cx", "cy"):
        v = float(el.getAttribute(attr))
        if not 0 <= v <= 1440:
            problems.append(f"svg: {attr}={v} outside the canvas")

for p in problems:
    print("bench_smoke:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
