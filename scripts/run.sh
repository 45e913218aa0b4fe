#!/usr/bin/env bash
# Sets up, builds and starts distsyncd in the foreground on embedded defaults: state under
# ./var, no config file needed. Extra arguments go to distsyncd (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec ./build/daemon/distsyncd "$@"
