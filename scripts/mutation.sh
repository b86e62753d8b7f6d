#!/usr/bin/env bash
# Mutation run: how many small, realistic bugs in refrun does the conformance
# suite catch? For each mutant of mutation/mutants/ (a snippet spec, see
# mutation/apply_mutant.py): apply it to a copy of the tree, rebuild refrun
# there, run the suite against that refrun, and report
#   KILLED    a scenario failed on the mutant and passes on a rerun against
#             the unmutated refrun (the scenarios are named)
#   SURVIVED  every scenario passed (the spec's `unobservable:` says why, if known)
#   FLAKY     scenarios failed, but each failed on the unmutated refrun too
#   STALE     the mutant's original snippet is gone from (or ambiguous in) its file
#   BROKEN    the mutant does not compile (the spec is wrong)
#   TIMEOUT   the mutant's run went past --timeout
# The checkout is never modified: the copy and its build live in the work
# directory (default BUILD/mutation-work, reused between runs so that only
# the mutated file recompiles).
#
# usage: scripts/mutation.sh [--build DIR] [--work DIR] [-j N] [--timeout S]
#                            [--full] [--skip-baseline] [MUTANT...]
#   MUTANT      a spec file, or a name or number prefix (17, 17-restarts); all when none
#   --full      the whole suite for every mutant (default: the spec's `focus:`
#               scenarios first, the whole suite only if they do not kill it)
#   --skip-baseline  no unmutated run of the whole suite first (killing
#               scenarios are still confirmed on the unmutated refrun)
#   --timeout S seconds per mutant, building included (default 1500)
# Exit status: 0 when every mutant is KILLED or its survival is explained
# (`unobservable:`), 1 otherwise, 2 on bad usage or a failed set-up.

# The whole script is one { } block, read before it runs: editing this file
# during a run cannot change what the run does.
{
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${LAUNCHCHECK_BUILD_DIR:-$root/build}
work= jobs=2 timeout_s=1500 full=0 baseline=1
selected=()
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --full) full=1; shift ;;
    --skip-baseline) baseline=0; shift ;;
    -h|--help) sed -n '2,/^$/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "mutation.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) selected+=("$1"); shift ;;
  esac
done
case $jobs$timeout_s in *[!0-9]*) echo "mutation.sh: -j and --timeout take whole numbers" >&2; exit 2 ;; esac
build=$(cd "$build" 2>/dev/null && pwd) || { echo "mutation.sh: no build directory $build" >&2; exit 2; }
work=${work:-$build/mutation-work}
lc=$build/bin/launchcheck
[ -x "$lc" ] || { echo "mutation.sh: $lc missing: build the project first" >&2; exit 2; }
apply=$root/mutation/apply_mutant.py results=$root/mutation/results.py
scenarios=$root/scenarios

