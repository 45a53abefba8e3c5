#include "agent/pipeline.h"

#include <chrono>
#include <optional>

#include "core/metrics.h"

namespace tripline {

Pipeline::Pipeline(int threads, size_t queue_batches, std::shared_ptr<Matcher> matcher,
                   AlertDispatcher& dispatcher)
    : queue_(queue_batches),
      dispatcher_(dispatcher),
      threads_(threads < 1 ? 1 : threads),
      matcher_(std::move(matcher)) {}

Pipeline::~Pipeline() { drain(); }

void Pipeline::start() {
  for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
}

bool Pipeline::submit(EventBatch batch) { return queue_.push(std::move(batch)); }

void Pipeline::set_matcher(std::shared_ptr<Matcher> matcher) {
  std::lock_guard lock(matcher_mutex_);
  matcher_ = std::move(matcher);
}

std::shared_ptr<Matcher> Pipeline::matcher() const {
  std::lock_guard lock(matcher_mutex_);
  return matcher_;
}

void Pipeline::work() {
  auto& eval_seconds = Metrics::global().rule_eval_seconds();
  std::vector<Alert> alerts;
  for (;;) {
    std::optional<EventBatch> batch;
    uint64_t ticket = 0;
    {
      // Tickets follow queue order: only one worker waits in pop() at a time.
      std::lock_guard lock(pop_mutex_);
      batch = queue_.pop();
      if (!batch) break;
      ticket = next_ticket_++;
    }
    const std::shared_ptr<Matcher> m = matcher();
    alerts.clear();
    const auto started = std::chrono::steady_clock::now();
    for (const Event& event : batch->events) m->evaluate(event, alerts);
    eval_seconds.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    {
      std::unique_lock lock(turn_mutex_);
      turn_cv_.wait(lock, [&] { return turn_ == ticket; });
    }
    const bool delivered = dispatcher_.deliver(alerts);
    {
      std::lock_guard lock(turn_mutex_);
      ++turn_;
    }
    turn_cv_.notify_all();
    if (delivered && batch->on_committed) batch->on_committed();
  }
}

void Pipeline::advance(TimePoint now) {
  std::vector<Alert> alerts;
  matcher()->advance(now, alerts);
  dispatcher_.deliver(alerts);
}

void Pipeline::drain() {
  if (drained_) return;
  drained_ = true;
  queue_.close();
  for (auto& w : workers_) w.join();
  workers_.clear();
  std::vector<Alert> alerts;
  matcher()->finish(alerts);
  dispatcher_.deliver(alerts);
}

}  // namespace tripline
