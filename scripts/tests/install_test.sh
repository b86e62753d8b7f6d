#!/bin/sh
# cmake --install puts launchcheck, refrun, the fixtures, the profiles and the
# scenarios under a prefix; moved elsewhere, the installed launchcheck still
# finds all of them from its own path (nothing of the source tree is
# compiled in: a scenario that ran from a stale path would be skipped, exit 77).
# Usage: install_test.sh BUILD_DIR
set -u
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "install_test: $*" >&2; exit 1; }
cmake --install "$build" --prefix "$work/first" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "cmake --install failed"; }
mv "$work/first" "$work/moved"
p=$work/moved
for f in bin/launchcheck bin/refrun bin/lc_worker bin/lc_worker.py bin/lc_worker.sh \
         share/launchcheck/profiles/refrun.json share/launchcheck/profiles/py311fix/sitecustomize.py \
         share/launchcheck/scenarios/basic/four_workers_touch.json \
         share/launchcheck/scenarios/scenario.schema.json; do
  [ -e "$p/$f" ] || fail "not installed: $f"
done
[ -x "$p/share/launchcheck/profiles/broken/exit_zero.sh" ] || fail "profile scripts lost their exec bit"
[ ! -e "$p/share/launchcheck/scenarios/CMakeLists.txt" ] || fail "build files installed with the scenarios"
"$p/bin/launchcheck" --version | grep -qx "launchcheck [0-9]*\.[0-9]*\.[0-9]*" || fail "launchcheck --version"
"$p/bin/refrun" --version | grep -qx "refrun [0-9]*\.[0-9]*\.[0-9]*" || fail "refrun --version"
cd "$work"
"$p/bin/launchcheck" run --profile refrun -j 2 "$p/share/launchcheck/scenarios/basic/four_workers_touch.json" \
  "$p/share/launchcheck/scenarios/basic/python_worker.json" \
  "$p/share/launchcheck/scenarios/basic/shell_worker.json" >"$work/out" 2>&1
rc=$?
cat "$work/out"
[ "$rc" = 0 ] || fail "the installed launchcheck exited $rc, expected 0"
grep -q '3 passed' "$work/out" || fail "expected 3 passes"
"$p/bin/launchcheck" validate "$p/share/launchcheck/scenarios" >"$work/validate" 2>&1 ||
  { cat "$work/validate"; fail "the installed scenarios do not validate"; }
echo "install_test: ok ($(cat "$work/validate"))"
