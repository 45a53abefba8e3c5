#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite: the Release build runs every
# ctest label (unit, dataset, integration, fault, and package when root); an ASan+UBSan build runs
# the unit tests again; then every fuzz target runs for a minute (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-tools
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 900

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTRIPLINE_SANITIZE=ON \
  -DTRIPLINE_BUILD_BENCH=OFF
# The sanitizer pass runs the unit label only, so it builds only the unit test binaries.
cmake --build build-asan -j "$jobs" --target unit_tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -L unit --timeout 900

# Every libFuzzer target for 60 s (clang build in build-fuzz); any crash, leak or timeout fails.
scripts/fuzz.sh 60
