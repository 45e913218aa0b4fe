#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang into ./build-fuzz and runs each for RUNS
# inputs (default 20000: all targets together take a few minutes on 2 cores), starting from
# its seed corpus in tests/fuzz/corpus/<target>/. Fails on the first crash, leak, timeout or
# broken property; libFuzzer leaves the input as build-fuzz/artifacts/<target>/crash-*.
# New inputs the fuzzer finds go to build-fuzz/corpus/<target>/, never into the repo.
#   scripts/fuzz.sh [RUNS] [TARGET...]     e.g. scripts/fuzz.sh 10000000 fuzz_config_toml
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-20000}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz_control_request fuzz_copy_protocol fuzz_event_record fuzz_source_manifest
           fuzz_verify_jsonl fuzz_verify_csv fuzz_config_toml)
fi

CC="${FUZZ_CC:-clang}" CXX="${FUZZ_CXX:-clang++}" \
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Fuzz -DDISTSYNC_FUZZ=ON \
  -DDISTSYNC_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"

status=0
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/artifacts/$t"
  log="build-fuzz/artifacts/$t/fuzz.log"
  start=$(date +%s)
  # The repo's seeds are read, new inputs are written to build-fuzz only (first dir).
  if build-fuzz/tests/fuzz/"$t" -runs="$runs" -max_len=262144 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t/" \
       "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    result="ok"
  else
    result="FAILED"
    status=1
  fi
  done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "fuzz: $t: $result, ${done_runs:-?} runs in $(($(date +%s) - start)) s"
  if [ "$result" = FAILED ]; then
    grep -m5 -E 'ERROR|SUMMARY|fuzz property broken|Test unit written' "$log" || true
  fi
done
exit $status
