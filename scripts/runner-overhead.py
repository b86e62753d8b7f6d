#!/usr/bin/env python3
"""The runner's own overhead per scenario (issue 15, part 3).

Runs the suite once (`launchcheck run --json`, refrun by default, -j 2) and
reads each result's two clocks: `seconds` (the executor's whole run of the
scenario: resolve, spawn, follow, judge, report) and `launcher_seconds`
(first agent start to last agent exit). Their difference is what the runner
adds to the launchers' own time. Prints its median, p99 and the largest,
and the suite's wall next to the sum of the launchers' time (divided by -j:
the wall a runner that cost nothing would need).

    scripts/runner-overhead.py [--profile P] [-j N] [--report FILE] [PATH...]

--report reads an existing JSON report instead of running the suite.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def asks_for_setup(result):
    try:
        with open(result["file"]) as f:
            doc = json.load(f)
    except (OSError, ValueError, KeyError):
        return False
    return bool(doc.get("services") or doc.get("hosts"))


def summarize(title, results):
    over = [(1000 * (r["seconds"] - r["launcher_seconds"]), r["id"]) for r in results]
    ms = [o for o, _ in over]
    print(f"{title}: median {statistics.median(ms):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
          f"max {max(ms):.1f} ms")
    print("  largest: " + ", ".join(f"{i} {o:.1f} ms" for o, i in sorted(over, reverse=True)[:4]))


def run_suite(build, profile, jobs, paths, report):
    cmd = [os.path.join(build, "bin", "launchcheck"), "run", "--profile", profile,
           "-j", str(jobs), "--json", report] + paths
    t0 = time.monotonic()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    if done.returncode not in (0, 1):
        sys.exit(f"runner-overhead: {' '.join(cmd)} exited {done.returncode}: "
                 f"{done.stderr.strip()[-300:]}")
    return wall


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="refrun")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--report", help="an existing JSON report (no run)")
    ap.add_argument("--build", default=os.environ.get("BUILD_DIR", os.path.join(root, "build")))
    ap.add_argument("paths", nargs="*", default=[os.path.join(root, "scenarios")])
    a = ap.parse_args()
    wall = None
    report = a.report
    if not report:
        report = os.path.join(tempfile.mkdtemp(prefix="lc-overhead-"), "report.json")
        wall = run_suite(a.build, a.profile, a.jobs, a.paths, report)
    try:
        with open(report) as f:
            results = json.load(f)["results"]
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"runner-overhead: {report}: {e}")
    ran = [r for r in results if r.get("launcher_seconds", 0) > 0]
    if not ran:
        sys.exit(f"runner-overhead: {report}: no result in which a launcher ran")
    print(f"{len(ran)} scenarios in which the launcher ran ({len(results)} results), "
          f"profile {a.profile}, -j {a.jobs}")
    summarize("runner overhead per scenario", ran)
    # Starting an etcd cluster or making network namespaces is a wait the
    # scenario asks for, not the runner's own cost: those said apart.
    plain = [r for r in ran if not asks_for_setup(r)]
    if len(plain) != len(ran):
        summarize(f"without the {len(ran) - len(plain)} that ask for services or hosts", plain)
    launcher = sum(r["launcher_seconds"] for r in ran)
    scenario = sum(r["seconds"] for r in results)
    print(f"launchers' own time: {launcher:.1f} s in all ({launcher / a.jobs:.1f} s at -j {a.jobs}); "
          f"scenarios' time: {scenario:.1f} s")
    if wall is not None:
        print(f"suite wall: {wall:.1f} s = {wall / (launcher / a.jobs):.2f} x the launchers' time "
              f"at -j {a.jobs}")


if __name__ == "__main__":
    main()
