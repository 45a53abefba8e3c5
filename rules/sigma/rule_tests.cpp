#include "rules/sigma/rule_tests.h"

#include <simdjson.h>

#include <map>
#include <memory>

#include "collectors/parsers/parser_factory.h"
#include "rules/sigma/sigma_matcher.h"

namespace tripline::sigma {
namespace {

std::string default_format(const LogSource& ls) {
  if (ls.product == "linux") return "syslog";
  return "jsonl";
}

// What a test case is about: a rule, or a correlation rule (rule == nullptr).
struct Target {
  const CompiledRule* rule = nullptr;
  std::string id;
  std::string title;
  std::string file;
  LogSource logsource;
};

struct CaseRunner {
  SigmaMatcher& matcher;
  const Target& target;
  const TestCase& tc;

  bool build_events(std::vector<Event>& events, std::string& error) {
    // JSON events come from an input of the rule's logsource; log lines from an input of their
    // format's (syslog: linux/auth), which the parser may refine (sshd lines: linux/sshd), as in
    // production.
    const auto json_input = std::make_shared<InputInfo>();
    json_input->name = "rules-test";
    json_input->host = "rules-test";
    json_input->logsource = tc.logsource ? *tc.logsource : target.logsource;
    std::map<std::string, std::shared_ptr<InputInfo>> log_inputs;
    std::map<std::string, std::unique_ptr<Parser>> parsers;
    for (size_t i = 0; i < tc.events.size(); ++i) {
      const TestEvent& te = tc.events[i];
      const std::string format = !tc.format.empty() ? tc.format
                                 : te.is_log        ? default_format(json_input->logsource)
                                                    : "jsonl";
      std::shared_ptr<InputInfo> input = json_input;
      if (te.is_log && !tc.logsource) {
        auto& in = log_inputs[format];
        if (!in) {
          in = std::make_shared<InputInfo>(*json_input);
          const LogSource implied = default_logsource(format);
          if (!implied.empty()) in->logsource = implied;
        }
        input = in;
      }
      if (!te.is_log) {
        simdjson::dom::parser validator;
        simdjson::dom::element doc;
        if (validator.parse(te.text).get(doc) || !doc.is_object()) {
          error = "event " + std::to_string(i + 1) + " is not a JSON object";
          return false;
        }
      }
      auto& parser = parsers[format];
      if (!parser) parser = make_parser(format);
      if (!parser) {
        error = "no parser for format '" + format + "'";
        return false;
      }
      Event ev(input, te.text);
      ev.set_position({target.file + "#" + tc.name, i, i + 1});
      const TimePoint t = Clock::now();
      ev.set_receive_time(t);
      ev.set_event_time(t);
      if (!parser->parse(ev) && !te.is_log) {
        error = "event " + std::to_string(i + 1) + " does not parse as " + format;
        return false;
      }
      if (tc.logsource) ev.set_logsource(*tc.logsource);
      events.push_back(std::move(ev));
    }
    return true;
  }

