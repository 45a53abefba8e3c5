#!/usr/bin/env bash
# Installs every Debian package Tripline builds, tests and benchmarks with. Idempotent; needs root
# (or sudo). Servers used by integration tests are installed but not started or enabled.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev libboost-system-dev libsimdjson-dev libre2-dev libyaml-cpp-dev liblua5.4-dev
  libssl-dev zlib1g-dev libnats-dev libsystemd-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev libcrypt-dev
)
TEST_PACKAGES=(
  jq python3 procps psmisc curl ca-certificates openssl bc time gzip
  prometheus prometheus-alertmanager nats-server rsyslog rsyslog-gnutls rsyslog-openssl
  systemd-journal-remote
  lintian fail2ban
)
# clang + libFuzzer runtime for the fuzz targets (scripts/fuzz.sh, -DTRIPLINE_FUZZ=ON).
FUZZ_PACKAGES=(clang clang-14 libclang-rt-14-dev)
# Node.js runs s3rver. A machine may already have Node from another source, whose npm conflicts
# with Debian's npm package: only ask apt for them when the commands are missing.
command -v node > /dev/null || TEST_PACKAGES+=(nodejs)
command -v npm > /dev/null || TEST_PACKAGES+=(npm)

# --with-test-tools: integration test servers; --with-fuzz-tools: clang and libFuzzer.
with_test_tools=""
packages=("${BUILD_PACKAGES[@]}")
for arg in "$@"; do
  case $arg in
    --with-test-tools) with_test_tools=1; packages+=("${TEST_PACKAGES[@]}") ;;
    --with-fuzz-tools) packages+=("${FUZZ_PACKAGES[@]}") ;;
    *) echo "usage: $0 [--with-test-tools] [--with-fuzz-tools]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # Server packages must not start system-wide instances on install: the tests start their own
  # on loopback. policy-rc.d is Debian's switch for that; removed again afterwards.
  policy=/usr/sbin/policy-rc.d
  created_policy=""
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" > /dev/null
    $SUDO chmod 755 "$policy"
    created_policy=1
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [[ -z $created_policy ]] || $SUDO rm -f "$policy"
fi

if [[ -n $with_test_tools ]]; then
  # s3rver (S3-compatible server for the cloudtrail_s3 integration tests), pinned by the lock file.
  npm install --prefix tests/support/node --no-audit --no-fund --loglevel=error
fi
