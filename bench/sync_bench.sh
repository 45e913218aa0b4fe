#!/usr/bin/env bash
# sync_bench.sh BUILD_DIR [PROFILE...]: wall time of distsync syncs against cp -a and rsync -a.
#
# For each PROFILE (default: full many) it writes the fixture with bench/make_tree.py into a
# temp dir, starts the real distsyncd on a temp data dir whose config points patches_dir and
# datafiles_dir at the fixture, registers one server, and measures, each beside its baseline
# on the same tree in the same run (baselines run once first to warm the page cache; nothing
# is dropped from caches):
#   full sync to an empty target      vs cp -a and rsync -a to an empty target
#   no-op re-sync (CLI call to SyncCompleted)  vs rsync -a with nothing to do
#   incremental sync, 1% of files changed (content and mtime)  vs rsync -a
# The sync is driven with `distsync sync NAME --wait` when the CLI has that command, else
# with bench/sync_call.cpp (distsync_bench_sync) over the same control endpoint; servers are
# registered with `distsync server add` likewise. A profile is skipped, with a message, when
# the temp dir's file system has too little free space (full: 6 GB, many: 3 GB).
# Output: name  value s  (baseline X s, ratio Y)  [target]. Not a test. Exit: 0 ok, 1 failure,
# 2 usage.
set -euo pipefail

