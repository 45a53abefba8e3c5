#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "collectors/collector.h"
#include "collectors/tail/progress_table.h"

namespace tripline {

// Collects events for one EventBatch together with the byte ranges they cover per file
// generation, and gives the batch an on_committed that commits exactly those ranges.
class BatchBuilder {
 public:
  explicit BatchBuilder(std::shared_ptr<ProgressTable> table) : table_(std::move(table)) {}

  // `begin` is where the previous range of this file ended, so that bytes without an event
  // (empty lines) are covered too; `end` is just past the event's line.
  void add(Event event, const std::shared_ptr<FileProgress>& progress, uint64_t begin,
           uint64_t end);
  size_t size() const { return events_.size(); }
  bool empty() const { return events_.empty(); }
  // True when a file in the batch is not in a checkpoint on disk yet: a crash after the batch
  // is acknowledged would otherwise restart that file by start_at instead of by position.
  bool needs_persist() const { return needs_persist_; }

  EventBatch take();

 private:
  struct Range {
    std::shared_ptr<FileProgress> progress;
    uint64_t begin;
    uint64_t end;
  };
  std::shared_ptr<ProgressTable> table_;
  std::vector<Event> events_;
  std::vector<Range> ranges_;
  bool needs_persist_ = false;
};

}  // namespace tripline
