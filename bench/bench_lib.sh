# bench_lib.sh: what the shell benchmarks share. Source it after setting BENCH (the script's
# name, for messages), WORK (its temp dir) and DISTSYNCD (the daemon to start).
#   now                  the wall clock in seconds, with nanoseconds
#   load                 the load average (1, 5, 15 minutes)
#   elapsed CMD...       runs CMD (output to $WORK/last.out), prints its wall time in seconds;
#                        a failing CMD ends the benchmark with its output
#   sample FILE VALUE    appends one measurement to $WORK/FILE
#   row NAME A B GOAL [at_least]
#                        medians and min-max of the samples A and B and of the pairwise A/B,
#                        and whether the median ratio meets GOAL (<=, or >= with at_least)
#   start_daemon DATA CONFIG
#                        starts distsyncd --config CONFIG (stdout and stderr in DATA), sets
#                        DAEMON_PID, and waits for its ready line
now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
elapsed() {
  local t0 t1
  t0=$(now)
  "$@" >"$WORK/last.out" 2>&1 || { echo "$BENCH: failed: $*" >&2; cat "$WORK/last.out" >&2; exit 1; }
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
sample() { echo "$2" >>"$WORK/$1"; }
row() {
  python3 - "$1" "$WORK/$2" "$WORK/$3" "$4" "${5:-}" <<'PY'
import statistics, sys
name, fa, fb, goal, at_least = sys.argv[1:6]
a = [float(x) for x in open(fa)]
b = [float(x) for x in open(fb)]
r = [x / y for x, y in zip(a, b) if y > 0]
def s(v, fmt):
    return (fmt % statistics.median(v)) + " (" + (fmt % min(v)) + "-" + (fmt % max(v)) + ")"
unit = "" if at_least else " s"
fmt = "%.0f" if at_least else "%.3f"
verdict = ""
if goal:
    m = statistics.median(r)
    ok = m >= float(goal) if at_least else m <= float(goal)
    verdict = "  [target %s %s: %s]" % (">=" if at_least else "<=", goal, "met" if ok else "MISSED")
print("%-34s %s%s  baseline %s%s  ratio %s  n=%d%s" %
      (name, s(a, fmt), unit, s(b, fmt), unit, s(r, "%.2f"), len(r), verdict))
PY
}
start_daemon() {
  "$DISTSYNCD" --config "$2" >"$1/stdout" 2>"$1/stderr" &
  DAEMON_PID=$!
  for _ in $(seq 1 600); do
    grep -q "distsyncd ready" "$1/stdout" 2>/dev/null && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "$BENCH: distsyncd did not become ready:" >&2
  cat "$1/stderr" >&2
  exit 1
}
