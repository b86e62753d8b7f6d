#!/bin/sh
# A launcher wrapper that does not exec (profiles/examples/python_wrapper.py
# runs refrun as its child) passes the suite's process-tree scenarios when its
# profile declares the relation ("agent": {"command_matches": ...}), and the
# same wrapper without the declaration fails in the process-tree check with
# the processes' command lines, not bare pids.
# Usage: wrapper_test.sh LAUNCHCHECK PROFILES_DIR SCENARIOS_DIR
set -u
launchcheck=$1 profiles=$2 scenarios=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "wrapper_test: $*" >&2; exit 1; }

# Every scenario with a process_tree expectation, except those that signal
# the agent itself: the wrapper is the agent there, and its forwarding is
# judged by the signal scenarios, not here.
files=$(grep -l '"process_tree"' "$scenarios"/*/*.json | xargs grep -L '"to": "agent:')
count=$(echo "$files" | wc -l)
[ "$count" -ge 10 ] || fail "found only $count process-tree scenarios in $scenarios"
# shellcheck disable=SC2086 # one path per word
"$launchcheck" run --profile "$profiles/examples/python_wrapper.json" -j 2 $files >"$work/good" 2>&1
rc=$?
cat "$work/good"
[ "$rc" = 0 ] || fail "the declared wrapper failed the process-tree scenarios (exit $rc)"
grep -q "^PASS" "$work/good" || fail "no scenario passed"
grep -q "check process tree" "$work/good" && fail "a process-tree check failed"

"$launchcheck" run --profile "$profiles/broken/nonexec_undeclared.json" --keep-artifacts "$work/kept" \
  "$scenarios/basic/four_workers_touch.json" >"$work/bad" 2>&1
rc=$?
cat "$work/bad"
[ "$rc" = 1 ] || fail "the undeclared wrapper: exit $rc, expected 1"
grep -q "^    check process tree$" "$work/bad" || fail "the process-tree check is not named"
for want in "parent is the launched process" "rank [0-9] (pid [0-9]* \`[^\`]*lc_worker" \
            "has parent [0-9]* \`[^\`]*/refrun .*--nproc-per-node=4" \
            "above it [0-9]* \`[^\`]*python_wrapper.py" "launched process of n0 is [0-9]* \`"; do
  grep -q -- "$want" "$work/bad" || fail "the failure does not say: $want"
done
echo "wrapper_test: ok ($count process-tree scenarios passed through the wrapper)"
