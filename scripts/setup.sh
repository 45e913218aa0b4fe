#!/usr/bin/env bash
# Installs the Debian packages distsync needs to build, test and benchmark.
# Idempotent: when everything is present it installs nothing and says so.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libzmq3-dev cppzmq-dev          # bus and control endpoint
  liblmdb-dev lmdb-utils          # event log (mdb_stat to inspect it)
  libcereal-dev                   # event serialization (binary + JSON)
  libboost-date-time-dev          # calendar arithmetic for schedules
  libhowardhinnant-date-dev tzdata # IANA zones from the system zoneinfo
  libspdlog-dev libfmt-dev        # logging
  libgtest-dev libgmock-dev       # tests
  libssl-dev                      # SHA-256 (hash chain, manifests)
  libsodium-dev                   # Ed25519 signed checkpoints
  libcurl4-openssl-dev            # HTTP downloads
  libtomlplusplus-dev             # config file
  libcli11-dev                    # command-line parsing
  nlohmann-json3-dev              # JSON bodies of control requests and replies
  python3 python3-zmq             # example subscriber and its test; test HTTP server
  rsync                           # benchmark baseline
  clang libfuzzer-14-dev libclang-rt-14-dev  # sanitizers, -Wthread-safety, fuzz targets
  libsmbclient-dev samba smbclient  # SMB targets; a real smbd and client for their tests
  libcpp-httplib-dev              # the web console's HTTP server
  chromium chromium-driver python3-selenium  # the web console's browser tests
  libsystemd-dev systemd          # sd_notify readiness; systemd-analyze verify in tests
  dpkg-dev fakeroot lintian file man-db  # the .deb (CPack, dpkg-shlibdeps) and its checks
  iproute2 util-linux             # network namespaces for WAN checks; setpriv/runuser
)

# As root (CI), permission tests drop to this unprivileged user (tests/support/test_user.h).
test_user=distsync-test
ensure_test_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  getent passwd "$test_user" >/dev/null && return 0
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$test_user"
  echo "setup: created the test user $test_user"
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  ensure_test_user
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
ensure_test_user
