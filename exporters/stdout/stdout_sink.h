#pragma once
#include <string>

#include "exporters/sink.h"
#include "exporters/sink_registry.h"

namespace tripline {

// `type: stdout`: alerts as JSON lines on standard output (no options).
class StdoutSink : public Sink {
 public:
  explicit StdoutSink(std::string name) : name_(std::move(name)) {}

  static std::unique_ptr<Sink> create(const OutputConfig& config, const SinkContext& context,
                                      Diagnostics& diags);

  const std::string& name() const override { return name_; }
  bool deliver(std::span<const Alert> alerts) override;

 private:
  std::string name_;
};

}  // namespace tripline
