#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/matcher.h"
#include "rules/sigma/match_observer.h"
#include "rules/sigma/route_plan.h"
#include "rules/sigma/rule_set.h"

namespace tripline::sigma {

// The Matcher over a compiled Sigma rule set. Per event: pick the route plan of the event's
// logsource (built on first sight of that logsource, then cached), collect the candidate rules
// from the literal index, evaluate their condition trees, and turn matches into alerts graded by
// the severity policy. Thread-safe; never throws.
class SigmaMatcher : public Matcher {
 public:
  explicit SigmaMatcher(std::shared_ptr<const RuleSet> rules);

  // Registers a match observer (correlation). Call before the matcher is shared.
  void add_observer(std::shared_ptr<MatchObserver> observer);

  void evaluate(const Event& event, std::vector<Alert>& alerts) override;
  void advance(TimePoint now, std::vector<Alert>& alerts) override;
  void finish(std::vector<Alert>& alerts) override;
  size_t rule_count() const override { return rules_->rules.size(); }

  const RuleSet& rules() const { return *rules_; }
  // Rule indices a given event is tested against (for tests and `rules` diagnostics).
  std::vector<uint32_t> candidates(const Event& event);
  // Whether `rule` matches `event`, bypassing routing and alerting (rule tests).
  static bool matches(const CompiledRule& rule, const Event& event);

  // The alert a match of `rule` on `event` produces.
  Alert make_alert(const CompiledRule& rule, const Event& event) const;

 private:
  const RoutePlan& plan_for(const LogSource& ls);
  void on_match(const CompiledRule& rule, const Event& event, std::vector<Alert>& alerts);
  void count_error(const CompiledRule& rule);

  std::shared_ptr<const RuleSet> rules_;
  std::vector<std::shared_ptr<MatchObserver>> observers_;
  std::mutex plans_mutex_;
  std::unordered_map<std::string, std::unique_ptr<RoutePlan>> plans_;
  uint64_t instance_id_;
};

}  // namespace tripline::sigma
