#!/usr/bin/env bash
# Issue 3 benchmark: `tripline replay` of 1M CloudTrail events on one core with 1, 50 and ALL
# SigmaHQ AWS rules loaded (../shared/data/sigma), next to `jq` filtering one eventName on the same
# file in the same run. Prints events/s, the jq ratio and the cost growth per rule count.
# usage: bench/sigma_rules_bench.sh [BUILD_DIR] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-1000000}
sigma=../shared/data/sigma
[[ -d $sigma ]] || { echo "skipped: $sigma not present"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bench/tripline_corpus_gen" cloudtrail "$n" "$work/ct.jsonl"
mapfile -t all < <(find "$sigma" -path '*aws*' -name '*.yml' | sort)
mkdir -p "$work/r1" "$work/r50" "$work/rall"
cp bench/rules/create_user.yml "$work/r1/"
for f in "${all[@]:0:50}"; do cp "$f" "$work/r50/"; done
for f in "${all[@]}"; do cp "$f" "$work/rall/"; done

seconds() {
  local s e
  s=$(date +%s.%N)
  taskset -c 0 "$@" > /dev/null 2>&1
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
t_jq=$(seconds jq -c 'select(.eventName=="CreateUser")' "$work/ct.jsonl")
printf '%-28s %8.3f s %10.0f events/s\n' "jq (one eventName)" "$t_jq" "$(echo "$n/$t_jq" | bc -l)"
for set in r1 r50 rall; do
  count=$(ls "$work/$set" | wc -l)
  t=$(seconds "$build/agent/tripline" replay --no-progress --rules "$work/$set" \
      --logsource aws/cloudtrail "$work/ct.jsonl")
  printf '%-28s %8.3f s %10.0f events/s  %.1fx jq  (%s rules)\n' "tripline replay $set" "$t" \
    "$(echo "$n/$t" | bc -l)" "$(echo "$t_jq/$t" | bc -l)" "$count"
done
