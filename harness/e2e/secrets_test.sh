#!/bin/sh
# Run directories and reports end up as CI artifacts: a secret in the runner's
# environment must appear in none of them. FOO_TOKEN is outside the variables
# fixtures record; TEST_PASSWORD is inside (TEST_*) and must be redacted; the
# scenarios (testdata/secrets/, one per fixture) check the recorded side.
# Usage: secrets_test.sh LAUNCHCHECK SCENARIO_DIR
set -u
launchcheck=$1 scenarios=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "secrets_test: $*" >&2; exit 1; }
token=s3cr3t-token-4f1d9 password=s3cr3t-password-77ab
FOO_TOKEN=$token TEST_PASSWORD=$password NCCL_DEBUG=INFO \
  "$launchcheck" run --profile refrun -j 2 --keep-artifacts "$work/artifacts" \
  --json "$work/report.json" --junit "$work/report.xml" --trace "$work/trace" \
  "$scenarios" >"$work/out" 2>&1
rc=$?
cat "$work/out"
[ "$rc" = 0 ] || fail "launchcheck exited $rc, expected 0"
grep -q '3 passed' "$work/out" || fail "expected 3 scenarios to pass"
# Not vacuous: every run left an event log with a recorded environment.
n=0
for events in "$work"/artifacts/*/events.jsonl; do
  grep -q '"env":{[^}]*"RANK"' "$events" || fail "no recorded environment in $events"
  grep -q '"TEST_PASSWORD":"<redacted>"' "$events" || fail "TEST_PASSWORD not redacted in $events"
  grep -q '"HOME"' "$events" && fail "HOME recorded in $events"
  n=$((n + 1))
done
[ "$n" = 3 ] || fail "expected 3 run directories, found $n"
if grep -rl -e "$token" -e "$password" "$work"; then
  fail "a secret's value was written to the files above"
fi
grep -rq FOO_TOKEN "$work/artifacts" && fail "FOO_TOKEN is named in the run directories"
echo "secrets_test: ok"
