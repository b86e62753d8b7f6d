#!/bin/sh
# Negative control: breaks "descriptors the launcher inherited do not reach
# its workers". Stays refrun's parent and wraps a --no-python script in a
# shell that reopens every descriptor 3-9 this wrapper holds (through
# /proc/<wrapper>/fd) before it execs the script; other command lines pass
# through. Options come as --opt=value, so the first argument without a
# dash is the script.
refrun=$1
shift
if [ "${LEAK_FDS_WORKER-}" = 1 ]; then
  for f in /proc/"$LEAK_FDS_FROM"/fd/[3-9]; do
    [ -e "$f" ] && eval "exec ${f##*/}>>\"\$f\""
  done
  unset LEAK_FDS_WORKER LEAK_FDS_FROM
  exec "$@"
fi
no_python=0 n=0
for a in "$@"; do
  case $a in
    --no-python | --no_python) no_python=1 ;;
    -*) ;;
    *)
      if [ "$no_python" = 1 ]; then
        # Rebuild "$@": options, this script as the worker, then the rest.
        i=0
        for b in "$@"; do
          shift
          if [ "$i" = "$n" ]; then set -- "$@" /bin/sh "$0" "$refrun" "$b"; else set -- "$@" "$b"; fi
          i=$((i + 1))
        done
        LEAK_FDS_WORKER=1 LEAK_FDS_FROM=$$ "$refrun" "$@"
        exit $?
      fi
      break
      ;;
  esac
  n=$((n + 1))
done
exec "$refrun" "$@"
