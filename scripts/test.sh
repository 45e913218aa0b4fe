#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: unit, then integration over the real binaries
# (GCC, ./build); then the same suite under ASan+UBSan, the threaded cores under TSan, and the
# clang thread-safety check (scripts/sanitize.sh); then every fuzz target for a short fixed
# number of inputs (scripts/fuzz.sh). Arguments go to the first ctest run only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 300 "$@")
bash scripts/sanitize.sh
bash scripts/fuzz.sh
