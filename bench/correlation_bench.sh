#!/usr/bin/env bash
# Correlation benchmark (issue #4): 1M sshd lines through every default sshd pack (single-event
# rules + brute force, password spray, success after failures) on one core, with 5,000 and with
# 1M distinct attacker addresses (spread over days, and all within five minutes): lines/s and peak RSS of `tripline replay`, next to fail2ban-regex
# (sshd filter) and a grep | sort | uniq -c pipeline counting failures per address, measured in
# the same run on the same files.
# usage: bench/correlation_bench.sh [BUILD_DIR] [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tripline="$build/agent/tripline"
packs=(--rules config/rules.d/linux_sshd_authentication.yml
       --rules config/rules.d/linux_sshd_correlation.yml)
pin=(taskset -c 0)
# The same packs with `generate: false`: single failures feed the correlations without an alert
# each, which isolates the correlation engine from alert rendering and output.
sed 's/^generate: true/generate: false/' config/rules.d/linux_sshd_correlation.yml > "$work/corr-only.yml"
quiet=(--rules config/rules.d/linux_sshd_authentication.yml --rules "$work/corr-only.yml")

"$build/bench/tripline_corpus_gen" sshd "$n" "$work/auth-5k.log" 5000
"$build/bench/tripline_corpus_gen" sshd "$n" "$work/auth-1m.log"
# Every line from a new address, all within five minutes: every group is live at once, so only
# rules.correlation.max_groups (LRU) bounds the memory.
"$build/bench/tripline_corpus_gen" sshd "$n" "$work/auth-flood.log" 0 300

# measure NAME CMD...: wall seconds and peak RSS (KiB) of one run, output discarded.
measure() {
  local name=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$work/out" 2> /dev/null || true
  read -r secs rss < "$work/time"
  printf '%-46s %8.2f s %10.0f lines/s %8.1f MiB\n' "$name" "$secs" \
    "$(echo "$n / $secs" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  echo "$secs" > "$work/last"
}

pipeline() {
  grep -oE '(Failed [a-z-]+ for (invalid user )?[^ ]+|Invalid user [^ ]+|authentication failure;.*rhost=[^ ]*)' "$1" |
    sed -E 's/.*from |.*rhost=//' | sort | uniq -c | awk '$1 >= 10' | wc -l
}
export -f pipeline

for corpus in 5k 1m flood; do
  file="$work/auth-$corpus.log"
  case $corpus in
    5k) what="5,000 attacker addresses" ;;
    1m) what="a new address per line, over days" ;;
    flood) what="a new address per line, all within 5 minutes" ;;
  esac
  echo "== $n sshd lines, $what ($(du -h "$file" | cut -f1)), one core"
  measure "tripline replay (sshd packs + correlations)" "${pin[@]}" "$tripline" replay --no-progress "${packs[@]}" "$file"
  t_tl=$(cat "$work/last")
  measure "tripline replay (correlations, no SEV4 alerts)" "${pin[@]}" "$tripline" replay --no-progress "${quiet[@]}" "$file"
  "$tripline" replay --no-progress "${packs[@]}" "$file" 2> /dev/null |
    grep -c '"rule_id":"5b0a7c1e-2f4d-4c61-9a53-0d7e6b1f2a0[125]"' | xargs printf '  correlation alerts: %s\n' || true
  measure "grep | sort | uniq -c (failures per address)" "${pin[@]}" bash -c "pipeline $file"
  t_grep=$(cat "$work/last")
  if command -v fail2ban-regex > /dev/null; then
    (cd "$work" && measure "fail2ban-regex (sshd filter)" "${pin[@]}" fail2ban-regex "$file" /etc/fail2ban/filter.d/sshd.conf)
    t_f2b=$(cat "$work/last")
    printf 'ratio: tripline is %.1fx fail2ban-regex, %.2fx the grep pipeline\n' \
      "$(echo "$t_f2b / $t_tl" | bc -l)" "$(echo "$t_grep / $t_tl" | bc -l)"
  else
    printf 'ratio: tripline is %.2fx the grep pipeline (fail2ban-regex not installed)\n' \
      "$(echo "$t_grep / $t_tl" | bc -l)"
  fi
done
