#!/bin/sh
# A scenario whose expectation is wrong must fail, and say so readably: the
# check, expected vs actual, the commands to reproduce, where the artifacts are.
# Usage: wrong_expectation_test.sh LAUNCHCHECK SCENARIO
set -u
launchcheck=$1 scenario=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$launchcheck" run --profile refrun --keep-artifacts "$work/artifacts" "$scenario" >"$work/out" 2>&1
rc=$?
cat "$work/out"
fail() { echo "wrong_expectation_test: $*" >&2; exit 1; }
[ "$rc" = 1 ] || fail "exit code $rc, expected 1"
grep -q '^FAIL  testdata/wrong_expectation' "$work/out" || fail "no FAIL line"
grep -q 'check exit n0' "$work/out" || fail "the exit check is not named"
grep -q 'expected: exit code 4' "$work/out" || fail "expected exit not shown"
grep -q 'actual:   exit code 0' "$work/out" || fail "actual exit not shown"
grep -q 'expected: \[0,1,2\]' "$work/out" || fail "expected ranks not shown"
grep -q 'actual:   \[0,1\]' "$work/out" || fail "actual ranks not shown"
grep -q 'reproduce:' "$work/out" || fail "no reproduce section"
grep -q "run --profile .*refrun.json .*wrong_expectation.json" "$work/out" || fail "no launchcheck reproduce line"
grep -q "env .*LAUNCHCHECK_EVENTS=.*refrun .*--nproc-per-node=2" "$work/out" || fail "no launcher reproduce line"
grep -q '1 passed' "$work/out" && fail "counted as passed"
grep -q '0 passed, 1 failed' "$work/out" || fail "summary line wrong"
dir=$(sed -n 's/^ *artifacts: \([^ ]*\) .*/\1/p' "$work/out")
[ -n "$dir" ] || fail "no artifacts line"
[ -s "$dir/events.jsonl" ] || fail "artifacts lack the event log: $dir"
[ -f "$dir/n0.stdout" ] || fail "artifacts lack the console: $dir"
grep -q hello "$dir/n0.stdout" || fail "console artifact lacks the workers' output"
echo "wrong_expectation_test: ok"
