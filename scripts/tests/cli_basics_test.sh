#!/bin/sh
# What a new user types first: --version of both programs (the project's
# version), and `refrun --help` with one usage line.
# Usage: cli_basics_test.sh LAUNCHCHECK REFRUN VERSION
set -u
launchcheck=$1 refrun=$2 version=$3
fail() { echo "cli_basics_test: $*" >&2; exit 1; }
out=$("$launchcheck" --version) || fail "launchcheck --version exited $?"
[ "$out" = "launchcheck $version" ] || fail "launchcheck --version said '$out'"
out=$("$refrun" --version) || fail "refrun --version exited $?"
[ "$out" = "refrun $version" ] || fail "refrun --version said '$out'"
help=$("$refrun" --help) || fail "refrun --help exited $?"
printf '%s\n' "$help" | head -5
n=$(printf '%s\n' "$help" | grep -c Usage)
[ "$n" = 1 ] || fail "refrun --help prints 'Usage' $n times"
printf '%s\n' "$help" | grep -q "^Usage: refrun \[options\] training_script" || fail "no usage line"
echo "cli_basics_test: ok"
