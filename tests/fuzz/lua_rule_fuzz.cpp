// Lua rule loader: one rule file run in the sandbox under the load limits, its rule{...}
// declarations checked, the matcher built and evaluated against sample events, its `tests` run.
// Properties: the sandbox limits hold whatever the source does. Loading and each evaluation
// stop within their wall-time limit (plus slack for the sanitizers; measured in this thread's CPU
// time, so a starved fuzzer does not report a limit that held), memory stays under the
// fuzzer's RSS limit, no escape from the sandbox crashes the process.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/lua/lua_rule_set.h"
#include "rules/lua/lua_rule_tests.h"
#include "tests/fuzz/fuzz_events.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using std::chrono::milliseconds;
using tripline::fuzz::thread_cpu_time;

// Small limits keep hostile inputs (endless loops, allocation bombs) cheap to refuse; they are
// the same limits a deployment sets in rules.limits.lua, just tighter.
tripline::LuaLimits fuzz_limits() {
  tripline::LuaLimits l;
  l.memory_bytes = 16ULL << 20;
  l.instruction_budget = 100'000;
  l.wall_time = milliseconds(100);
  l.load_instruction_budget = 200'000;
  l.load_wall_time = milliseconds(200);
  l.instances = 1;
  l.max_file_bytes = 64 << 10;
  l.json_max_bytes = 64 << 10;
  return l;
}

// How far past a wall-time limit a call may finish: the limit is checked between instructions
// and by the C helpers, and the sanitizers slow both down.
constexpr milliseconds kSlack{2000};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tripline::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tripline;
  static const fuzz::ScratchDir dir("lua");
  static const LuaLimits limits = fuzz_limits();
  const std::string file =
      dir.write("rule.lua", std::string_view(reinterpret_cast<const char*>(data), size));

  Diagnostics diags;
  LuaLoadOptions options;
  options.limits = limits;
  const auto load_start = thread_cpu_time();
  LuaRuleSet set = load_lua_rules({file}, options, diags);
  fuzz::check(thread_cpu_time() - load_start < limits.load_wall_time + kSlack);
  for (const Diagnostic& d : diags.items) d.to_string();
  if (!set.matcher) return 0;

  std::vector<Alert> alerts;
  for (const Event& event : fuzz::sample_events()) {
    Event copy = event;
    const auto start = thread_cpu_time();
    set.matcher->evaluate(copy, alerts);
    // Every rule of the file may run once per event, each under its own budget.
    fuzz::check(thread_cpu_time() - start <
                (limits.wall_time + kSlack) * static_cast<int>(set.rules.size() + 1));
  }
  set.matcher->advance(fuzz::sample_events().back().event_time(), alerts);
  set.matcher->finish(alerts);
  // A quarantined rule says so with one self-alert; no rule alerts more than its cap per event.
  fuzz::check(alerts.size() <=
              (limits.max_alerts_per_event + 1) * set.rules.size() * fuzz::sample_events().size() +
                  set.rules.size());
  if (!set.tests.empty()) run_lua_rule_tests(set);
  return 0;
}
