#!/bin/sh
# Negative control: breaks "a usage error exits 2". Runs refrun and turns
# its exit code 2 into 1 (what torchrun does for the errors it finds only
# after parsing; here for all of them).
refrun=$1
shift
"$refrun" "$@"
rc=$?
[ "$rc" = 2 ] && exit 1
exit "$rc"
