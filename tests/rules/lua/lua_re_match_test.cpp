// re_match runs on RE2: a pattern that makes backtracking engines explode costs work linear in
// the subject. The work is read from the budget accounting (VM instructions plus what the
// helpers charge for the bytes they scan), not from a clock.
#include <gtest/gtest.h>

#include "rules/lua/lua_file_instance.h"
#include "tests/rules/lua/lua_test_support.h"

namespace tripline {
namespace {

using lua_test::json_event;

constexpr const char* kCatastrophicRule = R"LUA(
rule { id = "catastrophic", title = "t", sev = "SEV3", logsource = { product = "aws" },
  match = function(event)
    local n = event["n"]
    local s = string.rep("a", n) .. "!"
    -- (a+)+$ against a run of a's followed by a non-matching byte: exponential for a
    -- backtracking engine, one pass for RE2.
    return re_match(s, "(a+)+$") == false and re_match(s, "^(a|aa)+$") == false
  end }
)LUA";

struct Work {
  bool matched = false;
  bool ok = false;
  uint64_t units = 0;
};

Work run_lines(lua::LuaFileInstance& inst, int n) {
  Work w;
  bool matched = false;
  const lua::CallOutcome out =
      inst.evaluate(0, json_event(R"({"n":)" + std::to_string(n) + "}"), 0, matched);
  w.ok = out.ok;
  w.matched = matched;
  w.units = inst.vm().last_call_units();
  return w;
}

TEST(LuaReMatchTest, CatastrophicPatternCostsWorkLinearInTheSubject) {
  LuaLimits limits = lua_test::test_limits();
  limits.instruction_budget = 1'000'000;
  Diagnostics diags;
  auto inst = lua::LuaFileInstance::build("catastrophic.lua", kCatastrophicRule, limits, diags);
  ASSERT_TRUE(inst) << lua_test::diag_text(diags);

  const Work w100k = run_lines(*inst, 100 * 1024);
  ASSERT_TRUE(w100k.ok);
  EXPECT_TRUE(w100k.matched) << "both patterns correctly fail to match";
  // Building the subject (string.rep, the concatenation) and two scans of it: a few units per
  // 64 bytes, nowhere near the budget a backtracking engine would need (2^100000 steps).
  const uint64_t n = 100 * 1024;
  EXPECT_LE(w100k.units, n / 4) << "work bounded linearly in the subject";

  const Work w200k = run_lines(*inst, 200 * 1024);
  ASSERT_TRUE(w200k.ok);
  EXPECT_TRUE(w200k.matched);
  const double ratio = static_cast<double>(w200k.units) / static_cast<double>(w100k.units);
  EXPECT_GT(ratio, 1.6);
  EXPECT_LT(ratio, 2.4) << "twice the subject, twice the work";
}

TEST(LuaReMatchTest, InvalidPatternIsARuleError) {
  LuaLimits limits = lua_test::test_limits();
  Diagnostics diags;
  auto inst = lua::LuaFileInstance::build("bad.lua", R"LUA(
rule { id = "bad-re", title = "t", sev = "SEV3", logsource = { product = "aws" },
       match = function(event) return re_match("x", "(unclosed") end }
)LUA",
                                          limits, diags);
  ASSERT_TRUE(inst) << lua_test::diag_text(diags);
  bool matched = false;
  const lua::CallOutcome out = inst->evaluate(0, json_event("{}"), 0, matched);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.violation, lua::Violation::kNone);
  EXPECT_NE(out.error.find("re_match: invalid pattern"), std::string::npos) << out.error;
  EXPECT_EQ(out.line, 3);
}

}  // namespace
}  // namespace tripline
