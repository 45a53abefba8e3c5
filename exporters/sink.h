#pragma once
#include <span>
#include <string>

#include "core/alert.h"

namespace tripline {

// An alert destination. The pipeline calls deliver() from one thread at a time per sink.
class Sink {
 public:
  virtual ~Sink() = default;

  virtual const std::string& name() const = 0;
  // Hands alerts over durably: returns true once they are stored as the sink's durability policy
  // requires (file: written and flushed, fsynced per `fsync`). On false nothing is acknowledged
  // upstream and the caller retries. Never throws.
  virtual bool deliver(std::span<const Alert> alerts) = 0;
  // Flushes and releases resources; deliver() is not called afterwards.
  virtual void close() {}
};

}  // namespace tripline
