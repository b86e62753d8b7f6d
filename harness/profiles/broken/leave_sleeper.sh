#!/bin/sh
# Negative control: breaks "nothing of the run outlives it". Leaves a
# detached `sleep 30` behind, then becomes refrun.
refrun=$1
shift
(sleep 30 >/dev/null 2>&1 &)
exec "$refrun" "$@"
