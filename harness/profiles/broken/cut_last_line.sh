#!/bin/sh
# Negative control: breaks "the last line a worker writes is not lost". The
# agent's stdout passes through sed, which drops its last line.
refrun=$1
shift
"$refrun" "$@" | sed '$d'
