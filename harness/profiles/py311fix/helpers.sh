# Recording helpers behind TORCHRUN-NOTES.md (source it from bash).
#   run NAME CMD...            runs CMD with LAUNCHCHECK_EVENTS set; keeps cmd,
#                              stdout, stderr, rc, seconds, events.jsonl in $TR/NAME
#   sigrun NAME SIG N CMD...   starts CMD, waits for N fixture `start` events,
#                              sends SIG to it, then lists fixtures still alive
#                              in $TR/NAME/survivors (kill them afterwards)
TR=${TR:-/tmp/tr}
W=${W:-/work/wt-fixtures/build/bin}
FIX=${FIX:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}

freeport() {
  /usr/bin/python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])"
}

run() {
  local name=$1 d s e
  shift
  d=$TR/$name
  rm -rf "$d" && mkdir -p "$d"
  printf '%s\n' "$*" >"$d/cmd"
  s=$(date +%s.%N)
  LAUNCHCHECK_EVENTS=$d/events.jsonl timeout 120 "$@" >"$d/stdout" 2>"$d/stderr"
  echo $? >"$d/rc"
  e=$(date +%s.%N)
  echo "$s $e" | awk '{printf "%.2f\n", $2-$1}' >"$d/seconds"
  echo "== $name rc=$(cat "$d/rc") t=$(cat "$d/seconds")"
}

sigrun() {
  local name=$1 sig=$2 nstarts=$3 d s e apid i
  shift 3
  d=$TR/$name
  rm -rf "$d" && mkdir -p "$d"
  printf '%s\n' "$*" >"$d/cmd"
  LAUNCHCHECK_EVENTS=$d/events.jsonl "$@" >"$d/stdout" 2>"$d/stderr" &
  apid=$!
  for i in $(seq 600); do
    [ "0$(grep -c '"ev":"start"' "$d/events.jsonl" 2>/dev/null)" -ge "$nstarts" ] && break
    sleep 0.05
  done
  sleep 0.3
  s=$(date +%s.%N)
  kill -s "$sig" $apid
  wait $apid
  echo $? >"$d/rc"
  e=$(date +%s.%N)
  echo "$s $e" | awk '{printf "%.2f\n", $2-$1}' >"$d/seconds"
  sleep 0.5
  /usr/bin/python3 - "$d" >"$d/survivors" <<'PY'
import json, sys
d = sys.argv[1]
for line in open(d + "/events.jsonl"):
    e = json.loads(line)
    if e["ev"] != "start":
        continue
    try:
        fields = open("/proc/%d/stat" % e["pid"]).read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        continue
    if fields[0] != "Z":
        print(e["pid"], e["role"], "rank", e["rank"], "alive, ppid", fields[1])
PY
  echo "== $name sig=$sig agent_rc=$(cat "$d/rc") t=$(cat "$d/seconds") survivors=$(wc -l <"$d/survivors")"
}
