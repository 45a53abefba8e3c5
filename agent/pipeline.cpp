#include "agent/pipeline.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string_view>

#include "core/metrics.h"

namespace tripline {

Pipeline::Pipeline(int threads, size_t queue_batches, std::shared_ptr<Matcher> matcher,
                   AlertDispatcher& dispatcher)
    : dispatcher_(dispatcher), threads_(threads < 1 ? 1 : threads), matcher_(std::move(matcher)) {
  const size_t per_worker = std::max<size_t>(1, queue_batches / static_cast<size_t>(threads_));
  for (int i = 0; i < threads_; ++i) {
    queues_.push_back(std::make_unique<BoundedQueue<EventBatch>>(per_worker));
  }
}

Pipeline::~Pipeline() { drain(); }

void Pipeline::start() {
  for (auto& q : queues_) workers_.emplace_back([this, queue = q.get()] { work(*queue); });
}

BoundedQueue<EventBatch>& Pipeline::queue_for(const EventBatch& batch) {
  if (queues_.size() == 1 || batch.events.empty()) return *queues_.front();
  return *queues_[std::hash<std::string_view>{}(batch.events.front().source()) % queues_.size()];
}

bool Pipeline::submit(EventBatch batch) {
  BoundedQueue<EventBatch>& queue = queue_for(batch);
  return queue.push(std::move(batch));
}

void Pipeline::set_matcher(std::shared_ptr<Matcher> matcher) {
  std::lock_guard lock(matcher_mutex_);
  matcher_ = std::move(matcher);
}

std::shared_ptr<Matcher> Pipeline::matcher() const {
  std::lock_guard lock(matcher_mutex_);
  return matcher_;
}

void Pipeline::work(BoundedQueue<EventBatch>& queue) {
  auto& eval_seconds = Metrics::global().rule_eval_seconds();
  std::vector<Alert> alerts;
  while (auto batch = queue.pop()) {
    const std::shared_ptr<Matcher> m = matcher();
    alerts.clear();
    const auto started = std::chrono::steady_clock::now();
    for (const Event& event : batch->events) m->evaluate(event, alerts);
    eval_seconds.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (dispatcher_.deliver(alerts) && batch->on_committed) batch->on_committed();
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
  for (auto& q : queues_) q->close();
  for (auto& w : workers_) w.join();
  workers_.clear();
  std::vector<Alert> alerts;
  matcher()->finish(alerts);
  dispatcher_.deliver(alerts);
}

}  // namespace tripline
