#!/bin/sh
# A launcher that fails its first run and is itself afterwards, for the
# runner's retry tests: LAUNCHER ARGS. The first run (no $FAILS_FIRST_MARK
# yet) creates the mark and exits 3 without starting anything.
if [ ! -e "$FAILS_FIRST_MARK" ]; then
  : >"$FAILS_FIRST_MARK"
  echo "fails_first_run.sh: failing this first run on purpose" >&2
  exit 3
fi
exec "$@"
