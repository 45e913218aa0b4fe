#!/usr/bin/env bash
# sync_bench.sh [--rounds N] [--fresh-fs] BUILD_DIR [full|many|small|many-resync|log|bus ...]:
# distsync syncs beside cp -a, the durable baseline `cp -a && sync -f`, rsync -a and the atomic
# floor; and the log and bus rows.
#
# For each tree PROFILE (default: full many log bus) it writes the fixture with
# bench/make_tree.py into a temp dir and runs N rounds (default 3). A round alternates the
# contenders on the same tree, A B A B, so that a machine busy with something else slows
# both sides of a pair, not one:
#   cold     distsyncd on a fresh data dir (no hash cache, empty log), one server on an
#            empty target: the time from `distsync sync --wait` to SyncCompleted
#   durable  cp -a SRC DST && sync -f DST  (what durability costs without distsync)
#   cp       cp -a SRC DST                 (not durable)
#   rsync    rsync -a SRC/ DST/
#   floor    distsync_atomic_floor SRC DST: the copy protocol's own file system work (temps,
#            one syncfs per batch, renames, folder fsyncs) with 4 threads and distsync's batch
#            size, and no hashing, events or daemon: the least any atomic, durable copy pays
#   warm     the same daemon again onto an emptied target: the hash cache is filled
# then, on the daemon of the last round, N rounds of
#   noop     a re-sync with nothing to do        vs rsync -a with nothing to do
#   inc      a re-sync after 1% of the files got new content and mtime  vs rsync -a
# PROFILE-resync (e.g. many-resync) runs only the noop and inc rows: one untimed sync fills
# the target and an rsync copy, then the N noop and N inc rounds as above.
# Before every timed run the page cache's dirty pages are written back (sync), and nothing
# is dropped from caches: every contender reads a warm source. On "many" the trees a round
# writes are renamed aside, not deleted, until the profile ends: deleting 20,000 files makes
# the next contender's inode allocation pay ext4's scan for recently deleted inodes, which
# swung a contender's time by 2-4x depending on what ran before it.
# --fresh-fs (root only; needs losetup and mkfs.ext4): every contender of a tree profile writes
# to an ext4 file system made for it just before its run, on a loop device (direct I/O, so the
# writes reach the disk) over a sparse file in the temp dir; the source, the daemon's data dir
# and the log stay where they are. Each contender then meets the same empty file system instead
# of whatever the previous ones left: on a long-used file system the same copy swung 2-4x.
# The noop and inc rows run on the last file system made (the warm sync's). On "full" the loop
# device slows buffered writeback (the durable baseline's sync -f) far more than distsync's
# O_DIRECT writes: read "full" from a run without --fresh-fs.
# "log" runs distsync_log_bench (8 durable appenders vs raw batched LMDB), "bus" runs
# distsync_bus_bench (bus vs raw ZeroMQ PUB/SUB), N times each.
#
# Each row prints the median of each side and of the N pairwise ratios, with min-max beside
# each, and the target from issue 13. The load average is printed with every profile. A tree
# profile is skipped, with a message, when the temp dir has too little free space (full:
# 6 GB, many: 3 GB plus 0.5 GB per contender and round; with --fresh-fs the file system's size,
# 4 or 8 GB, plus 3 GB). Not a test. Exit: 0 ok, 1 failure, 2 usage.
set -euo pipefail

ROUNDS=3
FRESH_FS=0
while [[ ${1:-} == --* ]]; do
  case $1 in
    --rounds)
      ROUNDS=${2:?--rounds needs a number}
      shift 2 ;;
    --fresh-fs)
      FRESH_FS=1
      shift ;;
    *) echo "sync_bench: unknown option '$1'" >&2; exit 2 ;;
  esac
