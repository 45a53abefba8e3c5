#include "agent/alert_dispatcher.h"

#include <thread>

#include "core/log.h"
#include "core/metrics.h"

namespace tripline {

AlertDispatcher::AlertDispatcher(std::vector<std::unique_ptr<Sink>> sinks,
                                 std::shared_ptr<const AlertRedactor> redactor)
    : redactor_(std::move(redactor)) {
  for (auto& s : sinks) {
    auto entry = std::make_unique<Entry>();
    entry->sink = std::move(s);
    sinks_.push_back(std::move(entry));
  }
}

bool AlertDispatcher::deliver(std::span<const Alert> alerts) {
  if (alerts.empty()) return true;
  // tripline_alerts_total counts alerts as they leave the rules, after dedup, throttling,
  // escalation and change approval: once per alert, with its final grade.
  for (const Alert& a : alerts) Metrics::global().alerts(sev_name(a.sev)).Increment();
  std::vector<Alert> redacted;
  if (redactor_) {
    redacted.assign(alerts.begin(), alerts.end());
    for (Alert& a : redacted) redactor_->apply(a);
    alerts = redacted;
  }
  for (auto& entry : sinks_) {
    std::lock_guard lock(entry->mutex);
    auto backoff = std::chrono::milliseconds(50);
    bool warned = false;
    while (!entry->sink->deliver(alerts)) {
      if (stopping_) return false;
      if (!warned) {
        log::warn("sink refused alerts; retrying", {{"sink", entry->sink->name()}});
        warned = true;
      }
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }
  return true;
}

void AlertDispatcher::close_sinks() {
  for (auto& entry : sinks_) {
    std::lock_guard lock(entry->mutex);
    entry->sink->close();
  }
}

}  // namespace tripline
