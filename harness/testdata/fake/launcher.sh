#!/bin/sh
# A deliberately bad "launcher" for the runner's own tests: MODE PROGRAM ARGS.
#   orphan: starts the program in a new session and exits 0 at once (leaks it)
#   detach: starts two ranks, each in its own session, and waits for them
#   plain:  runs the program as rank 0 and exits with its code
#   badbytes: prints bytes that are not UTF-8 on both streams and into the
#           event log (as a worker's line would be), then exits 1
mode=$1
shift
case $mode in
  orphan) RANK=0 setsid "$@" </dev/null & exit 0 ;;
  detach) RANK=0 setsid "$@" & RANK=1 setsid "$@" & wait ;;
  plain) RANK=0 exec "$@" ;;
  badbytes)
    printf 'caf\351 \377\376 out\n'
    printf 'fatal: caf\351 \300\257\n' >&2
    printf '{"ev": "step", "pid": %d, "rank": 0, "step": "caf\351"}\n' $$ >>"$LAUNCHCHECK_EVENTS"
    exit 1 ;;
  *) echo "launcher.sh: unknown mode $mode" >&2; exit 2 ;;
esac
