#include "collectors/tail/batch_builder.h"

namespace tripline {

void BatchBuilder::add(Event event, const std::shared_ptr<FileProgress>& progress,
                       uint64_t begin, uint64_t end) {
  events_.push_back(std::move(event));
  for (Range& r : ranges_) {
    if (r.progress == progress && r.end == begin) {
      r.end = end;
      return;
    }
  }
  ranges_.push_back({progress, begin, end});
  if (!table_->persisted(*progress)) needs_persist_ = true;
}

EventBatch BatchBuilder::take() {
  EventBatch batch;
  batch.events = std::move(events_);
  batch.on_committed = [table = table_, ranges = std::move(ranges_)] {
    for (const Range& r : ranges) table->commit(*r.progress, r.begin, r.end);
  };
  events_.clear();
  ranges_.clear();
  needs_persist_ = false;
  return batch;
}

}  // namespace tripline
