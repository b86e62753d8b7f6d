#!/bin/sh
# The mutation run's mechanics, cheap enough for every ctest run: a spec is
# applied only where its snippet occurs exactly once (else STALE, exit 3), a
# malformed spec is one clear line (exit 2), the tree copy is incremental,
# and every shipped spec parses.  usage: mechanics_test.sh ROOT
set -u
root=$1
apply="python3 $root/mutation/apply_mutant.py"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # check NAME EXPECTED_RC ACTUAL_RC
  if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; fails=$((fails + 1)); else echo "ok: $1"; fi
}
mkdir -p "$tmp/tree/src"
printf 'int f() {\n  return 1;\n}\nint g() { return 2; }\n' >"$tmp/tree/src/a.cpp"
cat >"$tmp/m.mutant" <<'SPEC'
# a comment
file: src/a.cpp
bug: f returns 0
breaks: nothing real
focus: x/y.json
<<<<<<< original
  return 1;
=======
  return 0;
>>>>>>> mutant
SPEC

$apply --check "$tmp/m.mutant" "$tmp/tree" >/dev/null; check "check: snippet once" 0 $?
grep -q 'return 1;' "$tmp/tree/src/a.cpp"; check "check writes nothing" 0 $?
$apply "$tmp/m.mutant" "$tmp/tree" >/dev/null; check "apply" 0 $?
grep -q '^  return 0;$' "$tmp/tree/src/a.cpp"; check "applied text" 0 $?
out=$($apply "$tmp/m.mutant" "$tmp/tree"); check "applied twice: stale" 3 $?
case $out in *"STALE: the original snippet no longer occurs in src/a.cpp"*) r=0 ;; *) r=1 ;; esac
check "stale says why ($out)" 0 $r
printf 'int f() {\n  return 1;\n}\nint h() {\n  return 1;\n}\n' >"$tmp/tree/src/a.cpp"
out=$($apply "$tmp/m.mutant" "$tmp/tree"); check "snippet twice: stale" 3 $?
case $out in *"occurs 2 times"*) r=0 ;; *) r=1 ;; esac
check "ambiguous says so" 0 $r
grep -c 'return 1;' "$tmp/tree/src/a.cpp" | grep -qx 2; check "ambiguous: file untouched" 0 $?
out=$($apply "$tmp/m.mutant" "$tmp/none"); check "missing file: stale" 3 $?
[ "$($apply --field focus "$tmp/m.mutant")" = "x/y.json" ]; check "field focus" 0 $?
[ -z "$($apply --field unobservable "$tmp/m.mutant")" ]; check "absent field is empty" 0 $?

sed '/=======/d' "$tmp/m.mutant" >"$tmp/bad1.mutant"
err=$($apply "$tmp/bad1.mutant" "$tmp/tree" 2>&1); check "no separator: malformed" 2 $?
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; check "malformed: one line ($err)" 0 $?
sed 's/^bug:/bugs:/' "$tmp/m.mutant" >"$tmp/bad2.mutant"
$apply "$tmp/bad2.mutant" "$tmp/tree" >/dev/null 2>&1; check "unknown key: malformed" 2 $?
sed '/^breaks:/d' "$tmp/m.mutant" >"$tmp/bad3.mutant"
$apply "$tmp/bad3.mutant" "$tmp/tree" >/dev/null 2>&1; check "missing breaks: malformed" 2 $?

# The copy: changed files only, removed files go, the build dir stays.
mkdir -p "$tmp/from/d" "$tmp/to/build-mutation"
echo one >"$tmp/from/d/x"; echo two >"$tmp/from/y"
echo keep >"$tmp/to/build-mutation/obj"; echo stale >"$tmp/to/gone"
printf 'd/x\0y\0' | python3 "$root/mutation/sync_tree.py" "$tmp/from" "$tmp/to"; check "sync" 0 $?
[ "$(cat "$tmp/to/d/x")" = one ] && [ ! -e "$tmp/to/gone" ] && [ -e "$tmp/to/build-mutation/obj" ]
check "sync: copied, removed, build kept" 0 $?
touch -d '2000-01-01' "$tmp/to/y"
printf 'd/x\0y\0' | python3 "$root/mutation/sync_tree.py" "$tmp/from" "$tmp/to"
[ "$(stat -c %Y "$tmp/to/y")" = "$(date -d 2000-01-01 +%s)" ]; check "sync: same bytes not rewritten" 0 $?

# The shipped specs: each parses (whether it still applies is the run's business).
n=$(ls "$root"/mutation/mutants/*.mutant | wc -l)
$apply --parse "$root"/mutation/mutants/*.mutant; check "shipped specs parse" 0 $?
[ $n -ge 30 ]; check "$n shipped specs parse" 0 $?

bash -n "$root/scripts/mutation.sh"; check "mutation.sh syntax" 0 $?
bash "$root/scripts/mutation.sh" --bogus >/dev/null 2>&1; check "mutation.sh: unknown option" 2 $?
[ $fails -eq 0 ] && echo "mechanics ok" || { echo "$fails failed"; exit 1; }
