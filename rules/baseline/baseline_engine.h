#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rules/baseline/baseline_rule.h"
#include "rules/sigma/eval_context.h"
#include "rules/sigma/match_observer.h"

namespace tripline::baseline {

// The baseline rules of one rule set, fed through the Sigma matcher's MatchObserver seam: every
// match of a referenced rule (whether or not that rule alerts on its own) is turned into an
// Observation for each baseline watching that rule. Matches whose event lacks a group-by field
// (or first_seen's field) are not counted. Thread-safe; never throws.
class BaselineEngine : public sigma::MatchObserver {
 public:
  struct Watch {
    BaselineRule* rule = nullptr;
    Role role = Role::kCount;
    // Group-by and tracked fields resolved through the watched rule's logsource mapping.
    std::vector<sigma::FieldRef> group_by;
    std::vector<sigma::FieldRef> value;
  };

  BaselineEngine(std::vector<std::unique_ptr<BaselineRule>> rules,
                 std::vector<std::vector<Watch>> watches_by_rule_index);

  void on_match(const sigma::CompiledRule& rule, const Event& event,
                std::vector<Alert>& alerts) override;
  void advance(TimePoint now, std::vector<Alert>& alerts) override;
  void finish(std::vector<Alert>& alerts) override;

  const std::vector<std::unique_ptr<BaselineRule>>& rules() const { return rules_; }

 private:
  std::vector<std::unique_ptr<BaselineRule>> rules_;
  std::vector<std::vector<Watch>> watches_;
};

}  // namespace tripline::baseline
