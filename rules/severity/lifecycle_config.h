#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "config/yaml_map.h"
#include "core/alert.h"
#include "rules/severity/rule_selector.h"

namespace tripline {

// At most `max_alerts` alerts per rule and group in a window of `window`; what is held back is
// announced by one summary alert when the window ends (rule `throttle:` or the policy's).
struct ThrottleSpec {
  std::chrono::milliseconds window{0};
  uint64_t max_alerts = 1;
};

// The alert lifecycle part of `rules.severity` (rules/severity/alert_lifecycle.h applies it):
//
//   severity:
//     dedup: { window: 10m, max_keys: 100000 }   # same alert_id twice inside window: dropped
//     max_groups: 100000                          # rule+group pairs tracked (LRU beyond)
//     throttle:                                   # for rules without their own `throttle:`
//       - { tag: attack.discovery, window: 10m, max_alerts: 5 }
//     escalation:                                 # first matching entry applies
//       - { tag: attack.credential-access, count: 5, within: 1h, raise: 1, max: SEV1 }
struct LifecycleConfig {
  struct PolicyThrottle {
    RuleSelector select;
    ThrottleSpec throttle;
    SourceMark mark;
  };
  struct Escalation {
    RuleSelector select;
    uint64_t count = 0;                   // firings of one rule+group ...
    std::chrono::milliseconds within{0};  // ... inside this span (event time)
    int raise = 1;                        // grades more urgent
    Sev ceiling = Sev::kSev0;             // never past this grade
    SourceMark mark;
  };

  std::chrono::milliseconds dedup_window = std::chrono::minutes(10);
  uint64_t dedup_max_keys = 100000;
  uint64_t max_groups = 100000;
  std::vector<PolicyThrottle> throttles;
  std::vector<Escalation> escalations;

  // Reads the lifecycle keys (dedup, max_groups, throttle, escalation) of the `rules.severity`
  // mapping `m`; errors go to `diags` with file:line.
  static LifecycleConfig read(YamlMap& m, const std::string& file, Diagnostics& diags);

  // The throttle a rule gets from the policy (first matching entry), null when none.
  const ThrottleSpec* throttle_for(std::string_view id, std::string_view name,
                                   const std::vector<std::string>& tags) const;
  const Escalation* escalation_for(std::string_view id, std::string_view name,
                                   const std::vector<std::string>& tags) const;
};

}  // namespace tripline
