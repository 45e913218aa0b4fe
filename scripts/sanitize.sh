#!/usr/bin/env bash
# Builds the suite with sanitizers, each into its own build dir, and runs it there:
#   asan  clang, AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer), every target,
#         the whole ctest suite. Clang also proves the GUARDED_BY/REQUIRES annotations
#         (-Wthread-safety, an error), so this step is CI's thread-safety check too.
#   tsan  clang, ThreadSanitizer, only the log, sync, download and SMB target tests (the
#         threaded cores, and libsmbclient's per-target contexts against a real smbd; the
#         surface tests would rebuild everything for little more).
# Usage: scripts/sanitize.sh [asan] [tsan]   (default: both, asan first). Extra ctest arguments
# go in CTEST_ARGS, e.g. CTEST_ARGS="-R JobRunner" scripts/sanitize.sh asan.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(asan tsan)
jobs=$(nproc)

bash scripts/setup.sh

# Any report fails the test that caused it; UB aborts instead of printing and going on.
export ASAN_OPTIONS="detect_leaks=1:strict_init_order=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp"

# -O1 and line tables only: most of the speed of -O2 at a fraction of the compile time, and
# enough for symbolized reports.
configure() {  # dir sanitizers
  cmake -S . -B "$1" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" \
    -DDISTSYNC_SANITIZE="$2" >/dev/null
}

run_asan() {
  echo "sanitize: asan+ubsan build (build-asan)"
  configure build-asan address,undefined
  cmake --build build-asan -j"$jobs"
  echo "sanitize: asan+ubsan suite"
  (cd build-asan && ctest --output-on-failure -j"$jobs" --timeout 300 ${CTEST_ARGS:-})
}

tsan_targets=(log_test sync_test download_unit_test download_service_test smb_target_test)
run_tsan() {
  echo "sanitize: tsan build of ${tsan_targets[*]} (build-tsan)"
  configure build-tsan thread
  cmake --build build-tsan -j"$jobs" --target "${tsan_targets[@]}"
  echo "sanitize: tsan tests"
  # Only the targets built above: the others' gtests show up as <target>_NOT_BUILT, and the
  # browser tests (python, driving distsyncd and distsync-web, which this build lacks) by name.
  (cd build-tsan && ctest --output-on-failure -j"$jobs" --timeout 300 -E '_NOT_BUILT$|^web_browser_' \
    ${CTEST_ARGS:-})
}

for step in "${steps[@]}"; do
  case "$step" in
    asan) run_asan ;;
    tsan) run_tsan ;;
    *) echo "usage: scripts/sanitize.sh [asan] [tsan]" >&2; exit 2 ;;
  esac
done
echo "sanitize: ${steps[*]} passed"
