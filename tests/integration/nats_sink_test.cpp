#include <gtest/gtest.h>
#include <nats/nats.h>

#include <filesystem>
#include <set>
#include <thread>

#include "exporters/delivery/spooled_sink.h"
#include "exporters/nats/nats_sink.h"
#include "tests/support/agent_harness.h"
#include "tests/support/nats_server.h"
#include "tests/support/sink_config.h"
#include "tests/support/test_alerts.h"
#include "tests/support/tick_log.h"

namespace tripline {
namespace {

using std::chrono::seconds;

std::string nats_output(const std::string& url) {
  return "  - { name: bus, type: nats, url: \"" + url +
         "\", stream: TRIPLINE_ALERTS, create_stream: true, batch_size: 50, "
         "retry: { initial_backoff: 50ms, max_backoff: 300ms }, "
         "circuit_breaker: { open_for: 300ms } }";
}

struct StoredMsg {
  std::string id;  // Nats-Msg-Id
  std::string subject;
  std::string data;
};

// Every message of `stream`, in stream order.
std::vector<StoredMsg> read_stream(const std::string& url, const std::string& stream) {
  std::vector<StoredMsg> out;
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, url.c_str()) != NATS_OK) return out;
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, nullptr);
  jsStreamInfo* si = nullptr;
  if (js_GetStreamInfo(&si, js, stream.c_str(), nullptr, nullptr) == NATS_OK) {
    const uint64_t first = si->State.FirstSeq, last = si->State.LastSeq;
    jsStreamInfo_Destroy(si);
    for (uint64_t seq = first; seq <= last && last > 0; ++seq) {
      natsMsg* msg = nullptr;
      if (js_GetMsg(&msg, js, stream.c_str(), seq, nullptr, nullptr) != NATS_OK) continue;
      const char* id = nullptr;
      natsMsgHeader_Get(msg, "Nats-Msg-Id", &id);
      out.push_back({id ? id : "", natsMsg_GetSubject(msg),
                     std::string(natsMsg_GetData(msg),
                                 static_cast<size_t>(natsMsg_GetDataLength(msg)))});
      natsMsg_Destroy(msg);
    }
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return out;
}

class NatsSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRIPLINE_REQUIRE_BINARY(testing::kNatsServerBinary, "nats-server");
    nats_ = std::make_unique<testing::NatsServer>();
    ASSERT_TRUE(nats_->wait_ready()) << nats_->log();
  }
  std::unique_ptr<testing::NatsServer> nats_;
  testing::TempDir state_;
};

TEST(NatsSubject, TemplatePlaceholdersAreFilledWithSubjectSafeTokens) {
  Alert a = testing::make_alert(1, "aws.iam *create* >user");
  EXPECT_EQ(NatsTransport::subject_for("tripline.alerts.{sev}.{rule_id}", a),
            "tripline.alerts.SEV2.aws_iam__create___user");
  EXPECT_EQ(NatsTransport::subject_filter("tripline.{host}.{sev}.{rule_id}"), "tripline.*.*.*");
}

TEST_F(NatsSinkTest, PublishesToJetStreamWithTheAlertIdAsMessageId) {
  Diagnostics diags;
  auto sink = testing::build_sink(nats_output(nats_->url()), state_.path(), diags);
  ASSERT_TRUE(sink) << testing::diag_text(diags);
  const auto alerts = testing::make_alerts(0, 20, "ssh-brute");
  ASSERT_TRUE(sink->deliver(alerts));
  ASSERT_TRUE(sink->deliver(std::span(alerts).subspan(0, 5)));  // replays
  ASSERT_TRUE(dynamic_cast<SpooledSink&>(*sink).wait_drained(seconds(10)));
  const auto stored = read_stream(nats_->url(), "TRIPLINE_ALERTS");
  ASSERT_EQ(stored.size(), 20u);  // the 5 replays were dropped by JetStream
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].id, alerts[i].alert_id);
    EXPECT_EQ(stored[i].subject, "tripline.alerts.SEV2.ssh-brute");
  }
}

