#!/bin/sh
# A negative control passes only when launchcheck reports the scenario FAILED
# against the broken profile, and for the check aimed at the broken rule.
# usage: expect_failure.sh LAUNCHCHECK PROFILE_JSON SCENARIO_FILE CHECK_NAME
lc=$1 profile=$2 file=$3 check=$4
out=$("$lc" run --profile "$profile" "$file" 2>&1)
rc=$?
if [ "$rc" -ne 1 ]; then
  printf '%s\n' "$out"
  echo "negative control: expected launchcheck to exit 1 (a failure), got $rc"
  exit 1
fi
if ! printf '%s\n' "$out" | grep -q "^    check $check"; then
  printf '%s\n' "$out"
  echo "negative control: the scenario failed, but not in check \"$check\""
  exit 1
fi
printf '%s\n' "$out" | grep -A2 "^    check $check" | head -3
echo "negative control ok: $(basename "$file") fails against $(basename "$profile") in check \"$check\""
