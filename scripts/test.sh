#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite: the Release build runs every
# ctest label (unit, dataset, integration, fault, and package when root); an ASan+UBSan build runs
# the unit tests again (clang, sharing its build with the fuzz targets); then every fuzz target
# runs for a minute (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-tools --with-fuzz-tools
jobs=$(nproc)
# Prints each step with the wall time so far, so a slow CI run shows where its minutes went.
step() { printf '== test.sh [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
step "dependencies installed"

step "Release build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRIPLINE_UNITY_TESTS=ON
cmake --build build -j "$jobs"
step "Release ctest"
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 900

# One clang ASan+UBSan build (with libFuzzer coverage) serves the sanitizer pass of the unit tests
# and the fuzz targets: the libraries are compiled under sanitizers once.
step "ASan+UBSan build (clang: unit tests and fuzz targets)"
scripts/sanitize-build.sh build-sanitize unit_tests fuzz_targets
step "ASan+UBSan unit ctest"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-sanitize --output-on-failure -j "$jobs" -L unit --timeout 900

# Every libFuzzer target for 60 s; any crash, leak or timeout fails.
step "fuzz"
scripts/fuzz.sh 60
step "done"
