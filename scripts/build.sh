#!/usr/bin/env bash
# Installs missing Debian packages, then configures and builds into build/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
build=${LAUNCHCHECK_BUILD_DIR:-$root/build}
if [ ! -f "$build/CMakeCache.txt" ]; then
  # Line tables only (-g1): backtraces and perf keep file:line and function
  # names; full variable info made each -O2 file ~20% slower to compile.
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
fi
cmake --build "$build" -j "$(nproc)"