# --- which mutants ---------------------------------------------------------
specs=()
if [ ${#selected[@]} -eq 0 ]; then
  specs=("$root"/mutation/mutants/*.mutant)
else
  for s in "${selected[@]}"; do
    if [ -f "$s" ]; then specs+=("$(cd "$(dirname "$s")" && pwd)/$(basename "$s")"); continue; fi
    found=("$root"/mutation/mutants/"$s"*.mutant)
    [ -f "${found[0]}" ] || { echo "mutation.sh: no mutant named $s" >&2; exit 2; }
    specs+=("${found[@]}")
  done
fi
python3 "$apply" --parse "${specs[@]}" || exit 2  # malformed: said why

# --- the copy of the tree and its build ------------------------------------
mkdir -p "$work"
work=$(cd "$work" && pwd)
src=$work/src obj=$work/src/build-mutation
log=$work/log
mkdir -p "$log"
echo "mutation: copying the tree to $src"
(cd "$root" && if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
   git ls-files -z --cached --others --exclude-standard
 else
   find . -path ./build -prune -o -path './.git' -prune -o -type f -printf '%P\0'
 fi) | python3 "$root/mutation/sync_tree.py" "$root" "$src"

# ccache keyed by paths relative to the tree and not by the build directory:
# the copy's compiles hit what a build of the checkout made with the same
# settings (CCACHE_BASEDIR=ROOT CCACHE_NOHASHDIR=1), and each other.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$src} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
build_refrun() {
  cmake --build "$obj" -j "$jobs" --target refrun >"$log/build.txt" 2>&1
}
if [ ! -f "$obj/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$obj" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$log/configure.txt" 2>&1 ||
    { cat "$log/configure.txt"; echo "mutation.sh: configuring the copy failed" >&2; exit 2; }
fi
echo "mutation: building the unmutated refrun in $obj"
build_refrun || { tail -30 "$log/build.txt"; echo "mutation.sh: the unmutated copy does not build" >&2; exit 2; }
cp "$obj/bin/refrun" "$work/refrun.orig"
python3 "$results" profile "$root/harness/profiles/refrun.json" "$work/refrun.orig" "$work/orig.json"
python3 "$results" profile "$root/harness/profiles/refrun.json" "$work/refrun.mutant" "$work/mutant.json"

# run_suite PROFILE OUT_JSON SECONDS PATH...: launchcheck, bounded. Status
# 0 ran (whatever the verdicts), 124 out of time, else launchcheck's error.
run_suite() {
  local profile=$1 out=$2 secs=$3
  shift 3
  local rc=0
  rm -f "$out"
  # In the background, so that a signal to this script reaches it (trap below).
  timeout --kill-after=20 "$secs" "$lc" run --profile "$profile" -j "$jobs" --json "$out" "$@" \
    >"$out.txt" 2>&1 &
  suite_pid=$!
  wait $suite_pid || rc=$?
  suite_pid=
  [ -f "$out" ] && return 0
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && return 124
  return $rc
}

# Stopped (Ctrl-C, SIGTERM, a ctest timeout): the suite in flight stops
# too (timeout passes the signal on; launchcheck's executors and guards end
# everything it started) and the copy goes back to unmutated.
suite_pid=
stop() {
  trap - INT TERM
  [ -z "$suite_pid" ] || kill -TERM "$suite_pid" 2>/dev/null || true
  [ -z "$suite_pid" ] || wait "$suite_pid" 2>/dev/null || true
  [ ! -f "$work/original.keep" ] || [ -z "${restore_to:-}" ] || cp "$work/original.keep" "$restore_to"
  echo "mutation: stopped" >&2
  exit 130
}
trap stop INT TERM

base_json=
if [ $baseline -eq 1 ]; then
  echo "mutation: the suite against the unmutated refrun"
  if ! run_suite "$work/orig.json" "$work/baseline.json" 3600 "$scenarios"; then
    echo "mutation.sh: the baseline run did not complete ($work/baseline.json.txt)" >&2; exit 2
  fi
  base_json=$work/baseline.json
  bad=$(python3 "$results" failing "$base_json" | cut -f2 | tr '\n' ' ')
  [ -z "$bad" ] || echo "mutation: failing unmutated, not counted for any mutant: $bad"
fi

# --- one mutant ------------------------------------------------------------
# Sets `verdict` and `detail`.
judge_mutant() {
  local spec=$1 name file focus deadline now left
  name=$(basename "$spec" .mutant)
  if [ ! -f "$spec" ]; then verdict=STALE detail="the spec was removed during the run"; return; fi
  file=$(python3 "$apply" --field file "$spec")
  focus=$(python3 "$apply" --field focus "$spec")
  deadline=$(( $(date +%s) + timeout_s ))
  detail=
  if ! detail=$(python3 "$apply" --check "$spec" "$src"); then verdict=STALE; return; fi
  cp "$src/$file" "$work/original.keep"
  restore_to=$src/$file
  python3 "$apply" "$spec" "$src" >/dev/null
  local built=0
  if timeout "$timeout_s" cmake --build "$obj" -j "$jobs" --target refrun >"$log/$name.build.txt" 2>&1; then
    built=1
    cp "$obj/bin/refrun" "$work/refrun.mutant"
  fi
  # Restored with a fresh mtime, so the next build recompiles it.
  cp "$work/original.keep" "$src/$file"
  restore_to=
  if [ $built -eq 0 ]; then
    verdict=BROKEN detail="does not compile: $log/$name.build.txt"
    return
  fi

  local stage_paths=() killers=
  if [ $full -eq 0 ] && [ -n "$focus" ]; then
    for f in $focus; do stage_paths+=("$scenarios/$f"); done
    left=$(( deadline - $(date +%s) ))
    if ! run_suite "$work/mutant.json" "$log/$name.focus.json" $(( left > 1 ? left : 1 )) "${stage_paths[@]}"; then
      verdict=TIMEOUT detail="focus scenarios past ${timeout_s}s"; return
    fi
    killers=$(python3 "$results" failing "$log/$name.focus.json" $base_json)
  fi
  if [ -z "$killers" ]; then
    left=$(( deadline - $(date +%s) ))
    if ! run_suite "$work/mutant.json" "$log/$name.all.json" $(( left > 1 ? left : 1 )) "$scenarios"; then
      verdict=TIMEOUT detail="the suite past ${timeout_s}s"; return
    fi
    killers=$(python3 "$results" failing "$log/$name.all.json" $base_json)
  fi
  if [ -z "$killers" ]; then
    verdict=SURVIVED
    detail=$(python3 "$apply" --field unobservable "$spec")
    [ -z "$detail" ] || detail="explained: $detail"
    return
  fi

  # Confirm up to three on the unmutated refrun: a scenario that fails
  # there too says nothing about the mutant.
  local files=() confirmed= orig_ok= n
  mapfile -t files < <(printf '%s\n' "$killers" | cut -f1 | head -3)
  if run_suite "$work/orig.json" "$log/$name.orig.json" 900 "${files[@]}"; then
    orig_ok=$(python3 "$results" passing "$log/$name.orig.json")
  fi
  while IFS=$'\t' read -r f id why; do
    if grep -qxF "$f" <<<"$orig_ok"; then confirmed+="${confirmed:+, }$id [$why]"; fi
  done < <(printf '%s\n' "$killers" | head -3)
  n=$(printf '%s\n' "$killers" | wc -l)
  if [ -n "$confirmed" ]; then
    verdict=KILLED detail="by $confirmed$([ "$n" -le 3 ] || echo " (+$((n - 3)) more failing)")"
  else
    verdict=FLAKY detail="failing unmutated too: $(printf '%s\n' "$killers" | cut -f2 | head -3 | tr '\n' ' ')"
  fi
}

report=$work/report.txt
: >"$report"
killed=0 explained=0 total=0
started=$(date +%s)
for spec in "${specs[@]}"; do
  total=$((total + 1))
  judge_mutant "$spec"
  name=$(basename "$spec" .mutant)
  if [ $verdict = KILLED ]; then killed=$((killed + 1)); fi
  if [ $verdict = SURVIVED ] && [ -n "$detail" ]; then explained=$((explained + 1)); fi
  printf '%-8s %s  %s\n' "$verdict" "$name" "$detail" | tee -a "$report"
done
# The checkout's refrun is untouched; the copy goes back to unmutated.
build_refrun || true
summary="mutation: $killed of $total killed"
[ $explained -eq 0 ] || summary+=", $explained survived as explained (unobservable)"
summary+=" ($(( ($(date +%s) - started) / 60 )) min; report $report)"
echo "$summary" | tee -a "$report"
[ $((killed + explained)) -eq $total ]
exit
}
