#!/bin/sh
# A stand-in for `ssh HOST -- WORDS...` where it matters to a command-prefix
# placement: the words are joined by spaces and re-parsed by a shell, the
# environment is not carried (only PATH and HOME, plus FAKE_SSH_HOST=HOST so
# a test sees where it "ran"), the command starts in $HOME, and no signal
# is forwarded: the remote side runs in a session of its own.
host=$1
shift
[ "$1" = "--" ] && shift
cd "$HOME" || exit 255
echo "fake_ssh: $host" >&2
exec setsid -w env -i PATH=/usr/bin:/bin HOME="$HOME" FAKE_SSH_HOST="$host" /bin/sh -c "$*"
