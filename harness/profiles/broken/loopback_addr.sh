#!/bin/sh
# Negative control: breaks "MASTER_ADDR names rank 0's host in a way every
# host can reach, as given". Runs refrun advertising 127.0.0.1 (--local-addr,
# appended last so it wins) and turning any --master-addr into 127.0.0.1:
# right on one machine, wrong across hosts.
refrun=$1
shift
for a in "$@"; do
  shift
  case $a in
    --master-addr=*|--master_addr=*) a="--master-addr=127.0.0.1" ;;
    --local-addr=*|--local_addr=*) a="--local-addr=127.0.0.1" ;;
  esac
  set -- "$@" "$a"
done
# Options go before the script: --local-addr first (a later one, rewritten
# above, says the same).
exec "$refrun" --local-addr=127.0.0.1 "$@"
