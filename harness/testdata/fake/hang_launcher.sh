#!/bin/sh
# For the SIGKILL tests of `launchcheck bench`: takes a launcher's command
# line (options, then the worker program and its steps) and makes the
# workers hang, so only a working clean-up can end them.
#   detach ARGS...           starts ranks 0 and 1 of the worker, each in a
#                            session of its own, and waits for them
#   exec LAUNCHER ARGS...    runs LAUNCHER (same pid) with the same options,
#                            the worker's steps replaced by `hang`
mode=$1
shift
case $mode in
  exec) launcher=$1; shift ;;
  detach) ;;
  *) echo "hang_launcher.sh: unknown mode $mode" >&2; exit 2 ;;
esac
# Rebuild "$@" up to the worker program, dropping its steps.
n=$#
worker=
for a; do
  if [ -z "$worker" ]; then
    set -- "$@" "$a"
    case $a in */lc_worker) worker=$a ;; esac
  fi
done
shift "$n"
[ -n "$worker" ] || { echo "hang_launcher.sh: no lc_worker in the arguments" >&2; exit 2; }
case $mode in
  exec) exec "$launcher" "$@" hang ;;
  detach) RANK=0 setsid "$worker" hang & RANK=1 setsid "$worker" hang & wait ;;
esac