  TestResult run() {
    TestResult r;
    r.rule = target.rule;
    r.file = target.file;
    r.title = target.title;
    r.name = tc.name;
    r.mark = tc.mark;
    std::vector<Event> events;
    if (!build_events(events, r.detail)) return r;
    std::vector<Alert> alerts;
    size_t rule_alerts = 0;
    long first_match = -1;
    bool routed_any = false;
    for (size_t i = 0; i < events.size(); ++i) {
      alerts.clear();
      matcher.evaluate(events[i], alerts);
      matcher.advance(events[i].event_time(), alerts);
      for (const Alert& a : alerts) rule_alerts += a.rule_id == target.id;
      if (!target.rule) continue;
      const bool routed =
          matcher.rules().catalog->routes(target.rule->logsource, events[i].logsource());
      routed_any |= routed;
      if (first_match < 0 && routed && SigmaMatcher::matches(*target.rule, events[i])) {
        first_match = static_cast<long>(i);
      }
    }
    alerts.clear();
    matcher.finish(alerts);
    for (const Alert& a : alerts) rule_alerts += a.rule_id == target.id;
    if (!target.rule) {
      // A correlation matches when it alerts.
      routed_any = true;
      first_match = rule_alerts > 0 ? 0 : -1;
    }

    switch (tc.expect) {
      case TestCase::Expect::kMatch:
        r.passed = first_match >= 0;
        if (!r.passed) {
          r.detail = routed_any ? "expected a match, no event matched"
                                : "expected a match, but no event has a logsource the rule (" +
                                      target.logsource.to_string() + ") sees";
        }
        break;
      case TestCase::Expect::kNoMatch:
        r.passed = first_match < 0;
        if (!r.passed) {
          r.detail = "expected no match, event " + std::to_string(first_match + 1) + " matched";
        }
        break;
      case TestCase::Expect::kAlerts:
        r.passed = rule_alerts == tc.expect_alerts;
        if (!r.passed) {
          r.detail = "expected " + std::to_string(tc.expect_alerts) + " alerts, got " +
                     std::to_string(rule_alerts);
        }
        break;
    }
    return r;
  }
};


void run_case(const std::shared_ptr<const RuleSet>& set, const Target& target, const TestCase& tc,
              TestReport& report) {
  SigmaMatcher matcher(set);
  // Fresh correlation state per case: a case's alerts must not depend on the cases before it.
  if (set->make_test_observers) {
    for (auto& o : set->make_test_observers()) matcher.add_observer(std::move(o));
  }
  CaseRunner runner{matcher, target, tc};
  TestResult r = runner.run();
  (r.passed ? report.passed : report.failed)++;
  report.results.push_back(std::move(r));
}

}  // namespace

TestReport run_rule_tests(const RuleSet& set) {
  TestReport report;
  // A private view of the set: the tests' alerts must not depend on what ran before.
  auto shared = std::shared_ptr<const RuleSet>(&set, [](const RuleSet*) {});
  for (const auto& rule : set.rules) {
    ++report.rules;
    if (rule->tests.empty()) {
      ++report.rules_without_tests;
      continue;
    }
    const Target target{rule.get(), rule->id, rule->title, rule->file, rule->logsource};
    for (const TestCase& tc : rule->tests) run_case(shared, target, tc, report);
  }
  for (const CorrelationTestTarget& c : set.correlation_tests) {
    ++report.rules;
    if (c.tests.empty()) {
      ++report.rules_without_tests;
      continue;
    }
    const Target target{nullptr, c.id, c.title, c.file, c.logsource};
    for (const TestCase& tc : c.tests) run_case(shared, target, tc, report);
  }
  return report;
}

std::string format_report(const TestReport& report, bool verbose, bool summary) {
  std::string out;
  std::map<std::string, std::vector<const TestResult*>> by_file;
  std::vector<std::string> order;
  for (const TestResult& r : report.results) {
    auto [it, fresh] = by_file.try_emplace(r.file);
    if (fresh) order.push_back(r.file);
    it->second.push_back(&r);
  }
  for (const std::string& file : order) {
    out += "Unit Testing:  " + file + "\n";
    bool ok = true;
    for (const TestResult* r : by_file[file]) ok &= r->passed;
    out += ok ? "  SUCCESS\n" : "  FAILED:\n";
    for (const TestResult* r : by_file[file]) {
      if (r->passed && !verbose) continue;
      const std::string where = r->mark.file + ":" + std::to_string(r->mark.line) + ":" +
                                std::to_string(r->mark.column);
      out += std::string(r->passed ? "    PASS " : "    FAIL ") + where + ": " + r->title +
             " / " + r->name + (r->passed ? "" : ": " + r->detail) + "\n";
    }
    out += "\n";
  }
  if (!summary) return out;
  out += "rules test: " + std::to_string(report.rules) + " rules, " +
         std::to_string(report.passed + report.failed) + " tests, " +
         std::to_string(report.passed) + " passed, " + std::to_string(report.failed) +
         " failed, " + std::to_string(report.rules_without_tests) + " rules without tests\n";
  return out;
}

}  // namespace tripline::sigma
