#!/bin/sh
# One line on stdout and one on stderr.
echo "out from $RANK"
echo "err from $RANK" >&2
