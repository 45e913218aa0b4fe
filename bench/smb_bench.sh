#!/usr/bin/env bash
# smb_bench.sh [--rounds N] [--ops] BUILD_DIR [small|many|full ...]: distsync syncing to an SMB share
# beside smbclient putting the same tree onto the same share, in the same run.
#
# Starts one real Samba smbd (its own smb.conf, private dir and passdb in a temp dir) in the
# foreground, in its own session, on a free loopback port, with one share "bench" that
# forces the running user; the SMB user is that user with a generated password. For each
# tree PROFILE (default: small) it writes the fixture with bench/make_tree.py and runs N
# rounds (default 3). A round alternates the contenders on the same tree and share, so that
# a machine busy with something else slows both sides of a pair, not one:
#   cold      distsyncd on a fresh data dir (no hash cache, empty log), one server
#             \\127.0.0.1:PORT\bench\d with a stored credential, the share folder emptied:
#             the time of `distsync sync dist1 --wait`
#   smbclient smbclient //127.0.0.1/bench -c 'prompt OFF; recurse ON; mkdir s; cd s; mput *'
#             from the tree, SMB3, into an emptied folder of the same share
#   warm      the daemon of this round again onto its emptied folder (hash cache filled)
# Neither side flushes on the server: libsmbclient has no flush call and smbclient sends none.
# Every copy is checked afterwards (file count in the share's backing folder). Before each
# timed run dirty pages are written back (sync). Each row prints the median of each side and
# of the N pairwise ratios, with min-max, and the target of issue 11 ("full": no slower than
# smbclient; "many": at most 1.5x). --ops turns on smbd's request counters (smbd profiling
# level = count) and prints, after each timed run, the SMB2 requests the server answered per
# file of the tree (create, write, close, setinfo, ...): where the round trips go. Not a test. Needs smbd and smbclient (Debian samba,
# smbclient) and, for smbpasswd and force user, root or the running user's own smbd rights.
# Exit: 0 ok, 1 failure, 2 usage.
set -euo pipefail

ROUNDS=3
OPS=0
while [[ ${1:-} == --* ]]; do
  case $1 in
    --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
    --ops) OPS=1; shift ;;
    *) break ;;
  esac
