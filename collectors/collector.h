#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/event.h"

namespace tripline {

// A unit of work handed from a collector to the pipeline.
struct EventBatch {
  std::vector<Event> events;
  // Called exactly once, from a pipeline thread, after every alert produced from these events is
  // durably with every sink. Collectors advance their checkpoints here and nowhere else.
  // May be empty.
  std::function<void()> on_committed;
};

// The pipeline side of a collector.
class BatchConsumer {
 public:
  virtual ~BatchConsumer() = default;
  // Blocks while the pipeline queue is full (backpressure, never a silent drop). Returns false
  // once the pipeline is shutting down; the batch is then not processed and not acknowledged.
  virtual bool submit(EventBatch batch) = 0;
};

// An input. Built from its config (which the factory validates), then started once.
class Collector {
 public:
  virtual ~Collector() = default;

  virtual const std::string& name() const = 0;
  // Starts reading on the collector's own thread(s). Does not throw after a successful build;
  // unreadable sources are logged, counted and retried.
  virtual void start(BatchConsumer& out) = 0;
  // Stops reading and joins the collector's threads. Batches already submitted may still be
  // acknowledged afterwards; call flush_checkpoints() after the pipeline has drained.
  virtual void stop() = 0;
  // Persists the positions of everything acknowledged so far.
  virtual void flush_checkpoints() = 0;
};

}  // namespace tripline
