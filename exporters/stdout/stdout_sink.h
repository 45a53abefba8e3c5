#pragma once
#include <memory>
#include <string>

#include "exporters/delivery/transport.h"
#include "exporters/sink_registry.h"

namespace tripline {

// `type: stdout`: alerts as JSON lines on standard output, delivered through the sink's spool
// (only the spool / retry / batch keys every sink has).
class StdoutTransport : public Transport {
 public:
  explicit StdoutTransport(int fd) : fd_(fd) {}
  SendResult send(std::span<const Alert> alerts) override;

 private:
  int fd_;
};

std::unique_ptr<Sink> create_stdout_sink(const OutputConfig& config, const SinkContext& context,
                                         Diagnostics& diags);

}  // namespace tripline
