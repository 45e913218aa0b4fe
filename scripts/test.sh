#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (unit, then integration over the real binaries).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 300 "$@"
