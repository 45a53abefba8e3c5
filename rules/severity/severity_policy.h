#pragma once
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/alert.h"
#include "core/diagnostic.h"
#include "rules/severity/change_approval.h"
#include "rules/severity/lifecycle_config.h"

namespace tripline {

// DESIGN §5 severity: a rule's `sev:` or its Sigma level through the level map, then the
// operator's overrides from `rules.severity` in the config, applied in the order written:
//
//   severity:
//     levels: { high: SEV1, ... }        # optional, replaces entries of the default map
//     no_level: SEV2                     # rules without a level (default SEV2)
//     environment_field: env             # input field naming the environment (default env)
//     overrides:
//       - { rule: <id or name>, sev: SEV0 }
//       - { tag: attack.impact, sev: SEV1 }          # `attack.t1098*` matches a tag prefix
//       - { environment: dev, adjust: +1 }           # one grade less urgent in dev
//       - { environment: prod, tag: attack.persistence, sev: SEV1 }
//
// An override applies when all its criteria hold; it sets `sev` or moves it by `adjust`
// (clamped to SEV0..SEV4). Rule and tag criteria are resolved once per rule at load; the
// environment is read from each event's input.
//
// The same mapping holds the alert lifecycle settings (dedup, max_groups, throttle, escalation:
// rules/severity/lifecycle_config.h) and the approved IAM changes (changes:
// rules/severity/change_approval.h).
class SeverityPolicy {
 public:
  struct Override {
    std::vector<std::string> rules;  // ids or names; empty = any
    std::vector<std::string> tags;   // any of; empty = any
    std::string environment;         // empty = any
    std::optional<Sev> sev;
    int adjust = 0;
    SourceMark mark;
  };

  // What one rule's alerts get: the base grade and the environment-dependent steps.
  class RuleSeverity {
   public:
    Sev resolve(std::string_view environment) const;
    bool depends_on_environment() const { return !steps_.empty(); }
    Sev base() const { return base_; }

   private:
    friend class SeverityPolicy;
    Sev base_ = Sev::kSev2;
    std::vector<const Override*> steps_;  // owned by the policy, which outlives the rule set
  };

  static Sev default_for_level(std::string_view level);

  // Reads `rules.severity` (errors with file:line). A missing node gives the default policy.
  static SeverityPolicy read(const YAML::Node& node, const std::string& file, Diagnostics& diags);

  RuleSeverity for_rule(const std::string& id, const std::string& name, const std::string& level,
                        const std::optional<Sev>& rule_sev,
                        const std::vector<std::string>& tags) const;
  const std::string& environment_field() const { return environment_field_; }
  // The grade of one alert of `rule`: its base, or with the steps for the environment named by
  // the input of `event` (null: no event, the base).
  Sev grade(const RuleSeverity& rule, const Event* event) const;
  const LifecycleConfig& lifecycle() const { return lifecycle_; }
  const ChangeApprovals& changes() const { return changes_; }

 private:
  std::map<std::string, Sev> levels_ = {{"critical", Sev::kSev0},
                                        {"high", Sev::kSev1},
                                        {"medium", Sev::kSev2},
                                        {"low", Sev::kSev3},
                                        {"informational", Sev::kSev4}};
  Sev no_level_ = Sev::kSev2;
  std::string environment_field_ = "env";
  std::vector<Override> overrides_;
  LifecycleConfig lifecycle_;
  ChangeApprovals changes_;
};

}  // namespace tripline
