// Hostile rules: every one is stopped within its budget or refused at load, quarantined and
// counted, while the other rules of the same run keep producing their alerts.
#include <gtest/gtest.h>

#include <thread>

#include "core/metrics.h"
#include "rules/lua/lua_rule_set.h"
#include "rules/matcher_set.h"
#include "rules/rule_loader.h"
#include "tests/rules/lua/lua_test_support.h"

namespace tripline {
namespace {

using lua_test::count_rule;
using lua_test::diag_text;
using lua_test::json_event;
using lua_test::TempDir;

// A YAML (Sigma) rule loaded with the Lua files: the other engine of the same run.
constexpr const char* kYamlProbe = R"YAML(title: Probe seen by YAML
id: yaml-probe
logsource: { product: aws }
detection:
    probe:
        eventName: Probe
    condition: probe
level: low
)YAML";

// What the agent does: load_rules over a directory with YAML and Lua rules, the Lua limits
// from `rules.limits.lua`.
RuleLoadResult load_dir(const TempDir& dir, const LuaLimits& l) {
  RulesConfig config;
  config.paths = {dir.path()};
  config.mark = {"tripline.yaml", 1, 1};
  YAML::Node lua;
  lua["memory"] = std::to_string(l.memory_bytes);
  lua["instructions"] = l.instruction_budget;
  lua["wall_time"] = std::to_string(l.wall_time.count()) + "ms";
  lua["instances"] = l.instances;
  lua["max_errors"] = l.max_errors;
  if (l.quarantine_for.count() > 0) {
    lua["quarantine_for"] = std::to_string(l.quarantine_for.count()) + "ms";
  }
  config.limits["lua"] = lua;
  return load_rules(config, "");
}

constexpr const char* kBenign = R"LUA(
rule { id = "benign-probe", title = "Probe seen", sev = "SEV3", logsource = { product = "aws" },
       match = function(event) return event["eventName"] == "Probe" end }
)LUA";

enum class Outcome {
  kLimit,    // stopped by a limit on the first event, quarantined at once
  kError,    // raises; quarantined after max_errors events
  kStopped,  // either of the above
  kLoad,     // refused at load
};

struct HostileCase {
  const char* name;
  const char* rule;  // a whole rule file
  Outcome outcome;
  const char* expect;         // text expected in the error or diagnostic
  uint64_t instructions = 0;  // budget override (0: the test default)
  int wall_ms = 0;            // wall-clock override
};

std::ostream& operator<<(std::ostream& os, const HostileCase& c) { return os << c.name; }

#define MATCH_RULE(body)                                                                   \
  "rule { id = \"hostile\", title = \"hostile\", sev = \"SEV1\", logsource = { product = " \
  "\"aws\" },\n  match = function(event)\n" body "\n  end }\n"
#define STATEFUL_RULE(body)                                                                \
  "rule { id = \"hostile\", title = \"hostile\", sev = \"SEV1\", logsource = { product = " \
  "\"aws\" },\n  on_event = function(event, state)\n" body "\n  end }\n"

