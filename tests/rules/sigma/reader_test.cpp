#include "rules/sigma/yaml_reader.h"

#include <gtest/gtest.h>

#include "tests/rules/sigma/sigma_test_util.h"

namespace tripline::sigma::testing {
namespace {

const Diagnostic* find(const Diagnostics& d, const std::string& code) {
  for (const Diagnostic& x : d.items) {
    if (x.code == code) return &x;
  }
  return nullptr;
}

TEST(SigmaReader, ReadsEveryTopLevelKeyAndKeepsPositions) {
  const std::string text = R"(title: Full rule
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
name: full_rule
related:
    - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9
      type: derived
taxonomy: sigma
status: experimental
description: all keys
license: DRL-1.1
author: someone
references:
    - https://example.com
date: 2024-01-02
modified: 2024-02-03
tags:
    - attack.t1098
logsource:
    product: aws
    service: cloudtrail
    definition: anything
detection:
    selection:
        eventName|startswith: Create
    condition: selection
fields:
    - eventName
falsepositives:
    - admins
level: medium
scope:
    - server
sev: SEV1
runbook: https://runbooks/x
throttle: 10m
)";
  DocumentSet docs;
  Diagnostics diags;
  read_text(text, "full.yml", docs, diags);
  ASSERT_FALSE(diags.has_errors());
  EXPECT_TRUE(diags.items.empty()) << diags.items.front().to_string();
  ASSERT_EQ(docs.rules.size(), 1u);
  const Rule& r = docs.rules[0];
  EXPECT_EQ(r.header.title, "Full rule");
  EXPECT_EQ(r.header.name, "full_rule");
  EXPECT_EQ(r.related.at(0).type, "derived");
  EXPECT_EQ(r.license, "DRL-1.1");
  EXPECT_EQ(r.header.tags, std::vector<std::string>{"attack.t1098"});
  EXPECT_EQ(r.logsource.logsource.to_string(), "aws/cloudtrail");
  EXPECT_EQ(r.fields, std::vector<std::string>{"eventName"});
  EXPECT_EQ(r.scope, std::vector<std::string>{"server"});
  EXPECT_EQ(r.sev, "SEV1");
  EXPECT_EQ(r.runbook, "https://runbooks/x");
  ASSERT_TRUE(r.throttle);
  EXPECT_EQ(r.throttle->window, std::chrono::minutes(10));
  const FieldSpec& f = r.detection.identifiers.at(0).maps.at(0).fields.at(0);
  EXPECT_EQ(f.field, "eventName");
  EXPECT_EQ(f.modifiers, std::vector<std::string>{"startswith"});
  EXPECT_EQ(f.mark.file, "full.yml");
  EXPECT_EQ(f.mark.line, 24);
  EXPECT_EQ(f.mark.column, 9);
  EXPECT_EQ(f.values.at(0).mark.line, 24);
  EXPECT_EQ(f.values.at(0).mark.column, 31);
  EXPECT_EQ(r.detection.conditions.at(0).mark.line, 25);
}

TEST(SigmaReader, UnknownTopLevelKeysAreWarnings) {
  DocumentSet docs;
  Diagnostics diags;
  read_text(rule_yaml("    s:\n        a: 1\n    condition: s\n", "simulation: yes\n"), "r.yml",
            docs, diags);
  EXPECT_FALSE(diags.has_errors());
  const Diagnostic* d = find(diags, "rules.unknown-key");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(d->line, 11);
  EXPECT_EQ(docs.rules.size(), 1u);
}

TEST(SigmaReader, MultiDocumentFilesHoldSeveralRules) {
  const std::string one = rule_yaml("    s:\n        a: 1\n    condition: s\n");
  std::string two = one;
  two.replace(two.find("11111111"), 8, "22222222");
  DocumentSet docs;
  Diagnostics diags;
  read_text(one + "---\n" + two + "---\n", "multi.yml", docs, diags);
  EXPECT_FALSE(diags.has_errors());
  ASSERT_EQ(docs.rules.size(), 2u);
  EXPECT_EQ(docs.rules[1].header.mark.line, 12);
}

// Found by fuzz_sigma_rule: yaml-cpp 0.7's LoadAll never returns on these streams and grows
// without bound (jbeder/yaml-cpp#1319); the reader refuses them with an error instead.
TEST(SigmaReader, StreamsThatStallTheYamlParserAreErrorsNotHangs) {
  for (const char* text : {",", ",!", "\n,\n"}) {
    DocumentSet docs;
    Diagnostics diags;
    read_text(text, "stall.yml", docs, diags);
    ASSERT_TRUE(diags.has_errors()) << text;
    EXPECT_EQ(diags.items[0].code, "rules.yaml");
    EXPECT_TRUE(docs.rules.empty());
  }
  DocumentSet docs;
  Diagnostics diags;
  read_text("---\n---\n---\n", "empty-docs.yml", docs, diags);
  EXPECT_FALSE(diags.has_errors());
}

TEST(SigmaReader, StructuralErrorsCarryFileLineColumn) {
  struct Case {
    std::string text;
    std::string code;
    int line;
  };
  const std::vector<Case> cases = {
      {"id: x\nlogsource: {product: a}\ndetection: {s: {a: 1}, condition: s}\n",
       "config.missing-key", 1},
      {"title: t\nlogsource: {product: a}\ndetection: {s: {a: 1}, condition: s}\nlevel: severe\n",
       "rules.level", 4},
      {"title: t\nlogsource: {product: a}\ndetection:\n    s:\n        a: 1\n        a: 2\n"
       "    condition: s\n",
       "rules.duplicate-key", 6},
      {"title: t\nlogsource: {product: a}\ndetection:\n    s:\n        a: {b: 1}\n"
       "    condition: s\n",
       "rules.value-type", 5},
      {"title: t\nlogsource: {product: a}\ndetection:\n    s:\n        a: []\n"
       "    condition: s\n",
       "rules.empty-values", 5},
      {"title: t\nlogsource: {product: a}\ndetection:\n    s:\n    condition: s\n",
       "rules.empty-search", 4},
      {"title: t\nlogsource: {product: a}\ndetection: {s: {a: 1}, condition: s}\nsev: SEV9\n",
       "rules.sev", 4},
      {"title: t\nlogsource: {product: a}\ndetection: {s: {a: 1}, condition: s}\n"
       "throttle: soon\n",
       "rules.throttle", 4},
      {"title: t\ndetection: {s: {a: 1}, condition: s}\n", "rules.missing-logsource", 1},
      {"title: [unclosed\n", "rules.yaml", 2},
      {"just a string\n", "rules.document", 1},
      {"title: t\nfoo: bar\n", "rules.document", 1},
      {"action: global\ntitle: t\n", "rules.collection", 1},
  };
  for (const Case& c : cases) {
    DocumentSet docs;
    Diagnostics diags;
    read_text(c.text, "bad.yml", docs, diags);
    const Diagnostic* d = find(diags, c.code);
    ASSERT_NE(d, nullptr) << c.code << " not reported for:\n" << c.text;
    EXPECT_EQ(d->severity, Diagnostic::Severity::kError) << c.code;
    EXPECT_EQ(d->file, "bad.yml");
    EXPECT_EQ(d->line, c.line) << c.code << ": " << d->to_string();
    EXPECT_TRUE(docs.rules.empty()) << c.code;
  }
}

TEST(SigmaReader, SchemaWarningsForMetadata) {
  DocumentSet docs;
  Diagnostics diags;
  read_text("title: t\nid: not-a-uuid\nstatus: wip\ndate: 2024/01/01\ntags: [Attack.X]\n"
            "logsource: {product: a}\ndetection: {s: {a: 1}, condition: s}\n",
            "meta.yml", docs, diags);
  EXPECT_FALSE(diags.has_errors());
  for (const char* code : {"rules.id-format", "rules.status", "rules.date", "rules.tag"}) {
    EXPECT_NE(find(diags, code), nullptr) << code;
  }
  EXPECT_EQ(docs.rules.size(), 1u);
}

TEST(SigmaReader, ReadsEmbeddedTests) {
  const std::string text = rule_yaml("    s:\n        a: 1\n    condition: s\n", R"(tests:
    - name: positive
      event: {a: 1, b: "x", c: [true, null], d: '2'}
      expect: match
    - name: lines
      log:
          - "Jan  1 00:00:00 h sshd[1]: Invalid user x from 1.2.3.4"
          - "second"
      format: syslog
      logsource: linux/sshd
      expect_alerts: 2
    - name: json string
      events: ['{"a": 2}']
      expect: no_match
)");
  DocumentSet docs;
  Diagnostics diags;
  read_text(text, "t.yml", docs, diags);
  ASSERT_FALSE(diags.has_errors()) << diags.items.front().to_string();
  const auto& tests = docs.rules.at(0).tests;
  ASSERT_EQ(tests.size(), 3u);
  EXPECT_EQ(tests[0].events.at(0).text, R"({"a":1,"b":"x","c":[true,null],"d":"2"})");
  EXPECT_EQ(tests[0].expect, TestCase::Expect::kMatch);
  EXPECT_EQ(tests[1].events.size(), 2u);
  EXPECT_TRUE(tests[1].events[0].is_log);
  EXPECT_EQ(tests[1].expect_alerts, 2u);
  EXPECT_EQ(tests[1].format, "syslog");
  EXPECT_EQ(tests[1].logsource->service, "sshd");
  EXPECT_EQ(tests[2].events.at(0).text, R"({"a": 2})");
  EXPECT_EQ(tests[2].expect, TestCase::Expect::kNoMatch);
}

TEST(SigmaReader, TestCasesNeedOneEventSourceAndOneExpectation) {
  for (const char* bad : {"    - {name: x, expect: match}\n",
                          "    - {name: x, event: {a: 1}}\n",
                          "    - {name: x, event: {a: 1}, log: y, expect: match}\n",
                          "    - {name: x, event: {a: 1}, expect: maybe}\n",
                          "    - {name: x, event: {a: 1}, expect: match, colour: red}\n"}) {
    DocumentSet docs;
    Diagnostics diags;
    read_text(rule_yaml("    s:\n        a: 1\n    condition: s\n", std::string("tests:\n") + bad),
              "t.yml", docs, diags);
    EXPECT_TRUE(diags.has_errors()) << bad;
  }
}

TEST(SigmaReader, ReadsFiltersAndCorrelations) {
  const std::string text = R"(title: Filter admins
logsource: {product: windows, category: process_creation}
filter:
    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095, jump_login]
    selection:
        User|startswith: adm_
    condition: selection
---
title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: value_count
    rules: [failed_login]
    group-by: [ComputerName]
    timespan: 1h
    condition:
        field: User
        gte: 100
    aliases:
        ip:
            failed_login: source.ip
generate: true
)";
  DocumentSet docs;
  Diagnostics diags;
  read_text(text, "meta.yml", docs, diags);
  ASSERT_FALSE(diags.has_errors()) << diags.items.front().to_string();
  ASSERT_EQ(docs.filters.size(), 1u);
  EXPECT_EQ(docs.filters[0].rules.size(), 2u);
  EXPECT_EQ(docs.filters[0].rules[1].ref, "jump_login");
  EXPECT_EQ(docs.filters[0].detection.identifiers.size(), 1u);
  ASSERT_EQ(docs.correlations.size(), 1u);
  const Correlation& c = docs.correlations[0];
  EXPECT_EQ(c.type, "value_count");
  EXPECT_EQ(c.timespan, std::chrono::hours(1));
  EXPECT_EQ(c.condition.at(0).op, "gte");
  EXPECT_EQ(c.condition.at(0).value, 100);
  EXPECT_EQ(c.condition_fields, std::vector<std::string>{"User"});
  EXPECT_EQ(c.aliases.at(0).fields.at(0).second, "source.ip");
  EXPECT_TRUE(c.generate);
}

TEST(SigmaReader, CorrelationValidation) {
  for (const char* bad : {
           "title: c\ncorrelation: {type: event_count, rules: [a], timespan: 1h}\n",
           "title: c\ncorrelation: {type: value_count, rules: [a], timespan: 1h, "
           "condition: {gte: 3}}\n",
           "title: c\ncorrelation: {type: event_count, rules: [a], timespan: 1 hour, "
           "condition: {gte: 3}}\n",
           "title: c\ncorrelation: {type: sometimes, rules: [a], timespan: 1h}\n",
           "title: c\ncorrelation: {type: temporal, timespan: 1h}\n"}) {
    DocumentSet docs;
    Diagnostics diags;
    read_text(bad, "c.yml", docs, diags);
    EXPECT_TRUE(diags.has_errors()) << bad;
    EXPECT_TRUE(docs.correlations.empty()) << bad;
  }
}

}  // namespace
}  // namespace tripline::sigma::testing
