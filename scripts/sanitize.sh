#!/usr/bin/env bash
# The sanitizer stage of CI (.ci/run runs it after scripts/test.sh): a clang
# build with ASan + UBSan and no recovery (build-san/, LAUNCHCHECK_SANITIZE=ON)
# of what faces hostile input: refrun (its c10d store, client and frames
# included) with its unit tests and end-to-end tests, and the fuzz targets,
# which link the scenario, profile and error-record readers. Then:
#   1. every refrun unit test (label unit: only what was built here),
#   2. the hostile-input and chaos end-to-end tests, against the sanitized
#      refrun (bad input, garbage to the store, a third agent on a full job,
#      SIGKILL during the start, the guard and its signals),
#   3. the whole conformance suite against the sanitized refrun, judged by
#      the plain build's launchcheck (scripts/test.sh builds it first),
#   4. scripts/fuzz.sh: each target's corpus replayed, then fuzzed a while.
# Only those targets are built, to keep CI's test command within its budget;
# `scripts/sanitize.sh --all` builds everything sanitized, launchcheck too,
# and runs the suite with both. Any report fails the stage.
#
#   scripts/sanitize.sh [--build-only] [--all] [--fuzz-seconds N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${LAUNCHCHECK_SANITIZE_BUILD:-$root/build-san}
plain=${LAUNCHCHECK_BUILD_DIR:-$root/build}
build_only=0 all=0 fuzz_seconds=15
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) build_only=1; shift ;;
    --all) all=1; shift ;;
    --fuzz-seconds) fuzz_seconds=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "sanitize: unknown argument $1" >&2; exit 2 ;;
  esac
done
"$root/scripts/install-deps.sh"
if [ ! -f "$build/CMakeCache.txt" ]; then
  # -O1 and line tables only: fast enough to build and run, readable reports.
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DLAUNCHCHECK_SANITIZE=ON \
    -DLAUNCHCHECK_PROFILES=refrun >/dev/null
fi
targets=(refrun refrun_unit_tests refrun_e2e_tests fuzzers)
[ $all = 1 ] && targets=(all)
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"
[ $build_only = 1 ] && exit 0

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
status=0
echo "sanitize: refrun unit tests" >&2
ctest --test-dir "$build" -L unit -j "$(nproc)" --output-on-failure || status=1
echo "sanitize: hostile-input and chaos end-to-end tests" >&2
ctest --test-dir "$build" -L e2e -j "$(nproc)" --output-on-failure \
  -R '^(RefrunBadInput|C10dE2E\.(GarbageSent|ThirdAgent|KillingTheStoreHost)|RefrunSignals\.(SigkillDuringStart|GuardSurvives|SigkillOfRefrun))' ||
  status=1
if [ $all = 1 ]; then
  echo "sanitize: conformance suite, $build/bin/launchcheck against $build/bin/refrun" >&2
  "$build/bin/launchcheck" run -j 3 --timeout-scale 3 --profile refrun "$root/scenarios" || status=1
elif [ -x "$plain/bin/launchcheck" ]; then
  # The whole suite against the sanitized refrun, judged by the plain
  # build's launchcheck (scripts/test.sh built it): every scenario drives
  # refrun's store, options, signals and logs under ASan+UBSan. Sanitized
  # code runs slower, hence --timeout-scale.
  profile=$build/refrun-sanitized.json
  python3 - "$root/harness/profiles/refrun.json" "$build/bin/refrun" "$profile" <<'PY'
import json, os, sys
src, refrun, out = sys.argv[1:]
p = json.load(open(src))
p["name"] = "refrun-sanitized"
p["command"][0] = refrun
p["expectations"] = os.path.join(os.path.dirname(os.path.abspath(src)), p["expectations"])
json.dump(p, open(out, "w"), indent=2)
PY
  echo "sanitize: conformance suite, $plain/bin/launchcheck against the sanitized $build/bin/refrun" >&2
  "$plain/bin/launchcheck" run -j 3 --timeout-scale 3 --profile "$profile" "$root/scenarios" ||
    status=1
else
  echo "sanitize: no $plain/bin/launchcheck (run scripts/build.sh first): conformance suite not run" >&2
  status=1
fi
# The fuzzers report on stderr themselves (and must not write log files).
ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$root/scripts/fuzz.sh" --build "$build" --seconds "$fuzz_seconds" || status=1
if [ -n "$(ls -A "$reports")" ]; then
  for f in "$reports"/*; do echo "=== $f"; head -60 "$f"; done >&2
  echo "sanitize: FAILED: sanitizer reports above" >&2
  status=1
fi
if [ $status = 0 ]; then echo "sanitize: clean" >&2; else echo "sanitize: FAILED (see above)" >&2; fi
exit $status
