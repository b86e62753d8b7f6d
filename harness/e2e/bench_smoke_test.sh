#!/bin/sh
# Smoke test of `launchcheck bench`: every case once, tiny sizes, against
# refrun; the reports must be well formed. No timing assertions.
# Usage: bench_smoke_test.sh LAUNCHCHECK CHECKER
set -eu
launchcheck=$1
checker=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$launchcheck" bench --quick --runs 1 --warmup 0 --profile refrun \
  --json "$work/bench.json" --markdown "$work/bench.md" --plot "$work/bench.svg" >"$work/out.txt" 2>&1 || {
  cat "$work/out.txt"
  echo "bench_smoke: launchcheck bench failed" >&2
  exit 1
}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" "$checker" "$work/bench.json" "$work/bench.md" "$work/bench.svg"
# The floor (issue 15) runs every case it has the capabilities for, beside
# refrun in one run, and each measures.
"$launchcheck" bench --quick --runs 1 --warmup 0 --profile floor --profile refrun \
  --case 'trivial-*' --case failure --case sigterm --case restart --case idle --case tee \
  --json "$work/floor.json" >"$work/floor.txt" 2>&1 || {
  cat "$work/floor.txt"
  echo "bench_smoke: launchcheck bench --profile floor failed" >&2
  exit 1
}
exec "$py" "$checker" --floor "$work/floor.json"
