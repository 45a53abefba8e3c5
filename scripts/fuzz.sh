#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan+UBSan, -DTRIPLINE_FUZZ=ON) in
# build-sanitize (scripts/sanitize-build.sh) and runs each for SECONDS (default 60). Fails on the
# first crash, leak, timeout or OOM; the input that did it lands in build-sanitize/artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      TARGET: syslog, sshd, ... (default: all)
#   FUZZ_RUNS=10000000 scripts/fuzz.sh 0 sshd  run a target for a number of executions instead
#                                              (SECONDS 0 = no time limit)
#   FUZZ_JOBS, FUZZ_BUILD_DIR                  build parallelism, build directory
#   FUZZ_RSS_MB, FUZZ_TIMEOUT                  -rss_limit_mb (default 2048) and -timeout (default
#                                              25 s); long background runs want 6144 and 600
#                                              (docs/fuzzing.md says why)
#   FUZZ_PARALLEL                              targets run at once (default: nproc)
#
# Each run starts from the committed seeds (tests/fuzz/corpus/<target>/, plus the repository's
# rule packs and fixtures where they fit) and keeps what it finds in build-sanitize/corpus/<target>/,
# so later runs continue from there. docs/fuzzing.md explains the targets.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=${FUZZ_BUILD_DIR:-build-sanitize}
jobs=${FUZZ_JOBS:-$(nproc)}

SANITIZE_JOBS=$jobs scripts/sanitize-build.sh "$build" fuzz_targets

targets=("$@")
if ((${#targets[@]} == 0)); then
  for src in tests/fuzz/*_fuzz.cpp; do
    name=$(basename "$src" _fuzz.cpp)
    targets+=("$name")
  done
fi

# Seeds beyond tests/fuzz/corpus/<target>/ and the input size each target is run with: rule and
# config files are small, bigger inputs only slow the YAML and Lua targets down.
extra_seeds() {
  case $1 in
    sigma_rule) echo config/rules.d bench/rules ;;
    lua_rule) echo config/rules.d ;;
    event_fields | cloudtrail) echo tests/fixtures/iam ;;
  esac
}
max_len() {
  case $1 in
    sigma_rule | lua_rule | config) echo 4096 ;;
    spool) echo 2048 ;;
    *) echo 8192 ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
results="$build/results"
rm -rf "$results"
mkdir -p "$results"

# Runs one target and leaves its summary line in $results/<target>; returns non-zero on a finding.
run_target() {
  local t=$1
  local bin="$build/tests/fuzz/fuzz_$t"
  local work="$build/corpus/$t"
  local artifacts="$build/artifacts/$t/"
  mkdir -p "$work" "$artifacts"
  [[ $t == config ]] && cp config/tripline.yaml "$work/shipped-tripline.yaml"
  local seeds=() s
  for s in "tests/fuzz/corpus/$t" $(extra_seeds "$t"); do [[ -d $s ]] && seeds+=("$s"); done
  local args=(-max_total_time="$seconds" -rss_limit_mb="${FUZZ_RSS_MB:-2048}"
              -timeout="${FUZZ_TIMEOUT:-25}" -max_len="$(max_len "$t")"
              -artifact_prefix="$artifacts" -print_final_stats=1)
  [[ -n ${FUZZ_RUNS:-} ]] && args+=(-runs="$FUZZ_RUNS")
  [[ -f tests/fuzz/dict/$t.dict ]] && args+=(-dict="tests/fuzz/dict/$t.dict")
  local log="$build/fuzz-$t.log" result=ok
  echo "== fuzz_$t started (${seconds}s${FUZZ_RUNS:+, $FUZZ_RUNS runs})"
  # libFuzzer writes new inputs into the first directory only: the work corpus, never the seeds.
  if ! nice -n 10 "$bin" "${args[@]}" "$work" "${seeds[@]}" > "$log" 2>&1; then
    result=FAILED
    grep -E "ERROR|SUMMARY|Test unit written|==[0-9]+==" "$log" | head -20 >&2 || true
  fi
  local execs rate
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-16s %-7s %12s execs %8s exec/s   (log: %s)\n' \
    "$t" "$result" "${execs:-?}" "${rate:-?}" "$log" | tee "$results/$t"
  [[ $result == ok ]]
}

for t in "${targets[@]}"; do
  [[ -x $build/tests/fuzz/fuzz_$t ]] || { echo "fuzz.sh: no target $t" >&2; exit 2; }
done
# Targets are single-threaded, so FUZZ_PARALLEL of them (default: one per core) run side by side.
parallel=${FUZZ_PARALLEL:-$(nproc)}
failed=0
running=0
for t in "${targets[@]}"; do
  if ((running >= parallel)); then
    wait -n || failed=1
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done

echo "== summary"
for t in "${targets[@]}"; do cat "$results/$t" 2>/dev/null || echo "$t: no result"; done
exit "$failed"