done
if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 [--rounds N] [--ops] BUILD_DIR [small|many|full ...]" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
shift
PROFILES=("$@")
[[ ${#PROFILES[@]} -eq 0 ]] && PROFILES=(small)
HERE=$(cd "$(dirname "$0")" && pwd)
DISTSYNCD=$BUILD/daemon/distsyncd
DISTSYNC=$BUILD/tools/distsync/distsync
for bin in "$DISTSYNCD" "$DISTSYNC" /usr/sbin/smbd "$(command -v smbclient || echo smbclient)"; do
  [[ -x $bin ]] || { echo "smb_bench: $bin is not installed or built" >&2; exit 1; }
done

WORK=$(mktemp -d -t distsync-smb-bench-XXXXXX)
chmod 0755 "$WORK"
DAEMON_PID=
SMBD_PID=
cleanup() {
  if [[ -n $DAEMON_PID ]]; then
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
  fi
  if [[ -n $SMBD_PID ]]; then
    kill -TERM -- "-$SMBD_PID" 2>/dev/null || true
    wait "$SMBD_PID" 2>/dev/null || true
    kill -KILL -- "-$SMBD_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

BENCH=smb_bench
source "$HERE/bench_lib.sh"

# --- smbd ---------------------------------------------------------------------------
SMB=$WORK/smb
SHARE=$SMB/share
SMB_USER=$(id -un)
SMB_PASSWORD="bench-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$SMB"/{private,lock,state,cache,pid,ncalrpc,log} "$SHARE"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
cat >"$SMB/smb.conf" <<EOF
[global]
  netbios name = DSBENCH
  workgroup = WORKGROUP
  server role = standalone server
  interfaces = 127.0.0.1
  bind interfaces only = yes
  smb ports = $PORT
  disable netbios = yes
  server min protocol = SMB2
  private dir = $SMB/private
  lock directory = $SMB/lock
  state directory = $SMB/state
  cache directory = $SMB/cache
  pid directory = $SMB/pid
  ncalrpc dir = $SMB/ncalrpc
  log file = $SMB/log/smbd.log
  passdb backend = tdbsam:$SMB/private/passdb.tdb
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  map to guest = never
  smbd profiling level = $([[ $OPS == 1 ]] && echo count || echo off)
[bench]
  path = $SHARE
  read only = no
  force user = $SMB_USER
  valid users = $SMB_USER
EOF
printf '%s\n%s\n' "$SMB_PASSWORD" "$SMB_PASSWORD" |
  smbpasswd -c "$SMB/smb.conf" -a -s "$SMB_USER" >"$SMB/log/smbpasswd.out" 2>&1 ||
  { echo "smb_bench: smbpasswd failed:" >&2; cat "$SMB/log/smbpasswd.out" >&2; exit 1; }
setsid /usr/sbin/smbd --foreground --no-process-group --debug-stdout -d 0 -s "$SMB/smb.conf" \
  >"$SMB/log/smbd.out" 2>&1 &
SMBD_PID=$!
for _ in $(seq 1 400); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 "$SMBD_PID" 2>/dev/null || { echo "smb_bench: smbd died:" >&2; cat "$SMB/log/smbd.out" >&2; exit 1; }
  sleep 0.05
done
AUTH=$SMB/auth
printf 'username = %s\npassword = %s\ndomain = WORKGROUP\n' "$SMB_USER" "$SMB_PASSWORD" >"$AUTH"
chmod 0600 "$AUTH"
smbclient_put() {  # SRC FOLDER
  (cd "$1" && smbclient //127.0.0.1/bench -p "$PORT" -A "$AUTH" -m SMB3 -s "$SMB/smb.conf" \
    -c "prompt OFF; recurse ON; mkdir $2; cd $2; mput *")
}

# --- distsyncd ------------------------------------------------------------------------
stop_daemon() {
  local rc=0
  kill -TERM "$DAEMON_PID" && wait "$DAEMON_PID" 2>/dev/null || rc=$?
  DAEMON_PID=
  if [[ $rc != 0 ]]; then
    echo "  (WARNING: distsyncd exited $rc on SIGTERM; its stderr ends:)"
    tail -5 "$DATA/stderr" | sed 's/^/    /'
  fi
}
fresh_daemon() {  # PROFILE SRC ROUND
  [[ -n $DAEMON_PID ]] && stop_daemon
  DATA=$WORK/data-$1-$3
  rm -rf "$DATA"
  mkdir -p "$DATA"
  cat >"$DATA/distsync.toml" <<EOF
console_id = "bench"
data_dir = "$DATA"
log_level = "${SMB_BENCH_LOG_LEVEL:-warn}"
patches_dir = "$2/Patches"
datafiles_dir = "$2/DataFiles"
EOF
  start_daemon "$DATA" "$DATA/distsync.toml"
  CLI=("$DISTSYNC" --config "$DATA/distsync.toml" --timeout 600)
  printf '%s\n' "$SMB_PASSWORD" | "${CLI[@]}" credential add bench --user "$SMB_USER" >/dev/null
  "${CLI[@]}" server add dist1 --path "\\\\127.0.0.1:$PORT\\bench\\d" --credential bench >/dev/null
}
sync_once() { "${CLI[@]}" sync dist1 --wait; }
ops_snapshot() {  # NAME: smbd's SMB2 request counters, when --ops
  [[ $OPS == 1 ]] || return 0
  smbstatus -s "$SMB/smb.conf" -P 2>/dev/null | awk '/^smb2_.*_count:/ {print $1, $2}' >"$WORK/ops.$1"
}
ops_report() {  # WHO FILES: the requests between the snapshots "before" and "after", per file
  [[ $OPS == 1 ]] || return 0
  sleep 2  # smbd's connection processes publish their counters about once a second
  ops_snapshot after
  python3 - "$WORK/ops.before" "$WORK/ops.after" "$1" "$2" <<'PY'
import sys
def load(p):
    return {l.split()[0][5:-7]: int(l.split()[1]) for l in open(p)}
a, b, who, n = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3], int(sys.argv[4])
d = {k: v - a.get(k, 0) for k, v in b.items() if v - a.get(k, 0) > 0}
print("  %-9s SMB2 requests per file %.2f: %s" % (who, sum(d.values()) / n,
      ", ".join("%s %.2f" % (k, v / n) for k, v in sorted(d.items(), key=lambda x: -x[1]))))
PY
}
empty() { rm -rf "${SHARE:?}/$1"; sync; }
check() {  # FOLDER FILES WHO
  local n
  n=$(find "$SHARE/$1" -type f | wc -l)
  [[ $n == "$2" ]] || { echo "smb_bench: $3 left $n files on the share, the tree has $2" >&2; exit 1; }
}

echo "smb_bench: $ROUNDS rounds; profiles ${PROFILES[*]}; smbd on 127.0.0.1:$PORT;" \
  "$(nproc) cores; $(uname -r); $(smbd --version)"

run_tree() {  # PROFILE
  local p=$1 src=$WORK/src-$1 files
  python3 "$HERE/make_tree.py" "$src" "$p" >/dev/null
  files=$(find "$src" -type f | wc -l)
  echo "== $p: $files files, $(du -sm "$src" | cut -f1) MB; load average $(load)"
  cp -a "$src" "$WORK/warmup" && rm -rf "$WORK/warmup"  # the source into the page cache
  for ((r = 1; r <= ROUNDS; ++r)); do
    fresh_daemon "$p" "$src" "$r"
    empty d
    ops_snapshot before
    sample "$p.cold" "$(elapsed sync_once)"
    ops_report cold "$files"
    check d "$files" distsync
    empty s
    ops_snapshot before
    sample "$p.smbclient" "$(elapsed smbclient_put "$src" s)"
    ops_report smbclient "$files"
    check s "$files" smbclient
    empty d
    ops_snapshot before
    sample "$p.warm" "$(elapsed sync_once)"
    ops_report warm "$files"
    check d "$files" distsync
    echo "  round $r: cold $(tail -1 "$WORK/$p.cold") s, smbclient $(tail -1 "$WORK/$p.smbclient") s," \
      "warm $(tail -1 "$WORK/$p.warm") s; load $(load)"
    stop_daemon
    rm -rf "$DATA"
  done
  local goal=
  [[ $p == full ]] && goal=1.0
  [[ $p == many ]] && goal=1.5
  row "smb_${p}_cold_vs_smbclient" "$p.cold" "$p.smbclient" "$goal"
  row "smb_${p}_warm_vs_smbclient" "$p.warm" "$p.smbclient" "$goal"
  empty d
  empty s
  rm -rf "$src"
}

for profile in "${PROFILES[@]}"; do
  case $profile in
    full | many | small) run_tree "$profile" ;;
    *) echo "smb_bench: unknown profile '$profile'" >&2; exit 2 ;;
  esac
done
echo "smb_bench: done; load average $(load)"
