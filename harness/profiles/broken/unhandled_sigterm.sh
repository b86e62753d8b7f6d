#!/bin/sh
# Negative control: breaks "SIGTERM to the agent is forwarded to every
# worker". refrun is told to handle every default signal but SIGTERM, so
# SIGTERM kills the agent outright and no worker ever receives it.
refrun=$1
shift
exec "$refrun" --signals-to-handle=SIGINT,SIGHUP,SIGQUIT "$@"
