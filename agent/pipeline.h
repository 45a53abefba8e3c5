#pragma once
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "agent/alert_dispatcher.h"
#include "agent/bounded_queue.h"
#include "collectors/collector.h"
#include "rules/matcher.h"

namespace tripline {

// collectors → bounded queue → rule evaluation on a fixed worker pool → sinks → acknowledgement.
// A batch is acknowledged (EventBatch::on_committed) only after every sink holds its alerts.
// Each worker has its own queue and the batches of one input always go to the same one, in the
// order submitted: an input's events are evaluated in order, so windowed rules (correlations)
// see them as `replay` does and raise the same alerts. Different inputs run in parallel.
class Pipeline : public BatchConsumer {
 public:
  Pipeline(int threads, size_t queue_batches, std::shared_ptr<Matcher> matcher,
           AlertDispatcher& dispatcher);
  ~Pipeline() override;

  void start();
  bool submit(EventBatch batch) override;

  // Swaps the rule set (reload). Batches in flight finish on the old one.
  void set_matcher(std::shared_ptr<Matcher> matcher);
  std::shared_ptr<Matcher> matcher() const;

  // Refuses further batches (submit() returns false) and wakes a collector blocked on the full
  // queue; what is queued is still evaluated by drain(). Refused batches were never acknowledged,
  // so their lines are read again after a restart.
  void stop_intake() {
    for (auto& q : queues_) q->close();
  }
  // Lets windowed rules emit what is due (called from a timer).
  void advance(TimePoint now);
  // Stops accepting, evaluates everything queued, flushes the rule set's pending windows and joins
  // the workers.
  void drain();
  // Gives up on batches that cannot be delivered (sinks refusing) so drain() can finish.
  void abandon_delivery() { dispatcher_.stop(); }

 private:
  void work(BoundedQueue<EventBatch>& queue);

  BoundedQueue<EventBatch>& queue_for(const EventBatch& batch);

  std::vector<std::unique_ptr<BoundedQueue<EventBatch>>> queues_;
  AlertDispatcher& dispatcher_;
  const int threads_;
  std::vector<std::thread> workers_;
  mutable std::mutex matcher_mutex_;
  std::shared_ptr<Matcher> matcher_;
  bool drained_ = false;
};

}  // namespace tripline
