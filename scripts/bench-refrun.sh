#!/usr/bin/env bash
# Measures refrun against the issue's speed targets, whole-process, median of
# several runs:
#   trivial job, 4 shell workers      wall (ms) and peak RSS (MiB)
#   rank 1 exits 3, others sleep      ms from rank 1's exit to the launcher's exit
#   256 trivial workers               wall (ms)
#   workers sleeping 1 s              the launcher's own CPU time meanwhile (ticks)
# Usage: scripts/bench-refrun.sh [--torchrun] [REFRUN_BIN] [RUNS]
#   (default build/bin/refrun, 15 runs). --torchrun also measures Debian's
#   torchrun side by side (Python 3.11 workaround from harness/profiles/py311fix,
#   --monitor_interval=0.1, fewer runs: it takes seconds per job).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
torchrun=0
if [ "${1:-}" = --torchrun ]; then torchrun=1; shift; fi
refrun=${1:-$root/build/bin/refrun}
runs=${2:-15}
[ -x "$refrun" ] || { echo "bench-refrun: no refrun at $refrun (build first)" >&2; exit 1; }
if [ $torchrun = 1 ] && [ ! -x /usr/bin/torchrun ]; then
  echo "bench-refrun: --torchrun needs Debian's python3-torch (/usr/bin/torchrun)" >&2; exit 1
fi
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/fail.sh" <<'SH'
#!/bin/sh
if [ "$RANK" = 1 ]; then date +%s%N > "$BENCH_DIR/t_exit"; exit 3; fi
exec sleep 10
SH
chmod +x "$work/fail.sh"

exec "$py" - "$refrun" "$runs" "$work" "$torchrun" "$root" <<'PY'
import os, statistics, subprocess, sys, time

refrun, runs, work, with_torchrun, root = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1", sys.argv[5]
devnull = subprocess.DEVNULL

class Launcher:
    def __init__(self, name, command, dash, env, runs):
        self.name, self.command, self.dash, self.runs = name, command, dash, runs
        self.env = dict(os.environ, BENCH_DIR=work, OMP_NUM_THREADS="1", **env)

    def opt(self, name, value=None):
        name = name if self.dash else name.replace("-", "_")
        return f"--{name}" if value is None else f"--{name}={value}"

    def args(self, nproc, *script, stop_timeout=False):
        a = self.command + [self.opt("log-dir", work + "/logs"), self.opt("nproc-per-node", nproc)]
        if stop_timeout:
            a.append(self.opt("stop-timeout", 5))
        if not self.dash:
            a.append(self.opt("monitor-interval", 0.1))
        return a + [self.opt("no-python")] + list(script)

    def run(self, args):
        """Runs once; returns (wall seconds, exit code)."""
        t0 = time.perf_counter()
        p = subprocess.Popen(args, env=self.env, stdout=devnull, stderr=devnull)
        _, status = os.waitpid(p.pid, 0)
        return time.perf_counter() - t0, os.waitstatus_to_exitcode(status)

def median_ms(xs):
    return statistics.median(xs) * 1000

def bench(l):
    n = l.runs
    trivial = l.args(4, "/bin/true")
    walls = []
    for _ in range(n):
        wall, code = l.run(trivial)
        assert code == 0, f"{l.name}: trivial job exited {code}"
        walls.append(wall)
    # wait4's maxrss keeps the pre-exec high-water mark of a child forked from
    # Python (~10 MiB), so peak RSS is taken through /usr/bin/time, whose
    # pre-exec image is tiny. It counts the launcher and the workers it reaped.
    rss = "n/a (no /usr/bin/time)"
    if os.access("/usr/bin/time", os.X_OK):
        kib = 0
        for _ in range(min(n, 5)):
            err = subprocess.run(["/usr/bin/time", "-f", "%M"] + trivial, env=l.env, stdout=devnull,
                                 stderr=subprocess.PIPE, text=True).stderr.strip().splitlines()
            kib = max(kib, int(err[-1]))
        rss = f"{kib / 1024:.1f} MiB (/usr/bin/time %M, max of {min(n, 5)})"
    print(f"{l.name}: trivial job, 4 shell workers: wall {median_ms(walls):.1f} ms (median of {n}), peak RSS {rss}")

    lat = []
    for _ in range(n):
        _, code = l.run(l.args(4, work + "/fail.sh", stop_timeout=l.dash))
        t_end = time.time_ns()
        assert code != 0, f"{l.name}: failing job exited 0"
        with open(work + "/t_exit") as f:
            lat.append((t_end - int(f.read())) / 1e9)
    print(f"{l.name}: rank 1 exits 3, others sleep: exits {median_ms(lat):.1f} ms after rank 1 (median of {n})")

    m = max(3, n // 3)
    many = []
    for _ in range(m):
        wall, code = l.run(l.args(256, "/bin/true"))
        assert code == 0, f"{l.name}: 256-worker job exited {code}"
        many.append(wall)
    print(f"{l.name}: 256 trivial workers: wall {median_ms(many):.1f} ms (median of {m})")

    # CPU while workers run: the launcher's own utime+stime from /proc,
    # sampled while its workers sleep, so start-up and shutdown are excluded.
    p = subprocess.Popen(l.args(4, "/bin/sleep", "3"), env=l.env, stdout=devnull, stderr=devnull)
    def ticks():
        with open(f"/proc/{p.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    time.sleep(1.5)  # past start-up (torchrun needs about a second)
    before = ticks()
    time.sleep(1.0)
    after = ticks()
    p.wait()
    hz = os.sysconf("SC_CLK_TCK")
    print(f"{l.name}: while 4 workers sleep 1 s: used {after - before} clock ticks of CPU (1 tick = {1000 // hz} ms)")

bench(Launcher("refrun", [refrun], True, {}, runs))
if with_torchrun:
    bench(Launcher("torchrun", ["/usr/bin/torchrun"], False,
                   {"PYTHONPATH": root + "/harness/profiles/py311fix"}, max(3, runs // 5)))
PY
