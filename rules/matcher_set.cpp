#include "rules/matcher_set.h"

#include <algorithm>

namespace tripline {

MatcherSet::MatcherSet(std::vector<std::shared_ptr<Matcher>> parts) : parts_(std::move(parts)) {
  parts_.erase(std::remove(parts_.begin(), parts_.end(), nullptr), parts_.end());
}

void MatcherSet::evaluate(const Event& event, std::vector<Alert>& alerts) {
  for (const auto& m : parts_) m->evaluate(event, alerts);
}

void MatcherSet::advance(TimePoint now, std::vector<Alert>& alerts) {
  for (const auto& m : parts_) m->advance(now, alerts);
}

void MatcherSet::finish(std::vector<Alert>& alerts) {
  for (const auto& m : parts_) m->finish(alerts);
}

size_t MatcherSet::rule_count() const {
  size_t n = 0;
  for (const auto& m : parts_) n += m->rule_count();
  return n;
}

}  // namespace tripline