TEST_F(NatsSinkTest, AlertsWaitInTheSpoolWhileTheServerIsDown) {
  Diagnostics diags;
  auto sink = testing::build_sink(nats_output(nats_->url()), state_.path(), diags);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 10)));
  ASSERT_TRUE(dynamic_cast<SpooledSink&>(*sink).wait_drained(seconds(10)));
  nats_->stop();
  ASSERT_TRUE(sink->deliver(testing::make_alerts(10, 10)));
  std::this_thread::sleep_for(seconds(1));
  EXPECT_EQ(dynamic_cast<SpooledSink&>(*sink).spool().pending_records(), 10u);
  nats_->start();
  ASSERT_TRUE(nats_->wait_ready());
  ASSERT_TRUE(dynamic_cast<SpooledSink&>(*sink).wait_drained(seconds(20)));
  EXPECT_EQ(read_stream(nats_->url(), "TRIPLINE_ALERTS").size(), 20u);
}

// Messages in `stream` now (0 when it does not exist yet).
uint64_t stream_messages(const std::string& url, const std::string& stream) {
  uint64_t n = 0;
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, url.c_str()) != NATS_OK) return 0;
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, nullptr);
  jsStreamInfo* si = nullptr;
  if (js_GetStreamInfo(&si, js, stream.c_str(), nullptr, nullptr) == NATS_OK) {
    n = si->State.Msgs;
    jsStreamInfo_Destroy(si);
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return n;
}

// Acceptance (#7): the real agent turns 10,000 input lines into 10,000 alerts for the fleet bus
// and is killed with SIGKILL three times while it reads and publishes; after the last restart the
// stream holds every alert exactly once: replays (re-read lines, re-sent spool batches) carry the
// same alert_id as Nats-Msg-Id and JetStream drops them.
TEST_F(NatsSinkTest, AgentKilledThreeTimesStillPublishesEveryAlertExactlyOnce) {
  constexpr int kCount = 10000;
  testing::AgentHarness agent("nats-agent");
  std::filesystem::create_directories(agent.path("log"));
  std::filesystem::create_directories(agent.path("rules"));
  testing::write_file(agent.path("rules/tick.yml"), testing::tick_rule_yaml());
  agent.write_config(testing::tail_agent_config(agent.dir(), nats_output(nats_->url()) + "\n"));

  // The input grows over ~6 s so that kills land while lines are read and alerts published.
  std::thread writer([&] {
    FILE* f = std::fopen(agent.path("log/app.log").c_str(), "a");
    for (int seq = 0; seq < kCount; ++seq) {
      std::fputs(testing::tick_line(seq).c_str(), f);
      if (seq % 200 == 199) {
        std::fflush(f);
        std::this_thread::sleep_for(std::chrono::milliseconds(120));
      }
    }
    std::fclose(f);
  });
  for (const uint64_t kill_at : {1500u, 4000u, 7000u}) {
    ASSERT_TRUE(agent.start()) << agent.log();
    ASSERT_TRUE(testing::wait_until(
        [&] { return stream_messages(nats_->url(), "TRIPLINE_ALERTS") >= kill_at; }, seconds(120)))
        << agent.log();
    EXPECT_EQ(agent.stop(SIGKILL), 128 + SIGKILL);
  }
  writer.join();
  ASSERT_TRUE(agent.start()) << agent.log();
  ASSERT_TRUE(testing::wait_until(
      [&] { return stream_messages(nats_->url(), "TRIPLINE_ALERTS") >= kCount; }, seconds(180)))
      << stream_messages(nats_->url(), "TRIPLINE_ALERTS") << "\n" << agent.log();
  // Give stragglers (a replayed spool batch) the chance to show up as extra messages.
  std::this_thread::sleep_for(seconds(2));
  EXPECT_EQ(agent.stop(), 0);

  const auto stored = read_stream(nats_->url(), "TRIPLINE_ALERTS");
  EXPECT_EQ(stored.size(), static_cast<size_t>(kCount)) << "duplicates or losses";
  std::set<std::string> ids;
  testing::TickScanner ticks("", kCount);
  for (const StoredMsg& m : stored) {
    ids.insert(m.id);
    ticks.add(m.data);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kCount));
  EXPECT_EQ(ticks.distinct(), static_cast<size_t>(kCount));
  EXPECT_EQ(ticks.duplicates(), 0u);
  EXPECT_EQ(ticks.bad_payloads(), 0u);
  const auto missing = ticks.missing();
  EXPECT_TRUE(missing.empty()) << "first missing seq " << missing.front();
}

}  // namespace
}  // namespace tripline
