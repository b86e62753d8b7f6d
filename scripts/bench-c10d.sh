#!/usr/bin/env bash
# Speed of refrun's c10d rendezvous on loopback (issue 5 targets):
#   - N agents x 4 trivial workers, rendezvous + job, wall time (target: 16 in <= 1 s)
#   - failure detection: SIGKILL and SIGSTOP of one of 3 agents until the
#     survivors' restarted workers run (target: <= keep-alive window + 100 ms)
#   - with --torchrun: Debian's torchrun 1.13.1 (py311fix) on the 4-agent job
# Usage: scripts/bench-c10d.sh [--torchrun] [build dir]
set -euo pipefail
torchrun=0
if [ "${1:-}" = --torchrun ]; then torchrun=1; shift; fi
build=${1:-build}
refrun=$(realpath "$build/bin/refrun")
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ms_now() { date +%s%3N; }

printf '#!/bin/sh\nexit 0\n' > "$tmp/ok.sh"
# Records its start time, then idles until stopped, or exits in a smaller world.
cat > "$tmp/idle.sh" <<EOS
#!/bin/sh
date +%s%3N > "$tmp/started_\${WORLD_SIZE}_\${RANK}"
[ "\$WORLD_SIZE" = 8 ] && exit 0
while :; do sleep 0.05; done
EOS
chmod +x "$tmp/ok.sh" "$tmp/idle.sh"

job() {  # job LAUNCHER AGENTS
  local port; port=$(free_port)
  local t0; t0=$(ms_now)
  for _ in $(seq "$2"); do
    if [ "$1" = refrun ]; then
      "$refrun" --nnodes="$2" --nproc-per-node=4 --rdzv-backend=c10d \
        --rdzv-endpoint=127.0.0.1:"$port" --rdzv-id=bench --no-python "$tmp/ok.sh" >/dev/null 2>&1 &
    else
      PYTHONPATH="$repo/harness/profiles/py311fix" /usr/bin/torchrun --nnodes="$2" \
        --nproc_per_node=4 --rdzv_backend=c10d --rdzv_endpoint=127.0.0.1:"$port" \
        --rdzv_id=bench --monitor_interval=0.1 --no_python "$tmp/ok.sh" >/dev/null 2>&1 &
    fi
  done
  wait
  echo "$1: $2 agents x 4 workers: $(( $(ms_now) - t0 )) ms wall"
}

detect() {  # detect SIGNAL
  rm -f "$tmp"/started_*
  local port; port=$(free_port)
  local conf=join_timeout=20,last_call_timeout=1,keep_alive_interval=0.1,keep_alive_max_attempt=3
  local pids=()
  for i in 1 2 3; do
    "$refrun" --nnodes=2:3 --nproc-per-node=4 --rdzv-backend=c10d --rdzv-endpoint=127.0.0.1:"$port" \
      --rdzv-id=det --rdzv-conf=$conf --no-python "$tmp/idle.sh" >/dev/null 2>&1 &
    pids+=($!)
    [ "$i" = 1 ] && sleep 0.2  # the first one hosts the store
  done
  while [ "$(ls "$tmp" | grep -c '^started_12_')" -lt 12 ]; do sleep 0.01; done
  local t0; t0=$(ms_now)
  kill -"$1" "${pids[2]}"
  while [ "$(ls "$tmp" | grep -c '^started_8_')" -lt 8 ]; do sleep 0.005; done
  local first; first=$(cat "$tmp"/started_8_* | sort -n | head -1)
  echo "refrun: SIG$1 of 1 of 3 agents -> survivors' workers restarted after $(( first - t0 )) ms (keep-alive window 300 ms)"
  kill -CONT "${pids[2]}" 2>/dev/null || true
  wait || true
}

for n in 4 16; do job refrun "$n"; done
detect KILL
detect STOP
if [ "$torchrun" = 1 ]; then job torchrun 4; fi
