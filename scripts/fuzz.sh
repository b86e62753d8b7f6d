#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ from the sanitizer build (ASan+UBSan):
# first every input of fuzz/corpus/<target>/ as it is (the reproducers of
# past defects among them), then fuzzing for a while from those seeds. New
# inputs go to a temporary folder, so the repository's corpus only grows by
# hand; a crash is kept under <build>/fuzz-artifacts/<target>/ and fails.
#
#   scripts/fuzz.sh [--build DIR] [--seconds N] [TARGET...]
#
# Default: every target for 300 s each (ctest runs 15 s each, label fuzz).
# Targets: store_frames refrun_options scenario profile error_record.
# Exit 77 when the sanitizer build is missing (ctest: skipped).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${LAUNCHCHECK_SANITIZE_BUILD:-$root/build-san}
seconds=300
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(store_frames refrun_options scenario profile error_record)

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
for t in "${targets[@]}"; do
  bin=$build/bin/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "fuzz: $bin is missing; build it with scripts/sanitize.sh --build-only" >&2
    exit 77
  fi
  corpus=$root/fuzz/corpus/$t
  seeds=("$corpus")
  case "$t" in  # the shipped files are good seeds too
    scenario) seeds+=("$root/scenarios" "$root/harness/testdata/invalid") ;;
    profile) seeds+=("$root/harness/profiles") ;;
  esac
  artifacts=$build/fuzz-artifacts/$t
  mkdir -p "$artifacts"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "fuzz: $t: replaying $(ls "$corpus" | wc -l) corpus inputs" >&2
  # Replay as they are: -max_len would cut the large reproducers.
  find "$corpus" -type f -print0 | xargs -0 -r "$bin" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts/" >/dev/null 2>"$work/replay.log" ||
    { tail -40 "$work/replay.log" >&2; echo "fuzz: $t: a corpus input fails" >&2; status=1; continue; }
  echo "fuzz: $t: fuzzing for $seconds s" >&2
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "${seeds[@]}" \
      >"$work/fuzz.log" 2>&1; then
    tail -60 "$work/fuzz.log" >&2
    echo "fuzz: $t: FAILED; the input is under $artifacts/" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/fuzz.log" | sed "s/^/fuzz: $t: /" >&2 || true
  fi
  rm -rf "$work"
  trap - EXIT
done
exit $status
