#!/bin/sh
# Negative control: breaks "a launcher keeps trying to reach the rendezvous
# store for its join timeout" (and "notices a lost member within the
# keep-alive bound"). Runs refrun with the join timeout cut to 1 s and the
# keep-alive window stretched to 10 minutes, as a launcher that gives up on
# the first failed connect and never looks for dead peers would behave.
refrun=$1
shift
for a in "$@"; do
  shift
  case $a in
    --rdzv-conf=*|--rdzv_conf=*)
      a=$(printf '%s' "$a" | sed -e 's/join_timeout=[0-9.]*/join_timeout=1/' \
        -e 's/keep_alive_max_attempt=[0-9]*/keep_alive_max_attempt=600/') ;;
  esac
  set -- "$@" "$a"
done
exec "$refrun" "$@"
