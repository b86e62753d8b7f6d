#!/bin/sh
# $BYTES bytes and no newline on stdout (a binary dump, a progress bar drawn
# with \r), then waits for $OUT_DIR/go.
head -c "$BYTES" /dev/zero | tr '\0' x
: > "$OUT_DIR/written"
while [ ! -f "$OUT_DIR/go" ]; do sleep 0.02; done
