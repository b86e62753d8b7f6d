#!/usr/bin/env bash
# Everything: set-up, build, then every test (unit, end-to-end, conformance).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
build=${LAUNCHCHECK_BUILD_DIR:-$root/build}
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
