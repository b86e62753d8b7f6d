#!/bin/sh
# $LINES lines, each naming rank and line number, padded so that lines
# straddle the writer's 4 KiB stdio buffers; the last has no newline.
seq -f "rank $RANK line %.0f ................................................................" "$LINES"
printf 'rank %s last line without newline' "$RANK"
