#!/usr/bin/env bash
# fleet_bench.sh BUILD_DIR [COUNT ...]: one console fanning the "small" fixture out to COUNT
# distribution servers, each on its own distsync-agent process over CURVE on loopback
# (default counts 10 25 50), beside copying the same bytes locally in the same run.
#
# For each COUNT it starts a fresh distsyncd with an agent endpoint, makes and allows COUNT
# agent keys, starts COUNT `distsync-agent run` processes (each serving its own folder),
# places one server on each, waits until all are connected, and times
#   fanout   `distsync sync a-1 … a-COUNT --wait` (every server empty), and
#   local    `distsync sync` of one local server COUNT times over (fresh targets), and
#   cp       `cp -a` of the tree into COUNT local folders (the same bytes, no distsync),
# and reports the console's CPU seconds (utime+stime from /proc during the fan-out), its
# peak and current RSS, and the per-agent fan-out time (fanout / COUNT), which should stay
# flat as COUNT grows. Figures are printed, never asserted: not a test. Exit 0 ok, 1
# failure, 2 usage.
set -euo pipefail

if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 BUILD_DIR [COUNT ...]" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
shift
COUNTS=("$@")
[[ ${#COUNTS[@]} -eq 0 ]] && COUNTS=(10 25 50)
HERE=$(cd "$(dirname "$0")" && pwd)
DISTSYNCD=$BUILD/daemon/distsyncd
DISTSYNC=$BUILD/tools/distsync/distsync
AGENT=$BUILD/tools/agent/distsync-agent
for bin in "$DISTSYNCD" "$DISTSYNC" "$AGENT"; do
  [[ -x $bin ]] || { echo "fleet_bench: $bin is not built" >&2; exit 1; }
done

WORK=$(mktemp -d -t distsync-fleet-bench-XXXXXX)
PIDS=()
DAEMON_PID=
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  [[ -n $DAEMON_PID ]] && kill -TERM "$DAEMON_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

BENCH=fleet_bench
source "$HERE/bench_lib.sh"
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
cpu_s() { awk '{ printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat"; }
kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

python3 "$HERE/make_tree.py" "$WORK/console" small >/dev/null
TREE_BYTES=$(du -sb "$WORK/console" | cut -f1)
echo "fleet_bench: small fixture, $TREE_BYTES bytes; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

stop_all() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
  kill -TERM "$DAEMON_PID" 2>/dev/null || true
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=
}
config() {  # DATA_DIR [EXTRA]
  mkdir -p "$1"
  cat >"$1/distsync.toml" <<CFG
console_id = "fleet"
data_dir = "$1"
log_level = "warn"
patches_dir = "$WORK/console/Patches"
datafiles_dir = "$WORK/console/DataFiles"
${2:-}
CFG
}

printf '%-6s %10s %10s %10s %12s %10s %12s %12s\n' agents fanout_s local_s cp_s per_agent_ms cpu_s peak_rss_mb rss_mb
for n in "${COUNTS[@]}"; do
  # Baselines: the same bytes to local folders, with distsync (one server, n times) and cp.
  data=$WORK/local-$n
  config "$data"
  start_daemon "$data" "$data/distsync.toml"
  CLI=("$DISTSYNC" --config "$data/distsync.toml" --timeout 300)
  "${CLI[@]}" server add local --path "$WORK/local-target" >/dev/null
  t0=$(now)
  for i in $(seq 1 "$n"); do
    rm -rf "$WORK/local-target"
    "${CLI[@]}" sync local --wait >/dev/null
  done
  local_s=$(since "$t0")
  stop_all
  rm -rf "$WORK/local-target" "$data"
  sync
  t0=$(now)
  for i in $(seq 1 "$n"); do cp -a "$WORK/console" "$WORK/cp-$i"; done
  cp_s=$(since "$t0")
  rm -rf "$WORK"/cp-*
  sync

  # The fleet: n agents, one server on each.
  data=$WORK/fleet-$n
  config "$data" 'agent_endpoint = "tcp://127.0.0.1:*"'
  start_daemon "$data" "$data/distsync.toml"
  CLI=("$DISTSYNC" --config "$data/distsync.toml" --timeout 300)
  servers=()
  for i in $(seq 1 "$n"); do
    key=$("$AGENT" keygen --out "$data/agent-$i.key")
    "${CLI[@]}" agent allow "agent-$i" -- "$key" >/dev/null
  done
  list=$("${CLI[@]}" --json agent list)
  endpoint=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["endpoint"])' "$list")
  console_key=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["console_key"])' "$list")
  for i in $(seq 1 "$n"); do
    mkdir -p "$data/serve-$i"
    "$AGENT" run --connect "$endpoint" --console-key="$console_key" --key "$data/agent-$i.key" \
      --serve "$data/serve-$i" --state-dir "$data/state-$i" >"$data/agent-$i.log" 2>&1 &
    PIDS+=($!)
    "${CLI[@]}" server add "a-$i" --agent "agent-$i" --path "$data/serve-$i/dist" >/dev/null
    servers+=("a-$i")
  done
  for _ in $(seq 1 1200); do
    connected=$("${CLI[@]}" --json agent list |
      python3 -c 'import json,sys; print(sum(a["connected"] for a in json.load(sys.stdin)["agents"]))')
    [[ $connected -eq $n ]] && break
    sleep 0.1
  done
  [[ $connected -eq $n ]] || { echo "fleet_bench: only $connected of $n agents connected" >&2; exit 1; }
  cpu0=$(cpu_s "$DAEMON_PID")
  t0=$(now)
  "${CLI[@]}" sync "${servers[@]}" --wait >"$data/sync.out" ||
    { echo "fleet_bench: the fan-out failed:" >&2; tail "$data/sync.out" >&2; exit 1; }
  fanout_s=$(since "$t0")
  cpu1=$(cpu_s "$DAEMON_PID")
  peak=$(kib "$DAEMON_PID" VmHWM)
  rss=$(kib "$DAEMON_PID" VmRSS)
  for i in $(seq 1 "$n"); do
    diff -r "$WORK/console" "$data/serve-$i/dist" >/dev/null ||
      { echo "fleet_bench: server a-$i differs from the console" >&2; exit 1; }
  done
  stop_all
  awk -v n="$n" -v f="$fanout_s" -v l="$local_s" -v c="$cp_s" -v c0="$cpu0" -v c1="$cpu1" \
    -v p="$peak" -v r="$rss" 'BEGIN {
      printf "%-6d %10.2f %10.2f %10.2f %12.1f %10.2f %12.1f %12.1f\n",
             n, f, l, c, 1000 * f / n, c1 - c0, p / 1024, r / 1024 }'
  rm -rf "$data"
  sync
done
