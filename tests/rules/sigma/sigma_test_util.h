#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/event.h"
#include "rules/sigma/rule_set.h"
#include "rules/sigma/sigma_matcher.h"
#include "rules/sigma/yaml_reader.h"

namespace tripline::sigma::testing {

// Compiles YAML rule text the way the loader does (built-in logsource mappings included).
struct Compiled {
  std::shared_ptr<RuleSet> set;
  Diagnostics diags;

  bool has_code(const std::string& code) const {
    for (const Diagnostic& d : diags.items) {
      if (d.code == code) return true;
    }
    return false;
  }
  const Diagnostic* find(const std::string& code) const {
    for (const Diagnostic& d : diags.items) {
      if (d.code == code) return &d;
    }
    return nullptr;
  }
  std::string dump() const {
    std::string out;
    for (const Diagnostic& d : diags.items) out += d.to_string() + "\n";
    return out;
  }
};

inline Compiled compile_text(const std::string& yaml,
                             const std::map<std::string, std::vector<std::string>>* placeholders =
                                 nullptr,
                             bool placeholders_required = true,
                             std::shared_ptr<const SeverityPolicy> policy = nullptr) {
  Compiled c;
  DocumentSet docs;
  read_text(yaml, "rule.yml", docs, c.diags);
  CompileOptions o;
  o.placeholders = placeholders;
  o.placeholders_required = placeholders_required;
  o.policy = std::move(policy);
  o.catalog = std::make_shared<LogSourceCatalog>(LogSourceCatalog::builtin(c.diags));
  c.set = compile_rule_set(docs, o, c.diags);
  if (c.diags.has_errors()) c.set.reset();
  return c;
}

// A one-rule document with logsource product: test and the given detection body (indented by
// four spaces under `detection:`).
inline std::string rule_yaml(const std::string& detection, const std::string& extra = "") {
  return "title: Test rule\nid: 11111111-1111-4111-8111-111111111111\nstatus: test\n"
         "logsource:\n    product: test\ndetection:\n" +
         detection + "level: high\n" + extra;
}

inline Event json_event(const std::string& json, LogSource ls = {"test", "", ""},
                        std::vector<std::pair<std::string, std::string>> static_fields = {}) {
  auto input = std::make_shared<InputInfo>();
  input->name = "test-input";
  input->host = "host-1";
  input->logsource = ls;
  input->static_fields = std::move(static_fields);
  Event e(input, json);
  e.set_body(Event::Body::kJson);
  e.set_position({"events.jsonl", 0, json.size()});
  return e;
}

inline Event text_event(const std::string& line, LogSource ls = {"test", "", ""}) {
  auto input = std::make_shared<InputInfo>();
  input->name = "test-input";
  input->logsource = ls;
  Event e(input, line);
  e.set_body(Event::Body::kText);
  return e;
}

// Compiles `detection` into a one-rule set; the returned matcher answers `matches(json)`.
class RuleProbe {
 public:
  explicit RuleProbe(const std::string& detection,
                     const std::map<std::string, std::vector<std::string>>* placeholders = nullptr)
      : compiled_(compile_text(rule_yaml(detection), placeholders)) {}

  bool ok() const { return compiled_.set != nullptr; }
  const Compiled& compiled() const { return compiled_; }
  bool matches(const std::string& json) const {
    Event e = json_event(json);
    return SigmaMatcher::matches(*compiled_.set->rules.at(0), e);
  }
  bool matches_text(const std::string& line) const {
    Event e = text_event(line);
    return SigmaMatcher::matches(*compiled_.set->rules.at(0), e);
  }

 private:
  Compiled compiled_;
};

}  // namespace tripline::sigma::testing
