#pragma once
#include <string>
#include <vector>

#include "core/alert.h"

namespace tripline::testing {

// A fully populated alert whose fields all depend on `n`, so tests can tell alerts apart.
inline Alert make_alert(int n, const std::string& rule_id = "rule-1") {
  Alert a;
  a.alert_id = "alert-" + std::to_string(n);
  a.rule_id = rule_id;
  a.title = "Test alert " + std::to_string(n);
  a.sev = Sev::kSev2;
  a.level = "medium";
  a.time = TimePoint(std::chrono::seconds(1767225600 + n));
  a.host = "host-a";
  a.source = "auth";
  a.logsource = {"linux", "sshd", ""};
  a.group = {{"user", "root"}, {"ip", "10.0.0." + std::to_string(n % 250)}};
  a.count = static_cast<uint64_t>(n + 1);
  a.tags = {"attack.t1110"};
  a.events = {"{\"n\":" + std::to_string(n) + "}"};
  a.trace_id = "trace-" + std::to_string(n);
  a.runbook = "https://runbooks.example/ssh";
  a.fields = {{"k", "v"}};
  return a;
}

inline std::vector<Alert> make_alerts(int from, int count, const std::string& rule_id = "rule-1") {
  std::vector<Alert> out;
  for (int i = from; i < from + count; ++i) out.push_back(make_alert(i, rule_id));
  return out;
}

}  // namespace tripline::testing
