#!/usr/bin/env bash
# Set-up, build, then run the conformance suite against the bundled refrun.
# Extra arguments go to `launchcheck run` (e.g. --filter 'signals/*', -j 2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" >/dev/null
build=${LAUNCHCHECK_BUILD_DIR:-$root/build}
exec "$build/bin/launchcheck" run --profile refrun -j "$(nproc)" "$@" "$root/scenarios"
