#!/bin/sh
# scripts/conformance.sh must show why a build failed: run it in a copy of
# scripts/ next to a tiny project with a compile error, and look for the
# compiler's message in what it printed.
# Usage: conformance_build_error_test.sh SOURCE_DIR
set -u
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "conformance_build_error_test: $*" >&2; exit 1; }
mkdir "$work/scripts"
cp "$src/scripts/conformance.sh" "$src/scripts/build.sh" "$src/scripts/install-deps.sh" "$work/scripts/"
cat >"$work/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(broken LANGUAGES CXX)
add_executable(broken broken.cpp)
CMAKE
echo 'int main() { return undeclared_in_broken_build; }' >"$work/broken.cpp"
LAUNCHCHECK_NO_TORCH=1 LAUNCHCHECK_BUILD_DIR= "$work/scripts/conformance.sh" >"$work/out" 2>&1
rc=$?
cat "$work/out"
[ "$rc" != 0 ] || fail "conformance.sh exited 0 on a broken build"
grep -q "undeclared_in_broken_build" "$work/out" || fail "the compiler's error was not shown"
grep -q "the build failed" "$work/out" || fail "no line saying the build failed"
echo "conformance_build_error_test: ok"
