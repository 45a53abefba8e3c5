#pragma once
#include <string>
#include <vector>

#include "config/config.h"
#include "rules/lua/lua_rule_set.h"

namespace tripline {

// Runs the `tests` tables of Lua rules, with the semantics of Sigma's `tests:`:
//   expect = "match"      the rule alerts on some event
//   expect = "no_match"   it alerts on none
//   expect_alerts = N     it produces exactly N alerts over the events, in order
// Each case gets a fresh matcher over the rule's file (empty, in-memory state). JSON events are
// read like JSON-lines input, `log` lines through the parser of `format` (default: syslog for
// product linux, else jsonl). A case fails when the rule raises an error, with its message.
struct LuaTestResult {
  std::string rule_id;
  std::string rule_title;
  std::string file;
  std::string name;
  SourceMark mark;
  bool passed = false;
  std::string detail;  // why it failed
};

struct LuaTestReport {
  std::vector<LuaTestResult> results;  // in file order
  size_t passed = 0;
  size_t failed = 0;
  size_t rules = 0;
  size_t rules_without_tests = 0;
};

LuaTestReport run_lua_rule_tests(const LuaRuleSet& set);

// promtool-like text in the layout of the Sigma runner: "Unit Testing:  FILE", SUCCESS or
// FAILED with one line per failure (all cases with `verbose`), and a summary line unless
// `summary` is false (the caller sums up the YAML and Lua reports together).
std::string format_lua_test_report(const LuaTestReport& report, bool verbose, bool summary = true);

}  // namespace tripline
