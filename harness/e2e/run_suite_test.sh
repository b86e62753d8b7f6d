#!/bin/sh
# ci/run-suite.sh must fail a run in which every scenario was skipped (nothing
# was tested) unless LAUNCHCHECK_ARGS asks for --allow-all-skipped. It runs
# in a scratch checkout whose install-deps.sh and cmake are stubs, so the
# test exercises the script's own logic against the real launchcheck.
# usage: run_suite_test.sh SOURCE_DIR LAUNCHCHECK
src=$1 lc=$2
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/root/ci" "$d/root/scripts" "$d/root/build/bin" "$d/stubs"
cp "$src/ci/run-suite.sh" "$d/root/ci/"
printf '#!/bin/sh\nexit 0\n' >"$d/root/scripts/install-deps.sh"
printf '#!/bin/sh\nexit 0\n' >"$d/stubs/cmake"
chmod +x "$d/root/scripts/install-deps.sh" "$d/stubs/cmake"
ln -s "$lc" "$d/root/build/bin/launchcheck"
fake=$src/harness/testdata/fake
export PATH="$d/stubs:$PATH" LAUNCHCHECK_JUNIT=$d/j.xml LAUNCHCHECK_JSON=$d/r.json XDG_CACHE_HOME=$d

fail() { echo "run_suite_test: $*"; exit 1; }

bash "$d/root/ci/run-suite.sh" "$fake/profile.json" "$fake/needs_gpu.json" >"$d/out" 2>&1
rc=$?
cat "$d/out"
[ $rc -eq 1 ] || fail "all skipped: expected exit 1, got $rc"
grep -q "nothing was tested" "$d/out" || fail "all skipped: no explanation printed"

LAUNCHCHECK_ARGS=--allow-all-skipped bash "$d/root/ci/run-suite.sh" "$fake/profile.json" \
  "$fake/needs_gpu.json" >"$d/out" 2>&1
rc=$?
cat "$d/out"
[ $rc -eq 0 ] || fail "all skipped with --allow-all-skipped: expected exit 0, got $rc"

bash "$d/root/ci/run-suite.sh" "$d/no-such-profile.json" "$fake/needs_gpu.json" >"$d/out" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "missing profile: expected exit 2, got $rc"
echo "run_suite_test: ok"
