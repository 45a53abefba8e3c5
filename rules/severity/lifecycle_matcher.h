#pragma once
#include <memory>

#include "rules/matcher.h"
#include "rules/severity/alert_lifecycle.h"

namespace tripline {

// The alert lifecycle as a Matcher decorator: load_rules() wraps the engines' matcher in it, so
// the agent pipeline, `replay` and anything else that evaluates a loaded rule set apply the same
// dedup, change approval, escalation and throttle without knowing about them. Thread-safe when
// the inner matcher is; never throws.
class LifecycleMatcher : public Matcher {
 public:
  LifecycleMatcher(std::shared_ptr<Matcher> inner, std::shared_ptr<AlertLifecycle> lifecycle);

  void evaluate(const Event& event, std::vector<Alert>& alerts) override;
  void advance(TimePoint now, std::vector<Alert>& alerts) override;
  void finish(std::vector<Alert>& alerts) override;
  size_t rule_count() const override { return inner_->rule_count(); }

  const std::shared_ptr<Matcher>& inner() const { return inner_; }
  AlertLifecycle& lifecycle() { return *lifecycle_; }

 private:
  std::shared_ptr<Matcher> inner_;
  std::shared_ptr<AlertLifecycle> lifecycle_;
};

}  // namespace tripline
