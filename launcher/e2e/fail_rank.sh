#!/bin/sh
# Rank $FAIL_RANK exits 3 while TORCHELASTIC_RESTART_COUNT < $FAIL_ATTEMPTS
# (writing an error record when $WRITE_ERROR is set); every other worker
# records its attempt and sleeps $SLEEP seconds (default 0).
touch "$OUT_DIR/attempt_${TORCHELASTIC_RESTART_COUNT}_rank_$RANK"
if [ "$RANK" = "$FAIL_RANK" ] && [ "$TORCHELASTIC_RESTART_COUNT" -lt "${FAIL_ATTEMPTS:-1}" ]; then
  if [ -n "$WRITE_ERROR" ]; then
    printf '{"message": {"message": "RuntimeError: boom", "extraInfo": {"py_callstack": "Traceback (most recent call last):\\nRuntimeError: boom", "timestamp": "%s"}}}' \
      "$(date +%s)" > "$TORCHELASTIC_ERROR_FILE"
  fi
  exit 3
fi
exec sleep "${SLEEP:-0}"