done
if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 [--rounds N] [--fresh-fs] BUILD_DIR [full|many|small|PROFILE-resync|log|bus ...]" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
shift
PROFILES=("$@")
[[ ${#PROFILES[@]} -eq 0 ]] && PROFILES=(full many log bus)
HERE=$(cd "$(dirname "$0")" && pwd)
DISTSYNCD=$BUILD/daemon/distsyncd
DISTSYNC=$BUILD/tools/distsync/distsync
FLOOR=$BUILD/bench/distsync_atomic_floor
for bin in "$DISTSYNCD" "$DISTSYNC" "$FLOOR"; do
  [[ -x $bin ]] || { echo "sync_bench: $bin is not built (build the 'bench' target)" >&2; exit 1; }
done
if [[ $FRESH_FS == 1 ]]; then
  [[ $(id -u) == 0 ]] || { echo "sync_bench: --fresh-fs needs root (losetup, mount)" >&2; exit 1; }
  for tool in losetup mkfs.ext4; do
    command -v "$tool" >/dev/null || { echo "sync_bench: --fresh-fs needs $tool" >&2; exit 1; }
  done
fi

WORK=$(mktemp -d -t distsync-sync-bench-XXXXXX)
DAEMON_PID=
LOOP=
cleanup() {
  if [[ -n $DAEMON_PID ]]; then
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
  fi
  unmount_fs
  rm -rf "$WORK"
}
trap cleanup EXIT

BENCH=sync_bench
source "$HERE/bench_lib.sh"
free_gb() { df -Pk "$WORK" | awk 'NR == 2 { printf "%d", $4 / 1048576 }'; }
settle() { sync; }

stop_daemon() {
  kill -TERM "$DAEMON_PID" && wait "$DAEMON_PID" || true
  DAEMON_PID=
}
# fresh_daemon PROFILE SRC: a daemon on a new data dir with server dist1 -> $TARGET.
# Removes a tree that a contender wrote: deleted at once, or (DEFER_DELETES=1, "many") renamed
# into $WORK/trash, which run_tree deletes when the profile ends.
DEFER_DELETES=0
discard() {
  [[ -e $1 ]] || return 0
  if [[ $DEFER_DELETES == 1 ]]; then
    mkdir -p "$WORK/trash"
    mv "$1" "$(mktemp -u -p "$WORK/trash")"
  else
    rm -rf "$1"
  fi
}

# With --fresh-fs the contenders write under $FS, a file system made anew for each of them
# (remake_fs); otherwise under $WORK.
FS=$WORK/fs
FS_IMAGE=$WORK/fs.img
FS_GB=4
DEST=$WORK
[[ $FRESH_FS == 1 ]] && DEST=$FS
unmount_fs() {
  [[ -n $LOOP ]] || return 0
  umount "$FS" && losetup -d "$LOOP"
  LOOP=
  rm -f "$FS_IMAGE"
}
remake_fs() {
  unmount_fs
  truncate -s "${FS_GB}G" "$FS_IMAGE"
  mkfs.ext4 -q -F "$FS_IMAGE"
  LOOP=$(losetup -f --show --direct-io=on "$FS_IMAGE")
  mkdir -p "$FS"
  mount "$LOOP" "$FS"
}
# empty_dest DIR [mkdir]: DIR under $DEST gone (and made again, empty, with "mkdir"), and what
# that left dirty written back. With --fresh-fs the whole file system is new.
empty_dest() {
  if [[ $FRESH_FS == 1 ]]; then
    remake_fs
  else
    discard "$1"
  fi
  [[ ${2:-} == mkdir ]] && mkdir -p "$1"
  settle
}

fresh_daemon() {
  [[ -n $DAEMON_PID ]] && stop_daemon
  DATA=$WORK/data-$1
  TARGET=$DEST/dist-$1
  discard "$DATA"
  mkdir -p "$DATA"
  empty_dest "$TARGET" mkdir
  cat >"$DATA/distsync.toml" <<EOF
console_id = "bench"
data_dir = "$DATA"
log_level = "${SYNC_BENCH_LOG_LEVEL:-warn}"
patches_dir = "$2/Patches"
datafiles_dir = "$2/DataFiles"
EOF
  start_daemon "$DATA" "$DATA/distsync.toml"
  CLI=("$DISTSYNC" --config "$DATA/distsync.toml" --timeout 120)
  "${CLI[@]}" server add dist1 --path "$TARGET" >/dev/null
}
sync_once() { "${CLI[@]}" sync dist1 --wait; }

echo "sync_bench: $ROUNDS rounds; profiles ${PROFILES[*]}; $(nproc) cores; $(uname -r);" \
  "$([[ $FRESH_FS == 1 ]] && echo "a fresh ext4 per contender" || echo "one file system: $(df -PT "$WORK" | awk 'NR == 2 { print $2 }')")"

# run_resync PROFILE SRC DST: the noop and inc samples, on the running daemon whose target
# and DST both hold a complete copy of SRC.
run_resync() {
  local p=$1 src=$2 dst=$3 r rel
  for ((r = 1; r <= ROUNDS; ++r)); do
    rsync -a "$src/" "$dst/"
    sample "$p.rsync_noop" "$(elapsed rsync -a "$src/" "$dst/")"
    sample "$p.noop" "$(elapsed sync_once)"
  done
  find "$src" -type f | sort | awk 'NR % 100 == 1' >"$WORK/changed"
  for ((r = 1; r <= ROUNDS; ++r)); do
    while IFS= read -r f; do
      printf '%s' "$r" | dd of="$f" bs=1 count=1 conv=notrunc status=none
      touch -d "@$(( $(date +%s) - 3600 + r ))" "$f"
    done <"$WORK/changed"
    settle
    sample "$p.rsync_inc" "$(elapsed rsync -a "$src/" "$dst/")"
    settle
    sample "$p.inc" "$(elapsed sync_once)"
  done
  rel=$(head -1 "$WORK/changed" | sed "s|^$src/||")
  cmp -s "$src/$rel" "$TARGET/$rel" || echo "  (WARNING: $rel differs on the target after the incremental sync)"
  echo "  ($(wc -l <"$WORK/changed") files changed per incremental round; load average $(load))"
}

run_tree() {  # PROFILE [resync]
  local profile=$1 resync_only=${2:-} need=3
  [[ $profile == full ]] && need=6
  DEFER_DELETES=0
  FS_GB=4
  [[ $profile == full ]] && FS_GB=8
  if [[ $FRESH_FS == 1 ]]; then
    need=$((FS_GB + 3))
  elif [[ $profile == many ]]; then
    DEFER_DELETES=1
    need=$((3 + (6 * ROUNDS + 1) / 2))
  fi
  if (( $(free_gb) < need )); then
    echo "sync_bench: skipping '$profile': $(free_gb) GB free under $WORK, needs $need GB"
    return
  fi
  local src=$WORK/src-$profile t0 files
  t0=$(now)
  python3 "$HERE/make_tree.py" "$src" "$profile"
  files=$(find "$src" -type f | wc -l)
  echo "== $profile: $files files, $(du -sm "$src" | cut -f1) MB (written in" \
    "$(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}') s); load average $(load)"
  cp -a "$src" "$WORK/warmup" && rm -rf "$WORK/warmup"  # the source into the page cache
  local p=$profile dst=$DEST/out-$profile
  if [[ -n $resync_only ]]; then
    fresh_daemon "$profile" "$src"
    sync_once >/dev/null
    rsync -a "$src/" "$dst/"
    run_resync "$p" "$src" "$dst"
    row "${p}_noop_vs_rsync_a_noop" "$p.noop" "$p.rsync_noop" "$([[ $profile == many ]] && echo 0.5)"
    row "${p}_inc_1pct_vs_rsync_a" "$p.inc" "$p.rsync_inc" 1.0
    stop_daemon
    rm -rf "$src" "$TARGET" "$dst" "$DATA" "$WORK/trash"
    unmount_fs
    return
  fi
  for ((r = 1; r <= ROUNDS; ++r)); do
    fresh_daemon "$profile" "$src"
    settle
    sample "$p.cold" "$(elapsed sync_once)"
    local copied
    copied=$(find "$TARGET" -type f | wc -l)
    [[ $copied == "$files" ]] || echo "  (WARNING: target holds $copied files, source $files)"
    empty_dest "$dst"
    sample "$p.durable" "$(elapsed bash -c "cp -a '$src' '$dst' && sync -f '$dst'")"
    empty_dest "$dst"
    sample "$p.floor" "$(elapsed "$FLOOR" "$src" "$dst")"
    copied=$(find "$dst" -type f | wc -l)
    [[ $copied == "$files" ]] || echo "  (WARNING: the floor copied $copied files, source $files)"
    empty_dest "$dst"
    sample "$p.cp" "$(elapsed cp -a "$src" "$dst")"
    empty_dest "$dst"
    sample "$p.rsync" "$(elapsed rsync -a "$src/" "$dst/")"
    empty_dest "$TARGET" mkdir
    sample "$p.warm" "$(elapsed sync_once)"
    copied=$(find "$TARGET" -type f | wc -l)
    [[ $copied == "$files" ]] || echo "  (WARNING: warm target holds $copied files, source $files)"
    # The cold and warm samples of this round against the durable one between them.
    echo "  round $r: cold $(tail -1 "$WORK/$p.cold") s, durable $(tail -1 "$WORK/$p.durable") s," \
      "floor $(tail -1 "$WORK/$p.floor") s, cp $(tail -1 "$WORK/$p.cp") s," \
      "rsync $(tail -1 "$WORK/$p.rsync") s, warm $(tail -1 "$WORK/$p.warm") s; load $(load)"
  done
  # TARGET holds the distsync copy; dst the rsync one, or (--fresh-fs) nothing: run_resync
  # fills it with rsync first.
  run_resync "$p" "$src" "$dst"
  local g_cold=1.15 g_warm=1.05 g_cp=
  [[ $profile == many ]] && g_cold=0.8 g_warm=0.8 g_cp=1.3
  row "${p}_cold_vs_cp_a_sync_f" "$p.cold" "$p.durable" "$g_cold"
  row "${p}_warm_vs_cp_a_sync_f" "$p.warm" "$p.durable" "$g_warm"
  row "${p}_cold_vs_cp_a" "$p.cold" "$p.cp" "$g_cp"
  row "${p}_cold_vs_rsync_a" "$p.cold" "$p.rsync" ""
  row "${p}_floor_vs_cp_a_sync_f" "$p.floor" "$p.durable" ""
  row "${p}_cold_vs_floor" "$p.cold" "$p.floor" ""
  row "${p}_noop_vs_rsync_a_noop" "$p.noop" "$p.rsync_noop" "$([[ $profile == many ]] && echo 0.5)"
  row "${p}_inc_1pct_vs_rsync_a" "$p.inc" "$p.rsync_inc" 1.0
  stop_daemon
  rm -rf "$src" "$TARGET" "$dst" "$DATA" "$WORK/trash"
  unmount_fs
}

# figure_of NAME FILE: "value baseline" of the bench program's line NAME.
figure_of() {
  # "name  value unit  (baseline X unit, ratio Y)  [...]" (bench/bench_workload.h)
  awk -v n="$1" '$1 == n && $4 == "(baseline" { print $2, $5 }' "$2"
}

run_log() {
  local bin=$BUILD/bench/distsync_log_bench
  [[ -x $bin ]] || { echo "sync_bench: $bin is not built; build the 'bench' target" >&2; exit 1; }
  echo "== log: distsync_log_bench 100000 appends x $ROUNDS; load average $(load)"
  for ((r = 1; r <= ROUNDS; ++r)); do
    "$bin" 100000 1000 10 >"$WORK/log.out"
    read -r v b < <(figure_of append_8_appenders "$WORK/log.out")
    sample log.dist "$v"
    sample log.raw "$b"
  done
  row append_8_appenders_vs_raw_lmdb log.dist log.raw 0.25 at_least
}

run_bus() {
  local bin=$BUILD/bench/distsync_bus_bench
  [[ -x $bin ]] || { echo "sync_bench: $bin is not built; build the 'bench' target" >&2; exit 1; }
  echo "== bus: distsync_bus_bench 100000 events x $ROUNDS; load average $(load)"
  for ((r = 1; r <= ROUNDS; ++r)); do
    "$bin" 100000 >"$WORK/bus.out"
    read -r v b < <(figure_of bus_delivery "$WORK/bus.out")
    sample bus.dist "$v"
    sample bus.raw "$b"
  done
  row bus_delivery_vs_raw_pub_sub bus.dist bus.raw 0.5 at_least
}

for profile in "${PROFILES[@]}"; do
  case $profile in
    log) run_log ;;
    bus) run_bus ;;
    full | many | small) run_tree "$profile" ;;
    full-resync | many-resync | small-resync) run_tree "${profile%-resync}" resync ;;
    *) echo "sync_bench: unknown profile '$profile'" >&2; exit 2 ;;
  esac
done
echo "sync_bench: done; load average $(load)"
