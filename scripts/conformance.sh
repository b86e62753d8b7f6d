#!/usr/bin/env bash
# Set-up, build, then run the conformance suite against the bundled refrun.
# Extra arguments go to `launchcheck run` (e.g. --filter 'signals/*', -j 2).
# The build is quiet when it works; when it fails, its output is shown.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "$root/scripts/build.sh" >"$log" 2>&1; then
  cat "$log" >&2
  echo "conformance: the build failed (output above)" >&2
  exit 1
fi
build=${LAUNCHCHECK_BUILD_DIR:-$root/build}
"$build/bin/launchcheck" run --profile refrun -j "$(nproc)" "$@" "$root/scenarios"
