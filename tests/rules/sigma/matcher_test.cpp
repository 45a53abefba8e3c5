// The Matcher: logsource routing, the literal index, alerts, severity, filters, concurrency.
#include "rules/sigma/sigma_matcher.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/metrics.h"
#include "tests/rules/sigma/sigma_test_util.h"

namespace tripline::sigma::testing {
namespace {

std::string rule(const std::string& id, const std::string& logsource, const std::string& detection,
                 const std::string& extra = "level: high\n") {
  return "title: Rule " + id + "\nid: " + id + "\nlogsource: " + logsource + "\ndetection:\n" +
         detection + extra + "---\n";
}

std::vector<std::string> rule_ids(const std::vector<Alert>& alerts) {
  std::vector<std::string> out;
  for (const Alert& a : alerts) out.push_back(a.rule_id);
  return out;
}

const LogSource kCloudTrail{"aws", "cloudtrail", ""};

TEST(SigmaRouting, RulesOnlySeeEventsOfTheirLogsource) {
  Compiled c = compile_text(
      rule("aws-rule", "{product: aws, service: cloudtrail}",
           "    s:\n        eventName: StopLogging\n    condition: s\n") +
      rule("linux-rule", "{product: linux}", "    k:\n        - StopLogging\n    condition: k\n"));
  ASSERT_NE(c.set, nullptr) << c.dump();
  SigmaMatcher m(c.set);
  std::vector<Alert> alerts;
  m.evaluate(json_event(R"({"eventName":"StopLogging"})", kCloudTrail), alerts);
  EXPECT_EQ(rule_ids(alerts), std::vector<std::string>{"aws-rule"});
  alerts.clear();
  m.evaluate(text_event("StopLogging was called", {"linux", "auth", ""}), alerts);
  EXPECT_EQ(rule_ids(alerts), std::vector<std::string>{"linux-rule"});
  alerts.clear();
  m.evaluate(json_event(R"({"eventName":"StopLogging"})", {"gcp", "gcp.audit", ""}), alerts);
  EXPECT_TRUE(alerts.empty());
}

TEST(SigmaRouting, SshdLinesAreAuthEventsToo) {
  Compiled c = compile_text(
      rule("auth-rule", "{product: linux, service: auth}",
           "    k:\n        - 'Invalid user'\n    condition: k\n") +
      rule("sshd-rule", "{product: linux, service: sshd}",
           "    k:\n        - 'Invalid user'\n    condition: k\n"));
  ASSERT_NE(c.set, nullptr) << c.dump();
  SigmaMatcher m(c.set);
  std::vector<Alert> alerts;
  m.evaluate(text_event("sshd[7]: Invalid user x from 1.2.3.4", {"linux", "sshd", ""}), alerts);
  EXPECT_EQ(alerts.size(), 2u);
  alerts.clear();
  m.evaluate(text_event("sudo: Invalid user x", {"linux", "auth", ""}), alerts);
  EXPECT_EQ(rule_ids(alerts), std::vector<std::string>{"auth-rule"});
}

TEST(SigmaRouting, KubernetesAuditSatisfiesSigmaApplicationCategory) {
  Compiled c = compile_text(rule(
      "k8s", "{product: kubernetes, service: audit, category: application}",
      "    s:\n        verb: create\n        apiGroup: rbac.authorization.k8s.io\n"
      "    condition: s\n"));
  ASSERT_NE(c.set, nullptr) << c.dump();
  SigmaMatcher m(c.set);
  std::vector<Alert> alerts;
  m.evaluate(json_event(R"({"verb":"create","objectRef":{"apiGroup":"rbac.authorization.k8s.io"}})",
                        {"kubernetes", "audit", ""}),
             alerts);
  EXPECT_EQ(alerts.size(), 1u);  // also shows the apiGroup → objectRef.apiGroup mapping
}

TEST(SigmaRouting, GcpFieldNamesAreMapped) {
  Compiled c = compile_text(
      rule("gcp", "{product: gcp, service: gcp.audit}",
           "    s:\n        gcp.audit.method_name: v1.compute.instances.delete\n"
           "        data.protoPayload.serviceName: compute.googleapis.com\n    condition: s\n"));
  ASSERT_NE(c.set, nullptr) << c.dump();
  SigmaMatcher m(c.set);
  std::vector<Alert> alerts;
  m.evaluate(json_event(R"({"protoPayload":{"methodName":"v1.compute.instances.delete",)"
                        R"("serviceName":"compute.googleapis.com"}})",
                        {"gcp", "gcp.audit", ""}),
             alerts);
  EXPECT_EQ(alerts.size(), 1u);
}

TEST(SigmaIndex, EventsAreOnlyTestedAgainstRulesTheirValuesCanMatch) {
  Compiled c = compile_text(
      rule("stop", "{product: aws, service: cloudtrail}",
           "    s:\n        eventSource: cloudtrail.amazonaws.com\n        eventName: StopLogging\n"
           "    condition: s\n") +
      rule("delete", "{product: aws, service: cloudtrail}",
           "    s:\n        eventName:\n            - DeleteTrail\n            - UpdateTrail\n"
           "    condition: s\n") +
      rule("either", "{product: aws, service: cloudtrail}",
           "    a:\n        eventName: CreateUser\n    b:\n        eventName: CreateAccessKey\n"
           "    condition: a or b\n") +
      rule("wild", "{product: aws, service: cloudtrail}",
           "    s:\n        eventName|startswith: Put\n    condition: s\n") +
      rule("negated", "{product: aws, service: cloudtrail}",
           "    s:\n        eventName: GetObject\n    condition: not s\n"));
  ASSERT_NE(c.set, nullptr) << c.dump();
  SigmaMatcher m(c.set);
  const auto ids = [&](const std::string& json) {
    std::vector<std::string> out;
    for (uint32_t i : m.candidates(json_event(json, kCloudTrail))) {
      out.push_back(c.set->rules[i]->id);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids(R"({"eventName":"StopLogging"})"),
            (std::vector<std::string>{"negated", "stop", "wild"}));
  EXPECT_EQ(ids(R"({"eventName":"updatetrail"})"),
            (std::vector<std::string>{"delete", "negated", "wild"}));
  EXPECT_EQ(ids(R"({"eventName":"CreateAccessKey"})"),
            (std::vector<std::string>{"either", "negated", "wild"}));
  EXPECT_EQ(ids(R"({"eventName":"ListBuckets"})"), (std::vector<std::string>{"negated", "wild"}));
}

TEST(SigmaIndex, IndexedAndUnindexedEvaluationAgree) {
  Compiled c = compile_text(
      rule("a", "{product: aws, service: cloudtrail}",
           "    s:\n        eventName: [A, B]\n        x|contains: '1'\n    condition: s\n") +
      rule("b", "{product: aws, service: cloudtrail}",
           "    s:\n        eventName: B\n    f:\n        x: '12'\n    condition: s and not f\n"));
  ASSERT_NE(c.set, nullptr);
  SigmaMatcher m(c.set);
  for (const char* json : {R"({"eventName":"A","x":"1"})", R"({"eventName":"B","x":"12"})",
                           R"({"eventName":"b","x":"13"})", R"({"eventName":"C","x":"1"})",
                           R"({"eventName":["A","C"],"x":"1"})"}) {
    std::vector<Alert> alerts;
    Event e = json_event(json, kCloudTrail);
    m.evaluate(e, alerts);
    std::vector<std::string> expected;
    for (const auto& r : c.set->rules) {
      if (SigmaMatcher::matches(*r, e)) expected.push_back(r->id);
    }
    EXPECT_EQ(rule_ids(alerts), expected) << json;
  }
}

TEST(SigmaAlerts, AlertCarriesRuleMetadataAndStableId) {
  Compiled c = compile_text(
      rule("3bd5b24a-0000-4000-8000-000000000001", "{product: aws, service: cloudtrail}",
           "    s:\n        eventName: StopLogging\n    condition: s\n",
           "level: critical\ntags: [attack.defense-evasion, attack.t1562.008]\n"
           "runbook: https://runbooks/trail\nfields: [sourceIPAddress, missingField]\n"));
  ASSERT_NE(c.set, nullptr) << c.dump();
  SigmaMatcher m(c.set);
  std::vector<Alert> alerts;
  const std::string json =
      R"({"eventID":"e-1","eventName":"StopLogging","sourceIPAddress":"1.2.3.4",)"
      R"("eventTime":"2024-01-01T00:00:00Z"})";
  m.evaluate(json_event(json, kCloudTrail), alerts);
  m.evaluate(json_event(json, kCloudTrail), alerts);
  ASSERT_EQ(alerts.size(), 2u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule_id, "3bd5b24a-0000-4000-8000-000000000001");
  EXPECT_EQ(a.title, "Rule 3bd5b24a-0000-4000-8000-000000000001");
  EXPECT_EQ(a.level, "critical");
  EXPECT_EQ(a.sev, Sev::kSev0);
  EXPECT_EQ(a.tags.size(), 2u);
  EXPECT_EQ(a.runbook, "https://runbooks/trail");
  ASSERT_EQ(a.fields.size(), 1u);
  EXPECT_EQ(a.fields[0], (std::pair<std::string, std::string>{"sourceIPAddress", "1.2.3.4"}));
  EXPECT_EQ(a.events.size(), 1u);
  EXPECT_EQ(a.count, 1u);
  EXPECT_TRUE(a.group.empty());
  EXPECT_EQ(a.alert_id, alerts[1].alert_id);  // same rule + same eventID
  EXPECT_FALSE(a.alert_id.empty());
}

TEST(SigmaAlerts, MatchesAreCountedPerRuleAndAlertsOnlyWhereDispatched) {
  Compiled c = compile_text(rule("metrics-rule-1", "{product: test}",
                                 "    s:\n        a: '1'\n    condition: s\n"));
  ASSERT_NE(c.set, nullptr);
  SigmaMatcher m(c.set);
  auto& matches = Metrics::global().rule_matches("metrics-rule-1", "SEV1");
  auto& alerts_total = Metrics::global().alerts("SEV1");
  const double before_m = matches.Value();
  const double before_a = alerts_total.Value();
  std::vector<Alert> alerts;
  m.evaluate(json_event(R"({"a":"1"})"), alerts);
  m.evaluate(json_event(R"({"a":"2"})"), alerts);
  EXPECT_EQ(matches.Value() - before_m, 1);
  EXPECT_EQ(alerts_total.Value() - before_a, 0) << "tripline_alerts_total is the dispatcher's";
}

TEST(SigmaAlerts, UnreadableJsonIsCountedAsARuleError) {
  Compiled c = compile_text(rule("errors-rule-1", "{product: test}",
                                 "    s:\n        a|contains: x\n    condition: s\n"));
  ASSERT_NE(c.set, nullptr);
  SigmaMatcher m(c.set);
  auto& errors = Metrics::global().rule_errors("errors-rule-1");
  const double before = errors.Value();
  std::vector<Alert> alerts;
  m.evaluate(json_event(R"({"b": [1, 2, )"), alerts);
  EXPECT_TRUE(alerts.empty());
  EXPECT_EQ(errors.Value() - before, 1);
}

TEST(SigmaSeverity, LevelMapAndRuleOverride) {
  Compiled c = compile_text(
      rule("lvl", "{product: test}", "    s:\n        a: '1'\n    condition: s\n",
           "level: low\n") +
      rule("sev", "{product: test}", "    s:\n        a: '1'\n    condition: s\n",
           "level: low\nsev: SEV1\n") +
      rule("none", "{product: test}", "    s:\n        a: '1'\n    condition: s\n", ""));
  ASSERT_NE(c.set, nullptr) << c.dump();
  SigmaMatcher m(c.set);
  std::vector<Alert> alerts;
  m.evaluate(json_event(R"({"a":"1"})"), alerts);
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].sev, Sev::kSev3);
  EXPECT_EQ(alerts[1].sev, Sev::kSev1);
  EXPECT_EQ(alerts[2].sev, Sev::kSev2);
}

TEST(SigmaSeverity, PolicyOverridesByRuleTagAndEnvironment) {
  Diagnostics pd;
  const YAML::Node policy_yaml = YAML::Load(R"(
levels: { medium: SEV3 }
overrides:
  - { rule: by-id, sev: SEV0 }
  - { tag: "attack.t1098*", sev: SEV1 }
  - { environment: dev, adjust: +1 }
  - { environment: prod, tag: attack.impact, sev: SEV0 }
)");
  auto policy = std::make_shared<SeverityPolicy>(SeverityPolicy::read(policy_yaml, "cfg.yml", pd));
  ASSERT_FALSE(pd.has_errors()) << pd.items.front().to_string();
  Compiled c = compile_text(
      rule("by-id", "{product: test}", "    s:\n        a: '1'\n    condition: s\n",
           "level: low\n") +
      rule("by-tag", "{product: test}", "    s:\n        a: '1'\n    condition: s\n",
           "level: low\ntags: [attack.t1098.001]\n") +
      rule("plain", "{product: test}", "    s:\n        a: '1'\n    condition: s\n",
           "level: medium\n") +
      rule("impact", "{product: test}", "    s:\n        a: '1'\n    condition: s\n",
           "level: medium\ntags: [attack.impact]\n"),
      nullptr, true, policy);
  ASSERT_NE(c.set, nullptr) << c.dump();
  SigmaMatcher m(c.set);
  const auto sevs = [&](const std::string& env) {
    std::vector<Alert> alerts;
    m.evaluate(json_event(R"({"a":"1"})", {"test", "", ""}, {{"env", env}}), alerts);
    std::vector<Sev> out;
    for (const Alert& a : alerts) out.push_back(a.sev);
    return out;
  };
  EXPECT_EQ(sevs("staging"), (std::vector<Sev>{Sev::kSev0, Sev::kSev1, Sev::kSev3, Sev::kSev3}));
  EXPECT_EQ(sevs("dev"), (std::vector<Sev>{Sev::kSev1, Sev::kSev2, Sev::kSev4, Sev::kSev4}));
  EXPECT_EQ(sevs("prod"), (std::vector<Sev>{Sev::kSev0, Sev::kSev1, Sev::kSev3, Sev::kSev0}));
}

TEST(SigmaSeverity, PolicyErrorsPointIntoTheConfig) {
  for (const char* bad : {"levels: { high: SEV7 }\n", "overrides: [{ rule: x }]\n",
                          "overrides: [{ sev: SEV1 }]\n", "overrides: [{ tag: x, adjust: 9 }]\n",
                          "colour: red\n"}) {
    Diagnostics d;
    SeverityPolicy::read(YAML::Load(bad), "cfg.yml", d);
    ASSERT_TRUE(d.has_errors()) << bad;
    EXPECT_EQ(d.items[0].file, "cfg.yml");
    EXPECT_GT(d.items[0].line, 0) << bad;
  }
}

TEST(SigmaFilters, FilterExcludesEventsFromTheNamedRules) {
  Compiled c = compile_text(
      rule("6f3e2987-db24-4c78-a860-b4f4095a7095", "{product: windows, category: process_creation}",
           "    s:\n        Image|endswith: '\\rar.exe'\n    condition: s\n") +
      rule("other", "{product: windows, category: process_creation}",
           "    s:\n        Image|endswith: '\\rar.exe'\n    condition: s\n") +
      "title: Filter Administrator account\nlogsource:\n    category: process_creation\n"
      "    product: windows\nfilter:\n    rules:\n"
      "        - 6f3e2987-db24-4c78-a860-b4f4095a7095\n    selection:\n"
      "        User|startswith: 'adm_'\n    condition: selection\n");
  ASSERT_NE(c.set, nullptr) << c.dump();
  SigmaMatcher m(c.set);
  const LogSource ls{"windows", "", "process_creation"};
  std::vector<Alert> alerts;
  m.evaluate(json_event(R"({"Event":{"EventData":{"Image":"C:\\rar.exe","User":"adm_bob"}}})", ls),
             alerts);
  EXPECT_EQ(rule_ids(alerts), std::vector<std::string>{"other"});
  alerts.clear();
  m.evaluate(json_event(R"({"Event":{"EventData":{"Image":"C:\\rar.exe","User":"bob"}}})", ls),
             alerts);
  EXPECT_EQ(alerts.size(), 2u);
}

TEST(SigmaFilters, UnknownRuleAndLogsourceMismatchAreWarnings) {
  Compiled c = compile_text(
      rule("r1", "{product: linux}", "    s:\n        a: '1'\n    condition: s\n") +
      "title: F\nlogsource: {product: windows}\nfilter:\n    rules: [r1, r404]\n"
      "    selection:\n        b: '1'\n    condition: selection\n");
  ASSERT_NE(c.set, nullptr) << c.dump();
  EXPECT_TRUE(c.has_code("rules.filter-unknown-rule"));
  EXPECT_TRUE(c.has_code("rules.filter-logsource"));
  EXPECT_TRUE(c.set->rules[0]->filters.empty());
}

TEST(SigmaCorrelations, ReadButReportedUnsupportedWithoutAnEngine) {
  Compiled c = compile_text(
      rule("failed", "{product: test}", "    s:\n        a: '1'\n    condition: s\n") +
      "title: Many\ncorrelation:\n    type: event_count\n    rules: [failed]\n"
      "    group-by: [user]\n    timespan: 5m\n    condition: {gte: 10}\n");
  EXPECT_EQ(c.set, nullptr);
  const Diagnostic* d = c.find("rules.correlation-unsupported");
  ASSERT_NE(d, nullptr) << c.dump();
  EXPECT_EQ(d->line, 12);
}

TEST(SigmaCorrelations, HookSeesCompiledRulesAndCorrelations) {
  DocumentSet docs;
  Diagnostics diags;
  read_text(rule("failed", "{product: test}", "    s:\n        a: '1'\n    condition: s\n") +
                "title: Many\ncorrelation:\n    type: event_count\n    rules: [failed]\n"
                "    timespan: 5m\n    condition: {gte: 10}\n",
            "c.yml", docs, diags);
  CompileOptions o;
  o.catalog = std::make_shared<LogSourceCatalog>(LogSourceCatalog::builtin(diags));
  size_t seen = 0;
  o.correlation_compiler = [&](RuleSet& set, Diagnostics&) {
    seen = set.correlations.size();
    const CompiledRule* base = set.find(set.correlations[0].rules[0].ref);
    if (base) const_cast<CompiledRule*>(base)->emit_alerts = false;
    return true;
  };
  auto set = compile_rule_set(docs, o, diags);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(seen, 1u);
  SigmaMatcher m(set);
  std::vector<Alert> alerts;
  m.evaluate(json_event(R"({"a":"1"})"), alerts);
  EXPECT_TRUE(alerts.empty());  // generate: false — only the correlation engine hears of it
}

class CountingObserver : public MatchObserver {
 public:
  void on_match(const CompiledRule& rule, const Event&, std::vector<Alert>&) override {
    matched.push_back(rule.id);
  }
  void advance(TimePoint, std::vector<Alert>&) override { ++advanced; }
  void finish(std::vector<Alert>& alerts) override {
    Alert a;
    a.rule_id = "summary";
    alerts.push_back(a);
  }
  std::vector<std::string> matched;
  int advanced = 0;
};

TEST(SigmaMatcherSeam, ObserversHearMatchesAndTime) {
  Compiled c = compile_text(rule("r", "{product: test}", "    s:\n        a: '1'\n    condition: s\n"));
  ASSERT_NE(c.set, nullptr);
  SigmaMatcher m(c.set);
  auto obs = std::make_shared<CountingObserver>();
  m.add_observer(obs);
  std::vector<Alert> alerts;
  m.evaluate(json_event(R"({"a":"1"})"), alerts);
  m.advance(Clock::now(), alerts);
  m.finish(alerts);
  EXPECT_EQ(obs->matched, std::vector<std::string>{"r"});
  EXPECT_EQ(obs->advanced, 1);
  EXPECT_EQ(rule_ids(alerts), (std::vector<std::string>{"r", "summary"}));
}

TEST(SigmaMatcherThreads, ConcurrentEvaluationGivesTheSameAlerts) {
  std::string rules;
  for (int i = 0; i < 40; ++i) {
    rules += rule("r" + std::to_string(i), "{product: aws, service: cloudtrail}",
                  "    s:\n        eventName: E" + std::to_string(i % 10) +
                      "\n        user|contains: '" + std::to_string(i % 3) + "'\n    condition: s\n");
  }
  Compiled c = compile_text(rules);
  ASSERT_NE(c.set, nullptr) << c.dump();
  auto m = std::make_shared<SigmaMatcher>(c.set);
  std::vector<std::string> events;
  for (int i = 0; i < 200; ++i) {
    events.push_back(R"({"eventName":"E)" + std::to_string(i % 12) + R"(","user":"u)" +
                     std::to_string(i % 7) + R"("})");
  }
  const auto run = [&](size_t& total) {
    for (int round = 0; round < 20; ++round) {
      for (const std::string& json : events) {
        std::vector<Alert> alerts;
        m->evaluate(json_event(json, kCloudTrail), alerts);
        total += alerts.size();
      }
    }
  };
  size_t single = 0;
  run(single);
  std::vector<size_t> totals(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < totals.size(); ++t) threads.emplace_back(run, std::ref(totals[t]));
  for (auto& t : threads) t.join();
  EXPECT_GT(single, 0u);
  for (size_t t : totals) EXPECT_EQ(t, single);
}

}  // namespace
}  // namespace tripline::sigma::testing
