#include "agent/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

namespace tripline {
namespace {

// Emits one alert per event whose raw text starts with "hit".
class PrefixMatcher : public Matcher {
 public:
  void evaluate(const Event& e, std::vector<Alert>& out) override {
    if (e.raw().substr(0, 3) == "hit") out.push_back(alert_from_event(e, "r"));
  }
  void advance(TimePoint, std::vector<Alert>&) override {}
  void finish(std::vector<Alert>& out) override {
    Alert a;
    a.rule_id = "final";
    out.push_back(a);
  }
  size_t rule_count() const override { return 1; }
};

class RecordingSink : public Sink {
 public:
  explicit RecordingSink(std::atomic<int>* refusals) : refusals_(refusals) {}
  const std::string& name() const override { return name_; }
  bool deliver(std::span<const Alert> alerts) override {
    if (refusals_ && refusals_->load() > 0) {
      --*refusals_;
      return false;
    }
    std::lock_guard lock(mutex);
    for (const auto& a : alerts) received.push_back(a.rule_id);
    return true;
  }
  std::mutex mutex;
  std::vector<std::string> received;

 private:
  std::string name_ = "rec";
  std::atomic<int>* refusals_;
};

EventBatch make_batch(const std::vector<std::string>& lines, std::function<void()> done) {
  auto input = std::make_shared<InputInfo>();
  EventBatch b;
  for (const auto& l : lines) b.events.emplace_back(input, l);
  b.on_committed = std::move(done);
  return b;
}

TEST(PipelineTest, AcknowledgesOnlyAfterSinksAcceptedAlerts) {
  std::atomic<int> refusals{3};
  auto sink = std::make_unique<RecordingSink>(&refusals);
  RecordingSink* raw = sink.get();
  std::vector<std::unique_ptr<Sink>> sinks;
  sinks.push_back(std::move(sink));
  AlertDispatcher dispatcher(std::move(sinks));
  Pipeline pipeline(2, 4, std::make_shared<PrefixMatcher>(), dispatcher);
  pipeline.start();
  std::atomic<int> committed{0};
  ASSERT_TRUE(pipeline.submit(make_batch({"hit 1", "miss", "hit 2"}, [&] {
    std::lock_guard lock(raw->mutex);
    // The sink already holds both alerts when the batch is acknowledged.
    EXPECT_EQ(raw->received.size(), 2u);
    ++committed;
  })));
  pipeline.drain();
  EXPECT_EQ(committed.load(), 1);
  EXPECT_EQ(refusals.load(), 0);  // the refused deliveries were retried
  EXPECT_EQ(raw->received.back(), "final");
}

TEST(PipelineTest, SubmitBlocksWhenQueueIsFullAndFailsAfterDrain) {
  std::vector<std::unique_ptr<Sink>> sinks;
  AlertDispatcher dispatcher(std::move(sinks));
  Pipeline pipeline(1, 1, std::make_shared<PrefixMatcher>(), dispatcher);
  // Not started: the queue (capacity 1) fills and the second submit must block.
  ASSERT_TRUE(pipeline.submit(make_batch({"a"}, nullptr)));
  std::atomic<bool> second_returned{false};
  std::thread producer([&] {
    pipeline.submit(make_batch({"b"}, nullptr));
    second_returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(second_returned.load());
  pipeline.start();
  producer.join();
  EXPECT_TRUE(second_returned.load());
  pipeline.drain();
  EXPECT_FALSE(pipeline.submit(make_batch({"c"}, nullptr)));
}

TEST(PipelineTest, UndeliverableBatchIsNotAcknowledgedWhenAbandoned) {
  std::atomic<int> refusals{1 << 30};
  std::vector<std::unique_ptr<Sink>> sinks;
  sinks.push_back(std::make_unique<RecordingSink>(&refusals));
  AlertDispatcher dispatcher(std::move(sinks));
  Pipeline pipeline(1, 4, std::make_shared<PrefixMatcher>(), dispatcher);
  pipeline.start();
  std::atomic<int> committed{0};
  pipeline.submit(make_batch({"hit"}, [&] { ++committed; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  pipeline.abandon_delivery();
  pipeline.drain();
  EXPECT_EQ(committed.load(), 0);
}

// Workers evaluate in parallel, but a batch that takes longer does not let later ones reach
// the sink first: sinks see input order, and a refused batch cannot be overtaken.
TEST(PipelineTest, SinksReceiveBatchesInQueueOrderWhateverTheEvaluationTime) {
  auto sink = std::make_unique<RecordingSink>(nullptr);
  RecordingSink* raw = sink.get();
  std::vector<std::unique_ptr<Sink>> sinks;
  sinks.push_back(std::move(sink));
  AlertDispatcher dispatcher(std::move(sinks));
  // Names each alert after its event; events starting with "slow" take 50 ms to evaluate.
  class SlowMatcher : public PrefixMatcher {
    void evaluate(const Event& e, std::vector<Alert>& out) override {
      if (e.raw().substr(0, 4) == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(50));
      Alert a;
      a.rule_id = std::string(e.raw());
      out.push_back(a);
    }
  };
  Pipeline pipeline(4, 16, std::make_shared<SlowMatcher>(), dispatcher);
  pipeline.start();
  std::vector<std::string> expected;
  for (int i = 0; i < 12; ++i) {
    const std::string line = (i % 3 == 0 ? "slow " : "fast ") + std::to_string(i);
    expected.push_back(line);
    ASSERT_TRUE(pipeline.submit(make_batch({line}, nullptr)));
  }
  pipeline.drain();
  expected.push_back("final");
  std::lock_guard lock(raw->mutex);
  EXPECT_EQ(raw->received, expected);
}

TEST(PipelineTest, SwappedMatcherIsUsedForLaterBatches) {
  auto sink = std::make_unique<RecordingSink>(nullptr);
  RecordingSink* raw = sink.get();
  std::vector<std::unique_ptr<Sink>> sinks;
  sinks.push_back(std::move(sink));
  AlertDispatcher dispatcher(std::move(sinks));
  class NoneMatcher : public PrefixMatcher {
    void evaluate(const Event&, std::vector<Alert>&) override {}
  };
  Pipeline pipeline(1, 4, std::make_shared<NoneMatcher>(), dispatcher);
  pipeline.start();
  pipeline.set_matcher(std::make_shared<PrefixMatcher>());
  pipeline.submit(make_batch({"hit"}, nullptr));
  pipeline.drain();
  EXPECT_EQ(raw->received.size(), 2u);  // "r" and "final"
}

}  // namespace
}  // namespace tripline

namespace tripline {
namespace {

// Records the order events are evaluated in, per input, and sleeps a little on odd batches so
// that a pool sharing one queue would let later batches overtake earlier ones.
class OrderMatcher : public Matcher {
 public:
  void evaluate(const Event& e, std::vector<Alert>&) override {
    const std::string text(e.raw());
    if (text.back() == '1') std::this_thread::sleep_for(std::chrono::microseconds(300));
    std::lock_guard lock(mutex);
    seen[std::string(e.source())].push_back(std::stoi(text));
  }
  void advance(TimePoint, std::vector<Alert>&) override {}
  void finish(std::vector<Alert>&) override {}
  size_t rule_count() const override { return 1; }
  std::mutex mutex;
  std::map<std::string, std::vector<int>> seen;
};

TEST(PipelineTest, BatchesOfOneInputAreEvaluatedInTheOrderSubmitted) {
  std::vector<std::unique_ptr<Sink>> sinks;
  sinks.push_back(std::make_unique<RecordingSink>(nullptr));
  AlertDispatcher dispatcher(std::move(sinks));
  auto matcher = std::make_shared<OrderMatcher>();
  Pipeline pipeline(4, 16, matcher, dispatcher);
  pipeline.start();
  std::vector<std::shared_ptr<InputInfo>> inputs;
  for (const char* name : {"auth", "app", "cloudtrail"}) {
    auto in = std::make_shared<InputInfo>();
    in->name = name;
    inputs.push_back(in);
  }
  for (int i = 0; i < 300; ++i) {
    EventBatch b;
    b.events.emplace_back(inputs[static_cast<size_t>(i) % 3], std::to_string(i));
    ASSERT_TRUE(pipeline.submit(std::move(b)));
  }
  pipeline.drain();
  ASSERT_EQ(matcher->seen.size(), 3u);
  for (const auto& [input, order] : matcher->seen) {
    EXPECT_EQ(order.size(), 100u);
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << input;
  }
}

}  // namespace
}  // namespace tripline
