#include "exporters/severity_filter_sink.h"

#include <algorithm>
#include <vector>

namespace tripline {

SeverityFilterSink::SeverityFilterSink(std::unique_ptr<Sink> inner, Sev least_urgent)
    : inner_(std::move(inner)), least_urgent_(least_urgent) {}

bool SeverityFilterSink::deliver(std::span<const Alert> alerts) {
  const auto want = [this](const Alert& a) { return wanted(a); };
  if (std::all_of(alerts.begin(), alerts.end(), want)) return inner_->deliver(alerts);
  std::vector<Alert> kept;
  std::copy_if(alerts.begin(), alerts.end(), std::back_inserter(kept), want);
  return kept.empty() || inner_->deliver(kept);
}

}  // namespace tripline
