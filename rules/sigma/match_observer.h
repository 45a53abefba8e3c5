#pragma once
#include <vector>

#include "core/alert.h"
#include "core/event.h"
#include "rules/sigma/rule_set.h"

namespace tripline::sigma {

// The seam stateful detection builds on: told about every rule match (whether or not the rule
// alerts on its own), and about time passing. Called from several pipeline threads at once;
// implementations synchronise themselves (e.g. shard state by group key). Must not throw.
class MatchObserver {
 public:
  virtual ~MatchObserver() = default;
  virtual void on_match(const CompiledRule& rule, const Event& event,
                        std::vector<Alert>& alerts) = 0;
  virtual void advance(TimePoint now, std::vector<Alert>& alerts) = 0;
  virtual void finish(std::vector<Alert>& alerts) = 0;
};

}  // namespace tripline::sigma
