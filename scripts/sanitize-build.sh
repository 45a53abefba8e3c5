#!/usr/bin/env bash
# Configures and builds the clang ASan+UBSan build with libFuzzer coverage (-DTRIPLINE_FUZZ=ON) in
# DIR (default build-sanitize). One build serves both the sanitizer pass of the unit tests and the
# fuzz targets, so CI compiles the libraries under sanitizers once.
#
#   scripts/sanitize-build.sh [DIR] [TARGET...]    TARGET defaults to: unit_tests fuzz_targets
#   SANITIZE_JOBS                                  build parallelism (default: nproc)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-sanitize}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(unit_tests fuzz_targets)

scripts/install-deps.sh --with-fuzz-tools

launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1, as the libFuzzer documentation builds its examples: much faster to build than -O3, and
# the unit tests run faster under the sanitizers than at -O0.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" \
  -DTRIPLINE_FUZZ=ON -DTRIPLINE_BUILD_TESTS=ON -DTRIPLINE_UNITY_TESTS=ON -DTRIPLINE_BUILD_BENCH=OFF \
  > /dev/null
cmake --build "$build" -j "${SANITIZE_JOBS:-$(nproc)}" --target "${targets[@]}"
