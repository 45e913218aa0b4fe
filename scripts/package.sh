#!/usr/bin/env bash
# Builds the .deb from ./build (configured by scripts/build.sh) and checks it with lintian:
# any lintian error fails. The package lands in build/distsync_<version>_<arch>.deb.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build -j"$(nproc)"
(cd build && cpack -G DEB)
lintian --fail-on error build/distsync_*.deb
