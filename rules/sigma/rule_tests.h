#pragma once
#include <string>
#include <vector>

#include "rules/sigma/rule_set.h"

namespace tripline::sigma {

// Runs the `tests:` embedded in rules (Tripline extension) against the whole compiled set, so
// filters and routing apply as in production:
//   expect: match      some event routes to the rule and satisfies it
//   expect: no_match   none does
//   expect_alerts: N   the rule produces exactly N alerts over the events (in order)
// JSON events are read like JSON-lines input; `log` lines go through the parser of `format`
// (default: syslog for product linux) and may be re-routed by it (sshd lines → linux/sshd).
// Correlation rules' `tests:` run the same way; for them `expect: match` means at least one
// alert of the correlation, `no_match` none.
struct TestResult {
  const CompiledRule* rule = nullptr;  // null for a correlation rule's test
  std::string file;                    // of the rule or correlation
  std::string title;
  std::string name;
  SourceMark mark;
  bool passed = false;
  std::string detail;  // why it failed
};

struct TestReport {
  std::vector<TestResult> results;  // in rule-file order
  size_t passed = 0;
  size_t failed = 0;
  size_t rules = 0;
  size_t rules_without_tests = 0;
};

TestReport run_rule_tests(const RuleSet& set);

// promtool-like text: per file "Unit Testing:  FILE" then SUCCESS or FAILED with each failure
// as file:line:col; a summary line at the end (unless `summary` is false: the caller sums up
// several engines' reports). `verbose` lists passing cases too.
std::string format_report(const TestReport& report, bool verbose, bool summary = true);

}  // namespace tripline::sigma
