#!/bin/sh
# -DBUILD_TESTING=OFF configures and builds without GoogleTest: configure with
# find_package(GTest) disabled, which must work (and fail when the tests are
# on, so the check is not vacuous), then build the fixture and refrun's
# front end there. (launchcheck and refrun themselves are the same sources
# as in the normal build; building all of them here would double the cost.)
# Usage: no_gtest_build_test.sh SOURCE_DIR
set -u
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "no_gtest_build_test: $*" >&2; exit 1; }
cmake -S "$src" -B "$work/off" -G Ninja -DBUILD_TESTING=OFF -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON \
  >"$work/off.log" 2>&1 || { cat "$work/off.log"; fail "BUILD_TESTING=OFF did not configure without GoogleTest"; }
grep -qi gtest "$work/off/build.ninja" && fail "the BUILD_TESTING=OFF build still names GoogleTest"
grep -q "build bin/launchcheck" "$work/off/build.ninja" || fail "no launchcheck target"
cmake --build "$work/off" --target lc_worker >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; fail "the fixture did not build"; }
if cmake -S "$src" -B "$work/on" -G Ninja -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON >"$work/on.log" 2>&1; then
  fail "with the tests on and GoogleTest disabled, configuring should have failed"
fi
echo "no_gtest_build_test: ok"
