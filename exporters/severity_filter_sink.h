#pragma once
#include <memory>

#include "core/sev.h"
#include "exporters/sink.h"

namespace tripline {

// An output's `min_sev`: hands the wrapped sink only alerts at least as urgent as `least_urgent`
// (SEV0 is the most urgent). Alerts below it are acknowledged without delivery: they are still
// counted in tripline_alerts_total{sev} and reach the outputs that take them, so "counted, not
// paged" needs one file output for everything and `min_sev` on the paging ones.
class SeverityFilterSink : public Sink {
 public:
  SeverityFilterSink(std::unique_ptr<Sink> inner, Sev least_urgent);

  const std::string& name() const override { return inner_->name(); }
  bool deliver(std::span<const Alert> alerts) override;
  void close() override { inner_->close(); }

 private:
  bool wanted(const Alert& alert) const { return alert.sev <= least_urgent_; }

  std::unique_ptr<Sink> inner_;
  Sev least_urgent_;
};

}  // namespace tripline
