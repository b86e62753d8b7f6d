#!/usr/bin/env bash
# Measures refrun against the issue's speed targets, whole-process, median of
# several runs:
#   trivial job, 4 shell workers      wall (ms) and peak RSS (MiB)
#   rank 1 exits 3, others sleep      ms from rank 1's exit to refrun's exit
#   256 trivial workers               wall (ms)
#   workers sleeping 1 s              refrun's own CPU time meanwhile (ticks)
# Usage: scripts/bench-refrun.sh [REFRUN_BIN] [RUNS]   (default build/bin/refrun, 15)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
refrun=${1:-$root/build/bin/refrun}
runs=${2:-15}
[ -x "$refrun" ] || { echo "bench-refrun: no refrun at $refrun (build first)" >&2; exit 1; }
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

exec "$py" - "$refrun" "$runs" "$work" <<'PY'
import os, statistics, subprocess, sys, time

refrun, runs, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
env = dict(os.environ, BENCH_DIR=work, OMP_NUM_THREADS="1")
devnull = subprocess.DEVNULL

def run(args):
    """Runs refrun once; returns (wall seconds, peak RSS KiB, exit code)."""
    t0 = time.perf_counter()
    p = subprocess.Popen([refrun, "--log-dir", work + "/logs"] + args, env=env,
                         stdout=devnull, stderr=devnull)
    _, status, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss, os.waitstatus_to_exitcode(status)

def median_ms(xs):
    return statistics.median(xs) * 1000

trivial_args = ["--nproc-per-node=4", "--no-python", "/bin/true"]
trivial = [run(trivial_args) for _ in range(runs)]
assert all(r[2] == 0 for r in trivial), "trivial job failed"
# wait4's maxrss keeps the pre-exec high-water mark of the forked child (here
# Python's own ~10 MiB), so peak RSS is taken through /usr/bin/time, whose
# pre-exec image is tiny. Both count refrun and the workers it reaped.
rss_kib = max(r[1] for r in trivial)
rss_how = "wait4, includes the Python parent's pre-exec pages"
if os.access("/usr/bin/time", os.X_OK):
    samples = []
    for _ in range(5):
        out = subprocess.run(["/usr/bin/time", "-f", "%M", refrun, "--log-dir", work + "/logs"]
                             + trivial_args, env=env, stdout=devnull, stderr=subprocess.PIPE,
                             text=True).stderr.strip().splitlines()
        samples.append(int(out[-1]))
    rss_kib, rss_how = max(samples), "/usr/bin/time %M, max of 5"
print(f"trivial job, 4 shell workers: wall {median_ms([r[0] for r in trivial]):.1f} ms (median of {runs}),"
      f" peak RSS {rss_kib / 1024:.1f} MiB ({rss_how})")

lat = []
for _ in range(runs):
    _, _, code = run(["--nproc-per-node=4", "--stop-timeout=5", "--no-python", work + "/fail.sh"])
    t_end = time.time_ns()
    assert code == 1, f"failure job exited {code}"
    with open(work + "/t_exit") as f:
        lat.append((t_end - int(f.read())) / 1e9)
print(f"rank 1 exits 3, others sleep: refrun exits {median_ms(lat):.1f} ms after rank 1 (median of {runs})")

many = [run(["--nproc-per-node=256", "--no-python", "/bin/true"]) for _ in range(max(3, runs // 3))]
assert all(r[2] == 0 for r in many), "256-worker job failed"
print(f"256 trivial workers: wall {median_ms([r[0] for r in many]):.1f} ms (median of {len(many)})")

# CPU while workers run: refrun's own utime+stime from /proc, sampled while
# its workers sleep, so start-up and shutdown are excluded.
p = subprocess.Popen([refrun, "--log-dir", work + "/logs", "--nproc-per-node=4", "--no-python",
                      "/bin/sleep", "1.5"], env=env, stdout=devnull, stderr=devnull)
def ticks():
    with open(f"/proc/{p.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])
time.sleep(0.3)
before = ticks()
time.sleep(1.0)
after = ticks()
p.wait()
hz = os.sysconf("SC_CLK_TCK")
print(f"while 4 workers sleep 1 s: refrun used {after - before} clock ticks of CPU (1 tick = {1000 // hz} ms)")
PY
