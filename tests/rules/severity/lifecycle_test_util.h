#pragma once
#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "core/time_util.h"
#include "rules/severity/alert_lifecycle.h"
#include "rules/severity/severity_policy.h"

namespace tripline::lifecycle_testing {

// `rules.severity` read from YAML text; errors land in `diags`.
inline std::shared_ptr<SeverityPolicy> policy_from(const std::string& yaml, Diagnostics& diags) {
  return std::make_shared<SeverityPolicy>(
      SeverityPolicy::read(YAML::Load(yaml), "tripline.yaml", diags));
}

inline TimePoint at(const std::string& rfc3339) { return *parse_rfc3339(rfc3339); }

inline Alert alert(const std::string& rule_id, const std::string& id, TimePoint time,
                   Sev sev = Sev::kSev2,
                   std::vector<std::pair<std::string, std::string>> group = {}) {
  Alert a;
  a.rule_id = rule_id;
  a.alert_id = id;
  a.title = "title of " + rule_id;
  a.time = time;
  a.sev = sev;
  a.group = std::move(group);
  a.events = {R"({"n":")" + id + R"("})"};
  return a;
}

// Runs one alert through the lifecycle the way the matcher decorator does (no event).
inline std::vector<Alert> pass(AlertLifecycle& lc, Alert a) {
  std::vector<Alert> out{std::move(a)};
  lc.process(out, 0, nullptr);
  return out;
}

}  // namespace tripline::lifecycle_testing