if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 BUILD_DIR [full|many|small ...]" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
shift
PROFILES=("$@")
[[ ${#PROFILES[@]} -eq 0 ]] && PROFILES=(full many)
HERE=$(cd "$(dirname "$0")" && pwd)
DISTSYNCD=$BUILD/daemon/distsyncd
DISTSYNC=$BUILD/tools/distsync/distsync
CALL=$BUILD/bench/distsync_bench_sync
for bin in "$DISTSYNCD" "$DISTSYNC" "$CALL"; do
  [[ -x $bin ]] || { echo "sync_bench: $bin is not built; build the 'bench' target" >&2; exit 1; }
done

WORK=$(mktemp -d -t distsync-sync-bench-XXXXXX)
DAEMON_PID=
cleanup() {
  if [[ -n $DAEMON_PID ]]; then
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
# elapsed CMD...: runs CMD (output to $WORK/last.out), prints its wall time in seconds.
elapsed() {
  local t0 t1
  t0=$(now)
  "$@" >"$WORK/last.out" 2>&1 || { echo "sync_bench: failed: $*" >&2; cat "$WORK/last.out" >&2; exit 1; }
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
# figure NAME VALUE BASELINE [GOAL_RATIO]: one output line.
figure() {
  awk -v n="$1" -v v="$2" -v b="$3" -v g="${4:-}" 'BEGIN {
    r = b > 0 ? v / b : 0
    t = g == "" ? "" : sprintf("  [target ratio <= %s: %s]", g, r <= g ? "met" : "MISSED")
    printf "%-30s %9.3f s  (baseline %.3f s, ratio %.2f)%s\n", n, v, b, r, t }'
}
free_gb() { df -Pk "$WORK" | awk 'NR == 2 { printf "%d", $4 / 1048576 }'; }

CLI_HAS_SYNC=0
"$DISTSYNC" sync --help >/dev/null 2>&1 && CLI_HAS_SYNC=1
CLI_HAS_SERVER=0
"$DISTSYNC" server add --help >/dev/null 2>&1 && CLI_HAS_SERVER=1
echo "sync_bench: profiles ${PROFILES[*]}; sync via $([[ $CLI_HAS_SYNC == 1 ]] && echo 'distsync sync --wait' || echo distsync_bench_sync)"

start_daemon() {  # DATA_DIR CONFIG
  "$DISTSYNCD" --config "$2" >"$1/stdout" 2>"$1/stderr" &
  DAEMON_PID=$!
  for _ in $(seq 1 600); do
    grep -q "distsyncd ready" "$1/stdout" 2>/dev/null && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "sync_bench: distsyncd did not become ready:" >&2
  cat "$1/stderr" >&2
  exit 1
}
stop_daemon() {
  kill -TERM "$DAEMON_PID" && wait "$DAEMON_PID" || true
  DAEMON_PID=
}

for profile in "${PROFILES[@]}"; do
  need=3
  [[ $profile == full ]] && need=6
  if (( $(free_gb) < need )); then
    echo "sync_bench: skipping '$profile': $(free_gb) GB free under $WORK, needs $need GB"
    continue
  fi
  src=$WORK/src-$profile
  t0=$(now)
  python3 "$HERE/make_tree.py" "$src" "$profile"
  files=$(find "$src" -type f | wc -l)
  echo "  ($profile: $files files, $(du -sm "$src" | cut -f1) MB, written in $(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}') s)"

  # Baselines: a warm-up run each, then the measured run into an empty target.
  mkdir -p "$WORK/warm" && cp -a "$src/." "$WORK/warm/" && rm -rf "$WORK/warm"
  mkdir -p "$WORK/cp-$profile"
  t_cp=$(elapsed cp -a "$src/." "$WORK/cp-$profile/")
  rm -rf "$WORK/cp-$profile"
  rsync -a "$src/" "$WORK/warm/" && rm -rf "$WORK/warm"
  t_rsync=$(elapsed rsync -a "$src/" "$WORK/rsync-$profile/")

  data=$WORK/data-$profile
  target=$WORK/dist-$profile
  mkdir -p "$data" "$target"
  cat >"$data/distsync.toml" <<EOF
console_id = "bench"
data_dir = "$data"
log_level = "warn"
patches_dir = "$src/Patches"
datafiles_dir = "$src/DataFiles"
EOF
  start_daemon "$data" "$data/distsync.toml"
  cli=("$DISTSYNC" --config "$data/distsync.toml" --timeout 60)
  endpoint="ipc://$data/run/bench.control"
  if [[ $CLI_HAS_SERVER == 1 ]]; then
    "${cli[@]}" server add dist1 --path "$target" >/dev/null
  else
    "$CALL" "$endpoint" server-add dist1 "$target" >/dev/null
  fi
  sync_once() {
    if [[ $CLI_HAS_SYNC == 1 ]]; then "${cli[@]}" sync dist1 --wait; else "$CALL" "$endpoint" sync dist1; fi
  }

  t_full=$(elapsed sync_once)
  copied=$(find "$target" -type f | wc -l)
  figure "full_sync_${profile}_vs_cp" "$t_full" "$t_cp" "$([[ $profile == full ]] && echo 1.1 || echo 1.2)"
  figure "full_sync_${profile}_vs_rsync" "$t_full" "$t_rsync" "$([[ $profile == full ]] && echo 0.7)"
  [[ $copied == "$files" ]] || echo "  (WARNING: target holds $copied files, source $files)"

  # No-op re-sync: everything is already there.
  rsync -a "$src/" "$WORK/rsync-$profile/"  # warm
  t_rsync_noop=$(elapsed rsync -a "$src/" "$WORK/rsync-$profile/")
  t_noop=$(elapsed sync_once)
  figure "noop_sync_${profile}" "$t_noop" "$t_rsync_noop" 1.0

  # Incremental: 1% of the files get new content in their first byte and a new mtime.
  find "$src" -type f | sort | awk 'NR % 100 == 1' >"$WORK/changed"
  while IFS= read -r f; do
    printf 'Z' | dd of="$f" bs=1 count=1 conv=notrunc status=none
    touch "$f"
  done <"$WORK/changed"
  t_rsync_inc=$(elapsed rsync -a "$src/" "$WORK/rsync-$profile/")
  t_inc=$(elapsed sync_once)
  figure "incremental_1pct_${profile}" "$t_inc" "$t_rsync_inc"
  echo "  ($(wc -l <"$WORK/changed") files changed)"
  rel=$(head -1 "$WORK/changed" | sed "s|^$src/||")
  cmp -s "$src/$rel" "$target/$rel" || echo "  (WARNING: $rel differs on the target after the incremental sync)"

  stop_daemon
  rm -rf "$src" "$target" "$WORK/rsync-$profile" "$data"
done
