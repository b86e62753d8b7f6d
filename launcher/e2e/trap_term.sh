#!/bin/sh
# Records the signal it gets ($OUT_DIR/sig_$RANK) and exits, unless
# $IGNORE_TERM is set: then it ignores SIGTERM and only SIGKILL ends it.
# Starts a grandchild in its process group; pids go to $OUT_DIR.
if [ -n "$IGNORE_TERM" ]; then trap '' TERM; else trap 'echo TERM > "$OUT_DIR/sig_$RANK"; exit 0' TERM; fi
trap 'echo INT > "$OUT_DIR/sig_$RANK"; exit 0' INT
sleep 60 &
echo $! > "$OUT_DIR/grandchild_$RANK"
echo $$ > "$OUT_DIR/worker_$RANK.tmp" && mv "$OUT_DIR/worker_$RANK.tmp" "$OUT_DIR/worker_$RANK"
while :; do wait; done
