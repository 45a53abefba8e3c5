#include "exporters/delivery/spooled_sink.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "core/metrics.h"
#include "exporters/exporter_metrics.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

using std::chrono::milliseconds;

// Records what it receives; fails while `down` is set, refuses alerts whose rule is "poison".
class FakeTransport : public Transport {
 public:
  struct State {
    std::mutex mu;
    std::vector<std::string> received;
    std::atomic<bool> down{false};
    std::atomic<int> attempts{0};
    std::atomic<int> closed{0};
  };
  explicit FakeTransport(std::shared_ptr<State> s) : s_(std::move(s)) {}
  SendResult send(std::span<const Alert> alerts) override {
    ++s_->attempts;
    if (s_->down) return SendResult::retry("receiver down");
    if (!alerts.empty() && alerts[0].rule_id == "poison") return SendResult::reject("400 bad");
    std::lock_guard lock(s_->mu);
    for (const auto& a : alerts) s_->received.push_back(a.alert_id);
    return SendResult::ok();
  }
  void close() override { ++s_->closed; }

 private:
  std::shared_ptr<State> s_;
};

DeliveryOptions fast_options() {
  DeliveryOptions o;
  o.backoff = {milliseconds(5), milliseconds(20), 2.0, 0.0};
  o.breaker = {3, milliseconds(50)};
  o.batch_size = 16;
  o.drain_timeout = milliseconds(2000);
  return o;
}

std::unique_ptr<SpooledSink> make_sink(const std::string& dir, const std::string& name,
                                       std::shared_ptr<FakeTransport::State> state,
                                       DeliveryOptions options = fast_options()) {
  std::string error;
  auto spool = Spool::open(dir, name, options.spool, error);
  EXPECT_TRUE(spool) << error;
  return std::make_unique<SpooledSink>(name, std::move(spool),
                                       std::make_unique<FakeTransport>(state), options);
}

std::vector<std::string> ids(int from, int count) {
  std::vector<std::string> out;
  for (int i = from; i < from + count; ++i) out.push_back("alert-" + std::to_string(i));
  return out;
}

TEST(SpooledSink, DeliversEveryAlertInOrderAndCountsThem) {
  testing::TempDir tmp;
  auto state = std::make_shared<FakeTransport::State>();
  auto sink = make_sink(tmp.path(), "ordered", state);
  const double before = Metrics::global().sink_sent("ordered").Value();
  for (int i = 0; i < 100; i += 10) ASSERT_TRUE(sink->deliver(testing::make_alerts(i, 10)));
  ASSERT_TRUE(sink->wait_drained(milliseconds(5000)));
  EXPECT_EQ(state->received, ids(0, 100));
  EXPECT_EQ(Metrics::global().sink_sent("ordered").Value() - before, 100.0);
}

TEST(SpooledSink, RetriesThroughAnOutageWithoutLosingOrReordering) {
  testing::TempDir tmp;
  auto state = std::make_shared<FakeTransport::State>();
  state->down = true;
  auto sink = make_sink(tmp.path(), "outage", state);
  const double failures_before = Metrics::global().sink_failures("outage").Value();
  for (int i = 0; i < 50; i += 5) ASSERT_TRUE(sink->deliver(testing::make_alerts(i, 5)));
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_GT(Metrics::global().sink_failures("outage").Value(), failures_before);
  EXPECT_EQ(sink->spool().pending_records(), 50u);
  state->down = false;
  ASSERT_TRUE(sink->wait_drained(milliseconds(5000)));
  EXPECT_EQ(state->received, ids(0, 50));
}

TEST(SpooledSink, CircuitBreakerPausesAttemptsWhileOpen) {
  testing::TempDir tmp;
  auto state = std::make_shared<FakeTransport::State>();
  state->down = true;
  DeliveryOptions options = fast_options();
  options.backoff = {milliseconds(1), milliseconds(1), 1.0, 0.0};
  options.breaker = {3, milliseconds(400)};
  auto sink = make_sink(tmp.path(), "breaker", state, options);
  sink->deliver(testing::make_alerts(0, 1));
  std::this_thread::sleep_for(milliseconds(200));
  // 3 attempts open the circuit; no more until 400ms pass (1ms backoff would allow ~200).
  EXPECT_EQ(state->attempts.load(), 3);
  EXPECT_EQ(ExporterMetrics::circuit_open("breaker").Value(), 1.0);
  std::this_thread::sleep_for(milliseconds(350));
  EXPECT_EQ(state->attempts.load(), 4);  // the half-open trial, which failed
  state->down = false;
  ASSERT_TRUE(sink->wait_drained(milliseconds(3000)));
  EXPECT_EQ(ExporterMetrics::circuit_open("breaker").Value(), 0.0);
}

TEST(SpooledSink, RejectedBatchIsDroppedCountedAndDoesNotBlockTheRest) {
  testing::TempDir tmp;
  auto state = std::make_shared<FakeTransport::State>();
  auto sink = make_sink(tmp.path(), "reject", state);
  ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 2, "poison")));
  ASSERT_TRUE(sink->wait_drained(milliseconds(3000)));
  ASSERT_TRUE(sink->deliver(testing::make_alerts(2, 3)));
  ASSERT_TRUE(sink->wait_drained(milliseconds(3000)));
  EXPECT_EQ(state->received, ids(2, 3));
  EXPECT_EQ(ExporterMetrics::sink_rejected("reject").Value(), 2.0);
}

TEST(SpooledSink, FullSpoolUnderBlockPolicyMakesDeliverFail) {
  testing::TempDir tmp;
  auto state = std::make_shared<FakeTransport::State>();
  state->down = true;
  DeliveryOptions options = fast_options();
  options.spool.max_bytes = 2048;
  auto sink = make_sink(tmp.path(), "blocked", state, options);
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) refused = !sink->deliver(testing::make_alerts(i, 1));
  EXPECT_TRUE(refused);
  EXPECT_EQ(Metrics::global().spool_dropped("blocked").Value(), 0.0);
}

TEST(SpooledSink, AlertsLeftAtCloseAreDeliveredByTheNextInstance) {
  testing::TempDir tmp;
  auto state = std::make_shared<FakeTransport::State>();
  state->down = true;
  DeliveryOptions options = fast_options();
  options.drain_timeout = milliseconds(50);
  {
    auto sink = make_sink(tmp.path(), "restart", state, options);
    ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 20)));
    sink->close();
    EXPECT_EQ(state->closed.load(), 1);
  }
  state->down = false;
  auto sink = make_sink(tmp.path(), "restart", state, options);
  ASSERT_TRUE(sink->wait_drained(milliseconds(3000)));
  EXPECT_EQ(state->received, ids(0, 20));
}

TEST(SpooledSink, ValidateOnlyFactoryPathOpensNoSpool) {
  testing::TempDir tmp;
  OutputConfig config;
  config.name = "check";
  SinkContext context;
  context.state_dir = tmp.path();
  context.validate_only = true;
  Diagnostics diags;
  auto sink = make_spooled_sink(config, context, fast_options(),
                                std::make_unique<FakeTransport>(
                                    std::make_shared<FakeTransport::State>()),
                                diags);
  ASSERT_TRUE(sink);
  EXPECT_FALSE(std::filesystem::exists(tmp / "spool"));
}

}  // namespace
}  // namespace tripline
