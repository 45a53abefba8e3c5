#include "rules/severity/lifecycle_matcher.h"

namespace tripline {

LifecycleMatcher::LifecycleMatcher(std::shared_ptr<Matcher> inner,
                                   std::shared_ptr<AlertLifecycle> lifecycle)
    : inner_(std::move(inner)), lifecycle_(std::move(lifecycle)) {}

void LifecycleMatcher::evaluate(const Event& event, std::vector<Alert>& alerts) {
  const size_t from = alerts.size();
  inner_->evaluate(event, alerts);
  try {
    lifecycle_->process(alerts, from, &event);
  } catch (...) {
    // Allocation failure: the alerts of this event were (partly) consumed; nothing else to do
    // without risking more. The rules' own counters still show the matches.
  }
}

void LifecycleMatcher::advance(TimePoint now, std::vector<Alert>& alerts) {
  const size_t from = alerts.size();
  try {
    inner_->advance(now, alerts);
    lifecycle_->process(alerts, from, nullptr);
    lifecycle_->advance(now, alerts);
  } catch (...) {
    // Allocation failure: what was produced so far is delivered; the next tick retries.
  }
}

void LifecycleMatcher::finish(std::vector<Alert>& alerts) {
  const size_t from = alerts.size();
  try {
    inner_->finish(alerts);
    lifecycle_->process(alerts, from, nullptr);
    lifecycle_->finish(alerts);
  } catch (...) {
    // Allocation failure at shutdown: deliver what was produced so far.
  }
}

}  // namespace tripline
