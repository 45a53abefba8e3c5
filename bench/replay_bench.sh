#!/usr/bin/env bash
# Whole-process replay benchmark: generates 1M sshd lines and 1M CloudTrail events (~800 B), then
# times `tripline replay` on each next to the peers named in issue 2 on the same files in the same
# run — jq (select CreateUser), grep -c, and fail2ban-regex when installed — and prints events/s
# and ratios. Also replays the gzip archive and reports peak RSS.
# usage: bench/replay_bench.sh [BUILD_DIR] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tripline="$build/agent/tripline"

"$build/bench/tripline_corpus_gen" sshd "$n" "$work/auth.log"
"$build/bench/tripline_corpus_gen" cloudtrail "$n" "$work/cloudtrail.jsonl"
gzip -k -1 "$work/cloudtrail.jsonl"

# seconds CMD...: wall time of one run, output discarded.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
rate() { echo "$n / $1" | bc -l | xargs printf '%.0f'; }
row() { printf '%-44s %10.3f s %12s events/s\n' "$1" "$2" "$(rate "$2")"; }

echo "== CloudTrail, $n events ($(du -h "$work/cloudtrail.jsonl" | cut -f1))"
t_tl=$(seconds "$tripline" replay --no-progress --rules bench/rules/create_user.yml "$work/cloudtrail.jsonl")
t_jq=$(seconds jq -c 'select(.eventName=="CreateUser")' "$work/cloudtrail.jsonl")
t_grep=$(seconds grep -c '"eventName":"CreateUser"' "$work/cloudtrail.jsonl")
row "tripline replay (Sigma rule, CreateUser)" "$t_tl"
row "jq -c 'select(.eventName==\"CreateUser\")'" "$t_jq"
row "grep -c" "$t_grep"
printf 'ratio: tripline is %.1fx jq, %.2fx grep\n' "$(echo "$t_jq / $t_tl" | bc -l)" \
  "$(echo "$t_grep / $t_tl" | bc -l)"

echo "== CloudTrail .gz archive: peak RSS"
/usr/bin/time -f '%M KiB max RSS, %e s' "$tripline" replay --no-progress \
  --rules bench/rules/create_user.yml "$work/cloudtrail.jsonl.gz" > /dev/null

echo "== sshd, $n lines ($(du -h "$work/auth.log" | cut -f1))"
t_tl=$(seconds "$tripline" replay --no-progress --rules bench/rules/sshd_failed.yml "$work/auth.log")
t_grep=$(seconds grep -c 'Failed password' "$work/auth.log")
row "tripline replay (Sigma rule, sshd failures)" "$t_tl"
row "grep -c 'Failed password'" "$t_grep"
if command -v fail2ban-regex > /dev/null; then
  t_f2b=$(seconds fail2ban-regex "$work/auth.log" /etc/fail2ban/filter.d/sshd.conf)
  row "fail2ban-regex (sshd filter)" "$t_f2b"
  printf 'ratio: tripline is %.1fx fail2ban-regex\n' "$(echo "$t_f2b / $t_tl" | bc -l)"
else
  echo "fail2ban-regex not installed (apt-get install fail2ban) - skipped"
fi