const HostileCase kCases[] = {
    {"infinite_loop", MATCH_RULE("while true do end"), Outcome::kLimit, "instruction budget"},
    {"loop_of_pcall_loops", MATCH_RULE("while true do pcall(function() while true do end end) end"),
     Outcome::kLimit, "instruction budget"},
    {"pcall_swallows_the_budget_error",
     MATCH_RULE("pcall(function() while true do end end) return true"), Outcome::kLimit,
     "instruction budget"},
    {"xpcall_handler_loops",
     MATCH_RULE("xpcall(function() while true do end end, function() while true do end end) "
                "return true"),
     Outcome::kLimit, "instruction budget"},
    {"error_handler_catches_budget_repeatedly",
     MATCH_RULE("for i = 1, 1e9 do pcall(error, 'x') end return true"), Outcome::kLimit,
     "instruction budget"},
    {"string_rep_memory_bomb", MATCH_RULE("local s = string.rep('x', 1 << 40) return #s > 0"),
     Outcome::kLimit, "memory cap"},
    {"string_rep_bomb_inside_pcall", MATCH_RULE("pcall(string.rep, 'x', 1 << 40) return true"),
     Outcome::kLimit, "memory cap"},
    {"string_doubling_bomb", MATCH_RULE("local s = 'x' for i = 1, 64 do s = s .. s end"),
     Outcome::kLimit, "memory cap", 1'000'000'000},
    {"table_growth_bomb", MATCH_RULE("local t = {} while true do t[#t + 1] = {} end"),
     Outcome::kLimit, "memory cap", 1'000'000'000},
    {"table_growth_bomb_in_budget",
     MATCH_RULE("local t = {} for i = 1, math.maxinteger do t[i] = i end"), Outcome::kLimit, ""},
    {"deep_recursion", MATCH_RULE("local function f(n) return f(n + 1) + 1 end return f(1)"),
     Outcome::kStopped, ""},
    {"deep_recursion_past_the_budget",
     MATCH_RULE("local function f(n) return f(n + 1) + 1 end return f(1)"), Outcome::kStopped, "",
     1'000'000'000},
    {"c_stack_recursion_through_pcall",
     MATCH_RULE("local function f() local ok, e = pcall(f) error(e, 0) end f()"), Outcome::kStopped,
     "stack overflow"},
    {"io_open", MATCH_RULE("return io.open('/etc/passwd')"), Outcome::kError, "global 'io'"},
    {"os_execute", MATCH_RULE("return os.execute('id')"), Outcome::kError, "field 'execute'"},
    {"os_getenv", MATCH_RULE("return os.getenv('HOME')"), Outcome::kError, "field 'getenv'"},
    {"require", MATCH_RULE("return require('io')"), Outcome::kError, "global 'require'"},
    {"load", MATCH_RULE("return load('return 1')()"), Outcome::kError, "global 'load'"},
    {"loadstring", MATCH_RULE("return loadstring('return 1')()"), Outcome::kError,
     "global 'loadstring'"},
    {"loadfile", MATCH_RULE("return loadfile('/etc/passwd')"), Outcome::kError,
     "global 'loadfile'"},
    {"dofile", MATCH_RULE("return dofile('/etc/passwd')"), Outcome::kError, "global 'dofile'"},
    {"string_dump", MATCH_RULE("return string.dump(function() end)"), Outcome::kError,
     "field 'dump'"},
    {"string_dump_as_method", MATCH_RULE("return ('x').dump(function() end)"), Outcome::kError,
     "field 'dump'"},
    {"debug_sethook", MATCH_RULE("debug.sethook() return true"), Outcome::kError, "global 'debug'"},
    {"setmetatable_on_globals", MATCH_RULE("setmetatable(_G, {}) return true"), Outcome::kError,
     "protected metatable"},
    {"setmetatable_on_string_library", MATCH_RULE("setmetatable(string, {}) return true"),
     Outcome::kError, "protected metatable"},
    {"rawset_on_globals", MATCH_RULE("rawset(_G, 'x', 1) return true"), Outcome::kError,
     "read-only"},
    {"assign_global", MATCH_RULE("x = 1 return true"), Outcome::kError, "read-only after load"},
    {"patch_library", MATCH_RULE("string.rep = function() end return true"), Outcome::kError,
     "read-only"},
    {"reach_string_metatable", MATCH_RULE("getmetatable('').__index.rep = nil return true"),
     Outcome::kError, "boolean value"},
    {"coroutine_wrapped_loop",
     MATCH_RULE("coroutine.wrap(function() while true do end end)() return true"), Outcome::kError,
     "global 'coroutine'"},
    {"collectgarbage", MATCH_RULE("collectgarbage('stop') return true"), Outcome::kError,
     "global 'collectgarbage'"},
    {"gc_finalizer",
     MATCH_RULE("setmetatable({}, { __gc = function() while true do end end }) return true"),
     Outcome::kError, "__gc"},
    {"print_to_stdout", MATCH_RULE("print('x') return true"), Outcome::kError, "global 'print'"},
    {"pattern_backtracking_bomb",
     MATCH_RULE("return string.find(string.rep('a', 3000), string.rep('a*', 12) .. 'b')"),
     Outcome::kLimit, "instruction budget"},
    {"gsub_callback_loop",
     MATCH_RULE("string.gsub('aaa', 'a', function() while true do end end) return true"),
     Outcome::kLimit, "instruction budget"},
    {"tostring_metamethod_loop",
     MATCH_RULE("return tostring(setmetatable({}, { __tostring = function() while true do end end "
                "}))"),
     Outcome::kLimit, "instruction budget"},
    {"sort_comparator_loop",
     MATCH_RULE("table.sort({3, 2, 1}, function() while true do end end) return true"),
     Outcome::kLimit, "instruction budget"},
    {"table_move_bomb", MATCH_RULE("table.move({}, 1, math.maxinteger // 2, 2) return true"),
     Outcome::kLimit, "instruction budget"},
    {"wall_clock_guard", MATCH_RULE("while true do end"), Outcome::kLimit, "wall-clock limit",
     1'000'000'000'000, 50},
    {"alert_flood", STATEFUL_RULE("for i = 1, 1000 do alert {} end"), Outcome::kError,
     "more than 16 alerts"},
    {"state_key_flood", STATEFUL_RULE("for i = 1, math.maxinteger do state:set('k' .. i, i) end"),
     Outcome::kLimit, "instruction budget"},
    {"close_handler_loops_while_unwinding",
     MATCH_RULE("local guard <close> = setmetatable({}, { __close = function() while true do end "
                "end }) while true do end"),
     Outcome::kLimit, "instruction budget"},
    {"close_handler_loops_after_pcall",
     MATCH_RULE("pcall(function() local g <close> = setmetatable({}, { __close = function() "
                "while true do end end }) error('x') end) return true"),
     Outcome::kLimit, "instruction budget"},
    {"error_object_with_looping_tostring",
     MATCH_RULE("error(setmetatable({}, { __tostring = function() while true do end end }))"),
     Outcome::kError, "error object is a table"},
    {"unpack_bomb", MATCH_RULE("return select('#', table.unpack({}, 1, 1e7))"), Outcome::kLimit,
     "instruction budget"},
    {"huge_error_message", MATCH_RULE("error(string.rep('x', 1 << 20))"), Outcome::kError,
     "xxx..."},
    {"huge_alert_title", STATEFUL_RULE("alert { title = string.rep('t', 1 << 20) }"),
     Outcome::kError, "title longer than 1024 bytes"},
    {"huge_alert_field", STATEFUL_RULE("alert { fields = { x = string.rep('v', 1 << 20) } }"),
     Outcome::kError, "at most 4096 bytes"},
    {"bytecode_chunk", "\x1bLua\x54\x00 precompiled", Outcome::kLoad, "precompiled"},
    {"top_level_infinite_loop", "while true do end", Outcome::kLoad, "loading stopped"},
    {"top_level_io_open", "local f = io.open('/etc/passwd')", Outcome::kLoad, "global 'io'"},
    {"top_level_coroutine", "coroutine.wrap(function() while true do end end)()", Outcome::kLoad,
     "global 'coroutine'"},
};

class HostileRuleTest : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileRuleTest, IsStoppedQuarantinedAndCountedWhileOtherRulesAlert) {
  const HostileCase& c = GetParam();
  TempDir dir;
  const auto hostile = dir.write("hostile.lua", c.rule);
  dir.write("benign.lua", kBenign);
  dir.write("probe.yml", kYamlProbe);
  LuaLimits limits = lua_test::test_limits();
  if (c.instructions) limits.instruction_budget = c.instructions;
  if (c.wall_ms) limits.wall_time = std::chrono::milliseconds(c.wall_ms);
  RuleLoadResult loaded = load_dir(dir, limits);

  if (c.outcome == Outcome::kLoad) {
    EXPECT_FALSE(loaded.matcher) << "a hostile file must not load";
    const std::string text = diag_text(loaded.diagnostics);
    EXPECT_NE(text.find(hostile), std::string::npos) << text;
    EXPECT_NE(text.find(c.expect), std::string::npos) << text;
    return;
  }
  ASSERT_TRUE(loaded.matcher) << diag_text(loaded.diagnostics);
  ASSERT_TRUE(loaded.lua_rules);
  Matcher& run = *loaded.matcher;
  LuaMatcher& lua = *loaded.lua_rules->matcher;
  auto& errors_metric = Metrics::global().rule_errors("hostile");
  const double errors_before = errors_metric.Value();

  const int events = static_cast<int>(limits.max_errors) + 3;
  int quarantined_at = -1;
  size_t quarantine_alerts = 0;
  size_t benign_alerts = 0;
  size_t yaml_alerts = 0;
  size_t hostile_alerts = 0;
  for (int i = 0; i < events; ++i) {
    std::vector<Alert> alerts;
    run.evaluate(json_event(R"({"eventName":"Probe","eventID":")" + std::to_string(i) + R"("})"),
                 alerts);
    for (const Alert& a : alerts) {
      if (a.rule_id == LuaMatcher::kQuarantineRuleId) {
        ++quarantine_alerts;
        EXPECT_EQ(a.sev, Sev::kSev3);
        EXPECT_EQ(a.group,
                  (std::vector<std::pair<std::string, std::string>>{{"rule_id", "hostile"}}));
        if (quarantined_at < 0) quarantined_at = i;
      }
    }
    benign_alerts += count_rule(alerts, "benign-probe");
    yaml_alerts += count_rule(alerts, "yaml-probe");
    hostile_alerts += count_rule(alerts, "hostile");
  }
  const auto status = lua.status("hostile");
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->quarantined);
  EXPECT_EQ(quarantine_alerts, 1u) << "one self-alert per quarantine";
  EXPECT_EQ(hostile_alerts, 0u) << "a failed call produces no alerts";
  EXPECT_EQ(benign_alerts, static_cast<size_t>(events)) << "other Lua rules keep alerting";
  EXPECT_EQ(yaml_alerts, static_cast<size_t>(events)) << "the YAML rule keeps alerting";
  EXPECT_EQ(errors_metric.Value() - errors_before, static_cast<double>(status->errors));
  EXPECT_GE(status->errors, 1u);
  // A loop that is slow per instruction (state writes under ASan on a loaded machine) may meet the
  // wall-clock limit before the instruction budget: either limit stopping it is the behaviour.
  const bool other_limit = c.outcome == Outcome::kLimit &&
                           status->last_error.find("wall-clock limit") != std::string::npos;
  EXPECT_TRUE(other_limit || status->last_error.find(c.expect) != std::string::npos)
      << status->last_error;
  EXPECT_NE(status->last_error.find("hostile.lua:"), std::string::npos) << status->last_error;
  EXPECT_LT(status->last_error.size(), 2048u) << "error texts stay short";
  switch (c.outcome) {
    case Outcome::kLimit:
      EXPECT_EQ(quarantined_at, 0) << "a limit quarantines at once";
      EXPECT_EQ(status->errors, 1u);
      break;
    case Outcome::kError:
      EXPECT_EQ(quarantined_at, static_cast<int>(limits.max_errors) - 1);
      EXPECT_EQ(status->errors, limits.max_errors) << "a quarantined rule no longer runs";
      break;
    default:
      EXPECT_GE(quarantined_at, 0);
      EXPECT_LT(quarantined_at, static_cast<int>(limits.max_errors));
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(Sandbox, HostileRuleTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(LuaSandboxTest, HostileRuleUnderConcurrentEvaluationStaysContained) {
  TempDir dir;
  dir.write("hostile.lua", MATCH_RULE("while true do end"));
  dir.write("benign.lua", kBenign);
  dir.write("probe.yml", kYamlProbe);
  LuaLimits limits = lua_test::test_limits();
  limits.instances = 2;
  RuleLoadResult loaded = load_dir(dir, limits);
  ASSERT_TRUE(loaded.matcher) << diag_text(loaded.diagnostics);
  Matcher& run = *loaded.matcher;
  constexpr int kThreads = 4;
  constexpr int kEvents = 300;
  std::vector<std::vector<Alert>> per_thread(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEvents; ++i) {
        run.evaluate(json_event(R"({"eventName":"Probe","eventID":")" + std::to_string(t) + "-" +
                                std::to_string(i) + R"("})"),
                     per_thread[t]);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<Alert> all;
  for (auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
  EXPECT_EQ(count_rule(all, "benign-probe"), size_t{kThreads * kEvents});
  EXPECT_EQ(count_rule(all, "yaml-probe"), size_t{kThreads * kEvents});
  EXPECT_EQ(count_rule(all, "hostile"), 0u);
  EXPECT_EQ(count_rule(all, LuaMatcher::kQuarantineRuleId), 1u);
  EXPECT_TRUE(loaded.lua_rules->matcher->status("hostile")->quarantined);
}

TEST(LuaSandboxTest, QuarantineEndsAfterQuarantineFor) {
  TempDir dir;
  const auto file =
      dir.write("flaky.lua", MATCH_RULE("if event['fail'] then error('boom') end return true"));
  LuaLimits limits = lua_test::test_limits();
  limits.max_errors = 1;
  limits.quarantine_for = std::chrono::milliseconds(50);
  auto loaded = lua_test::load({file}, limits);
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  std::vector<Alert> alerts;
  loaded.set.matcher->evaluate(json_event(R"({"fail":true})"), alerts);
  EXPECT_TRUE(loaded.set.matcher->status("hostile")->quarantined);
  alerts.clear();
  loaded.set.matcher->evaluate(json_event(R"({"eventID":"a"})"), alerts);
  EXPECT_EQ(count_rule(alerts, "hostile"), 0u) << "skipped while quarantined";
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  loaded.set.matcher->evaluate(json_event(R"({"eventID":"b"})"), alerts);
  EXPECT_EQ(count_rule(alerts, "hostile"), 1u) << "back after quarantine_for";
}

TEST(LuaSandboxTest, RuleReRaisingErrorsBelowThresholdStaysEnabled) {
  TempDir dir;
  const auto file =
      dir.write("flaky.lua", MATCH_RULE("if event['fail'] then error('boom') end return true"));
  auto loaded = lua_test::load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  std::vector<Alert> alerts;
  for (int i = 0; i < 4; ++i) loaded.set.matcher->evaluate(json_event(R"({"fail":true})"), alerts);
  loaded.set.matcher->evaluate(json_event(R"({"eventID":"ok"})"), alerts);
  EXPECT_EQ(count_rule(alerts, "hostile"), 1u);
  EXPECT_FALSE(loaded.set.matcher->status("hostile")->quarantined);
  EXPECT_EQ(loaded.set.matcher->status("hostile")->errors, 4u);
}

TEST(LuaSandboxTest, OtherRulesOfTheSameFileRunOnARebuiltStateAfterAMemoryBomb) {
  TempDir dir;
  const auto file = dir.write("shared.lua", R"LUA(
local hoard = {}
rule { id = "hoarder", title = "t", sev = "SEV1", logsource = { product = "aws" },
  match = function(event) while true do hoard[#hoard + 1] = string.rep("x", 1000) .. #hoard end end }
rule { id = "neighbour", title = "t", sev = "SEV3", logsource = { product = "aws" },
  match = function(event) local t = {} for i = 1, 1000 do t[i] = tostring(i) end return #t == 1000 end }
)LUA");
  LuaLimits limits = lua_test::test_limits();
  limits.instruction_budget = 1'000'000'000;
  auto loaded = lua_test::load({file}, limits);
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  std::vector<Alert> alerts;
  for (int i = 0; i < 3; ++i) {
    loaded.set.matcher->evaluate(json_event(R"({"eventID":")" + std::to_string(i) + R"("})"),
                                 alerts);
  }
  EXPECT_TRUE(loaded.set.matcher->status("hoarder")->quarantined);
  EXPECT_NE(loaded.set.matcher->status("hoarder")->last_error.find("memory cap"),
            std::string::npos);
  EXPECT_EQ(count_rule(alerts, "neighbour"), 3u);
  EXPECT_EQ(loaded.set.matcher->status("neighbour")->errors, 0u);
}

TEST(LuaSandboxTest, SandboxOffersOnlyTheSafeGlobals) {
  TempDir dir;
  const auto file = dir.write("globals.lua", R"LUA(
local expected = {
  assert = true, error = true, getmetatable = true, ipairs = true, next = true, pairs = true,
  pcall = true, rawequal = true, rawget = true, rawlen = true, rawset = true, select = true,
  setmetatable = true, tonumber = true, tostring = true, type = true, xpcall = true,
  string = true, table = true, math = true, utf8 = true, os = true,
  rule = true, alert = true, re_match = true, cidr_match = true, json_decode = true,
  url_decode = true, parse_time = true, log = true, json_null = true,
}
local absent = { "io", "package", "require", "load", "loadstring", "loadfile", "dofile",
  "debug", "collectgarbage", "print", "coroutine", "module", "setfenv", "getfenv", "warn",
  "newproxy", "gcinfo" }
for _, name in ipairs(absent) do assert(_G[name] == nil, name .. " is reachable") end
for name in pairs(expected) do assert(_G[name] ~= nil, name .. " is missing") end
assert(os.execute == nil and os.getenv == nil and os.remove == nil and os.exit == nil)
assert(string.dump == nil and ("").dump == nil)
assert(getmetatable("") == false and getmetatable(_G) == false and getmetatable(string) == false)
rule { id = "ok", title = "t", sev = "SEV3", logsource = { product = "aws" },
       match = function() return true end }
)LUA");
  auto loaded = lua_test::load({file});
  EXPECT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
}

}  // namespace
}  // namespace tripline
