#pragma once
#include <cstddef>
#include <vector>

#include "core/alert.h"
#include "core/event.h"

namespace tripline {

// A compiled rule set. Built by load_rules() (rules/rule_loader.h); replaced whole on reload.
class Matcher {
 public:
  virtual ~Matcher() = default;

  // Evaluates one event against every rule that can match it and appends the alerts produced.
  // Safe to call from several threads at once; never throws; errors are counted per rule.
  virtual void evaluate(const Event& event, std::vector<Alert>& alerts) = 0;
  // Lets windowed rules emit what is due at `now` (event time in replay, wall clock live).
  virtual void advance(TimePoint now, std::vector<Alert>& alerts) = 0;
  // End of input (replay done, agent stopping): emits whatever pending windows owe.
  virtual void finish(std::vector<Alert>& alerts) = 0;

  virtual size_t rule_count() const = 0;
};

}  // namespace tripline
