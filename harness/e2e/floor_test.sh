#!/bin/sh
# lc_floor (the bench's floor) takes its workers with it: SIGKILL it while
# three workers sleep and none is left; a worker that cannot start is named.
# Usage: floor_test.sh LC_FLOOR
set -eu
floor=$1
alive() { [ -r "/proc/$1/stat" ] && ! grep -q ') Z ' "/proc/$1/stat"; }

"$floor" --nproc-per-node=3 --no-python /bin/sleep 60 &
pid=$!
i=0
while [ "$(pgrep -P "$pid" | wc -l)" -lt 3 ]; do
  i=$((i + 1))
  [ "$i" -lt 500 ] || { echo "floor_test: 3 workers never started"; kill -9 "$pid"; exit 1; }
  sleep 0.01
done
kids=$(pgrep -P "$pid")
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
for k in $kids; do
  i=0
  while alive "$k"; do
    i=$((i + 1))
    [ "$i" -lt 200 ] || { echo "floor_test: worker $k outlived the SIGKILLed floor"; kill -9 $kids; exit 1; }
    sleep 0.01
  done
done

out=$("$floor" --nproc-per-node=2 /nonexistent/worker 2>&1) && { echo "floor_test: exit 0 without workers"; exit 1; }
case "$out" in
  *"lc_floor: cannot start /nonexistent/worker"*) ;;
  *) echo "floor_test: no line naming the program: $out"; exit 1 ;;
esac
echo "floor_test: ok"
