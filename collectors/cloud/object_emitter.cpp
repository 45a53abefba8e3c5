#include "collectors/cloud/object_emitter.h"

#include <atomic>

#include "core/metrics.h"

namespace tripline {

ObjectEmitter::ObjectEmitter(std::shared_ptr<const InputInfo> input,
                             std::shared_ptr<const Parser> parser, size_t batch_size)
    : input_(std::move(input)),
      parser_(std::move(parser)),
      batch_size_(batch_size ? batch_size : 1),
      events_(Metrics::global().events(input_->name)),
      parse_errors_(Metrics::global().parse_errors(input_->name)) {}

bool ObjectEmitter::emit(BatchConsumer& out, const std::string& origin,
                         std::vector<std::string>& records,
                         std::function<void()> on_complete) const {
  if (records.empty()) {
    if (on_complete) on_complete();
    return true;
  }
  const size_t batches = (records.size() + batch_size_ - 1) / batch_size_;
  // Batches of one object may be committed by different pipeline threads in any order.
  auto remaining = std::make_shared<std::atomic<size_t>>(batches);
  auto done = std::make_shared<std::function<void()>>(std::move(on_complete));
  const TimePoint received = Clock::now();
  for (size_t first = 0; first < records.size(); first += batch_size_) {
    EventBatch batch;
    const size_t last = std::min(records.size(), first + batch_size_);
    batch.events.reserve(last - first);
    for (size_t i = first; i < last; ++i) {
      Event& event = batch.events.emplace_back(input_, records[i]);
      std::string().swap(records[i]);
      event.set_receive_time(received);
      event.set_event_time(received);
      event.set_position({origin, i, i + 1});
      if (!parser_->parse(event)) parse_errors_.Increment();
    }
    const size_t count = batch.events.size();
    batch.on_committed = [remaining, done] {
      if (remaining->fetch_sub(1) == 1 && *done) (*done)();
    };
    if (!out.submit(std::move(batch))) return false;
    events_.Increment(static_cast<double>(count));
  }
  return true;
}

}  // namespace tripline
