#!/usr/bin/env bash
# Installs what is missing, builds Tripline (Release) and runs the agent in the foreground on its
# default configuration (config/tripline.yaml, the same file compiled into the binary).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRIPLINE_BUILD_TESTS=OFF \
  -DTRIPLINE_BUILD_BENCH=OFF
cmake --build build -j "$(nproc)" --target tripline
exec ./build/agent/tripline run "$@"
