#!/usr/bin/env bash
# Thin wrapper over `launchcheck bench` (issue 6; see BENCHMARKS.md): refrun
# against torchrun-py311fix by default. Arguments go to launchcheck bench, e.g.
#   scripts/bench-refrun.sh --profile refrun --runs 15
#   scripts/bench-refrun.sh --runs 5 --json bench.json --markdown bench.md --plot bench.svg
# BUILD_DIR picks the build (default: build/ next to scripts/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
launchcheck=$build/bin/launchcheck
[ -x "$launchcheck" ] || { echo "bench-refrun: no launchcheck at $launchcheck (build first)" >&2; exit 2; }
exec "$launchcheck" --build-dir "$build" bench "$@"
