#include "rules/lua/lua_rule_tests.h"

#include <simdjson.h>

#include <map>
#include <memory>

#include "collectors/parsers/parser_factory.h"
#include "rules/lua/lua_file_instance.h"

namespace tripline {
namespace {

std::string default_format(const LogSource& ls) {
  return ls.product == "linux" ? "syslog" : "jsonl";
}

bool sees(const LogSource& rule, const LogSource& event) {
  return (rule.product.empty() || rule.product == event.product) &&
         (rule.service.empty() || rule.service == event.service) &&
         (rule.category.empty() || rule.category == event.category);
}

bool build_events(const LuaRuleInfo& rule, const LuaRuleTest& test, std::vector<Event>& events,
                  std::string& error) {
  auto input = std::make_shared<InputInfo>();
  input->name = "rules-test";
  input->host = "rules-test";
  input->logsource = test.logsource ? *test.logsource : rule.logsource;
  std::map<std::string, std::unique_ptr<Parser>> parsers;
  simdjson::dom::parser validator;
  for (size_t i = 0; i < test.events.size(); ++i) {
    const LuaTestEvent& te = test.events[i];
    const std::string format = !test.format.empty() ? test.format
                               : te.is_log          ? default_format(input->logsource)
                                                    : "jsonl";
    if (!te.is_log) {
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
    ev.set_position({rule.file + "#" + test.name, i, i + 1});
    const TimePoint t = Clock::now();
    ev.set_receive_time(t);
    ev.set_event_time(t);
    if (!parser->parse(ev) && !te.is_log) {
      error = "event " + std::to_string(i + 1) + " does not parse as " + format;
      return false;
    }
    if (test.logsource) ev.set_logsource(*test.logsource);
    events.push_back(std::move(ev));
  }
  return true;
}

LuaTestResult run_case(const std::shared_ptr<const LuaProgram>& program, size_t file_index,
                       const LuaRuleInfo& rule, const LuaRuleTest& test) {
  LuaTestResult r;
  r.rule_id = rule.id;
  r.rule_title = rule.title;
  r.file = rule.file;
  r.name = test.name;
  r.mark = test.mark;
  std::vector<Event> events;
  if (!build_events(rule, test, events, r.detail)) return r;
  Diagnostics diags;
  auto matcher = LuaMatcher::create(program, {file_index}, {}, diags);
  if (!matcher) {
    r.detail = "the rule file does not load: " +
               (diags.items.empty() ? std::string("unknown error") : diags.items[0].to_string());
    return r;
  }
  uint64_t alerts_seen = 0;
  bool routed = false;
  std::vector<Alert> alerts;
  for (const Event& ev : events) {
    alerts.clear();
    matcher->evaluate(ev, alerts);
    matcher->advance(ev.event_time(), alerts);
    routed = routed || sees(rule.logsource, ev.logsource());
    for (const Alert& a : alerts) alerts_seen += a.rule_id == rule.id;
  }
  alerts.clear();
  matcher->finish(alerts);
  for (const Alert& a : alerts) alerts_seen += a.rule_id == rule.id;
  if (const auto status = matcher->status(rule.id); status && status->errors > 0) {
    r.detail = "the rule raised an error: " + status->last_error;
    return r;
  }
  const std::string unrouted =
      "no event has a logsource the rule (" + rule.logsource.to_string() + ") sees";
  switch (test.expect) {
    case LuaRuleTest::Expect::kMatch:
      r.passed = alerts_seen > 0;
      if (!r.passed) r.detail = routed ? "expected a match, no event matched" : unrouted;
      break;
    case LuaRuleTest::Expect::kNoMatch:
      r.passed = alerts_seen == 0;
      if (!r.passed) r.detail = "expected no match, got " + std::to_string(alerts_seen) + " alerts";
      break;
    case LuaRuleTest::Expect::kAlerts:
      r.passed = alerts_seen == test.expect_alerts;
      if (!r.passed) {
        r.detail = "expected " + std::to_string(test.expect_alerts) + " alerts, got " +
                   std::to_string(alerts_seen) + (routed ? "" : " (" + unrouted + ")");
      }
      break;
  }
  return r;
}

}  // namespace

LuaTestReport run_lua_rule_tests(const LuaRuleSet& set) {
  LuaTestReport report;
  if (!set.program) return report;
  // Tests never touch the persisted state, and one state per file is enough.
  auto program = std::make_shared<LuaProgram>(*set.program);
  program->state_dir.clear();
  program->limits.instances = 1;
  for (size_t f = 0; f < program->files.size(); ++f) {
    const LuaRuleFile& file = program->files[f];
    for (const LuaRuleInfo& rule : file.rules) {
      ++report.rules;
      bool any = false;
      for (const LuaRuleTest& test : file.tests) {
        if (test.rule_id != rule.id) continue;
        any = true;
        LuaTestResult r = run_case(program, f, rule, test);
        (r.passed ? report.passed : report.failed)++;
        report.results.push_back(std::move(r));
      }
      if (!any) ++report.rules_without_tests;
    }
  }
  return report;
}

std::string format_lua_test_report(const LuaTestReport& report, bool verbose, bool summary) {
  std::string out;
  std::map<std::string, std::vector<const LuaTestResult*>> by_file;
  std::vector<std::string> order;
  for (const LuaTestResult& r : report.results) {
    auto [it, fresh] = by_file.try_emplace(r.file);
    if (fresh) order.push_back(r.file);
    it->second.push_back(&r);
  }
  for (const std::string& file : order) {
    out += "Unit Testing:  " + file + "\n";
    bool ok = true;
    for (const LuaTestResult* r : by_file[file]) ok = ok && r->passed;
    out += ok ? "  SUCCESS\n" : "  FAILED:\n";
    for (const LuaTestResult* r : by_file[file]) {
      if (r->passed && !verbose) continue;
      const std::string where =
          r->mark.file + ":" + std::to_string(r->mark.line) + ":" + std::to_string(r->mark.column);
      out += std::string(r->passed ? "    PASS " : "    FAIL ") + where + ": " + r->rule_title +
             " / " + r->name + (r->passed ? "" : ": " + r->detail) + "\n";
    }
    out += "\n";
  }
  if (!summary) return out;
  out += "rules test: " + std::to_string(report.rules) + " rules, " +
         std::to_string(report.passed + report.failed) + " tests, " +
         std::to_string(report.passed) + " passed, " + std::to_string(report.failed) + " failed, " +
         std::to_string(report.rules_without_tests) + " rules without tests\n";
  return out;
}

}  // namespace tripline
