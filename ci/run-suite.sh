#!/usr/bin/env bash
# What a launcher project's CI calls: build launchcheck (with its fixtures and
# refrun), run the conformance suite against PROFILE_FILE, write JUnit XML.
#
#   ci/run-suite.sh PROFILE_FILE [PATH...]
#
# PATH defaults to the shipped scenarios/. Environment:
#   LAUNCHCHECK_BUILD_DIR  build folder (default: build/ in the checkout); configured
#                          with -DBUILD_TESTING=OFF (no GoogleTest) when it is new,
#                          only rebuilt when it already is one
#   LAUNCHCHECK_NO_TORCH   1: do not install Debian's python3-torch (~1 GB); set it
#                          unless your profile claims "python-torch"
#   LAUNCHCHECK_JUNIT      JUnit output (default: launchcheck-junit.xml)
#   LAUNCHCHECK_JSON       JSON report (default: launchcheck-report.json)
#   LAUNCHCHECK_ARTIFACTS  keep every run's directory here (default: only failures, under $TMPDIR)
#   LAUNCHCHECK_JOBS       scenarios at once (default: nproc)
#   LAUNCHCHECK_ARGS       extra arguments for `launchcheck run` (e.g. --filter 'signals/*';
#                          --allow-all-skipped to accept a run in which nothing ran)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ]; then
  echo "usage: ci/run-suite.sh PROFILE_FILE [PATH...]" >&2
  exit 2
fi
profile=$1
shift
if [ ! -f "$profile" ] && [ ! -f "$root/harness/profiles/$profile.json" ]; then
  echo "run-suite: no profile file $profile" >&2
  exit 2
fi
paths=("$@")
[ ${#paths[@]} -eq 0 ] && paths=("$root/scenarios")

build=${LAUNCHCHECK_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
fi
# Only what the suite runs: launchcheck, refrun and the fixtures.
cmake --build "$build" -j "$(nproc)" --target launchcheck refrun lc_worker

args=(run --profile "$profile" -j "${LAUNCHCHECK_JOBS:-$(nproc)}"
      --junit "${LAUNCHCHECK_JUNIT:-launchcheck-junit.xml}"
      --json "${LAUNCHCHECK_JSON:-launchcheck-report.json}")
[ -n "${LAUNCHCHECK_ARTIFACTS:-}" ] && args+=(--keep-artifacts "$LAUNCHCHECK_ARTIFACTS")
# shellcheck disable=SC2206 # word splitting of the extra arguments is wanted
[ -n "${LAUNCHCHECK_ARGS:-}" ] && args+=($LAUNCHCHECK_ARGS)

set +e
"$build/bin/launchcheck" "${args[@]}" "${paths[@]}"
rc=$?
set -e
# 77: every scenario was skipped, so nothing was tested. That is a failure
# unless asked for (LAUNCHCHECK_ARGS=--allow-all-skipped): a CI job that
# tests nothing must not be green.
if [ $rc -eq 77 ]; then
  case " ${LAUNCHCHECK_ARGS:-} " in
    *" --allow-all-skipped "*)
      echo "run-suite: every scenario was skipped (accepted: --allow-all-skipped)" >&2
      exit 0 ;;
  esac
  echo "run-suite: every scenario was skipped: nothing was tested (LAUNCHCHECK_ARGS=--allow-all-skipped accepts that)" >&2
  exit 1
fi
exit $rc
