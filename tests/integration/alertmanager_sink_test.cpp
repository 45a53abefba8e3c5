#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "core/time_util.h"
#include "exporters/delivery/spooled_sink.h"
#include "tests/support/alertmanager_server.h"
#include "tests/support/sink_config.h"
#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct AmAlert {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string ends_at;
  std::string updated_at;
};

// GET /api/v2/alerts, parsed.
std::vector<AmAlert> list_alerts(uint16_t port) {
  const auto res = testing::http_get(port, "/api/v2/alerts");
  std::vector<AmAlert> out;
  if (res.status != 200) return out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(res.body).get(doc)) return out;
  for (simdjson::dom::element item : doc.get_array()) {
    AmAlert a;
    for (auto [k, v] : item["labels"].get_object()) {
      a.labels[std::string(k)] = std::string(v.get_string().value());
    }
    for (auto [k, v] : item["annotations"].get_object()) {
      a.annotations[std::string(k)] = std::string(v.get_string().value());
    }
    a.ends_at = std::string(item["endsAt"].get_string().value());
    a.updated_at = std::string(item["updatedAt"].get_string().value());
    out.push_back(std::move(a));
  }
  return out;
}

std::string am_output(const std::string& url, const std::string& extra = "") {
  return "  - { name: am, type: alertmanager, url: \"" + url +
         "\", resend_interval: 1s, firing_for: 10m, labels: { env: test }, "
         "retry: { initial_backoff: 50ms, max_backoff: 500ms }, "
         "circuit_breaker: { open_for: 500ms }" + extra + " }";
}

class AlertmanagerSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRIPLINE_REQUIRE_BINARY(testing::kAlertmanagerBinary, "prometheus-alertmanager");
    am_ = std::make_unique<testing::AlertmanagerServer>();
    ASSERT_TRUE(am_->wait_ready()) << am_->log();
  }
  std::unique_ptr<testing::AlertmanagerServer> am_;
  testing::TempDir state_;
};

TEST_F(AlertmanagerSinkTest, AlertmanagerListsAlertsWithTheExpectedLabelsAndAnnotations) {
  Diagnostics diags;
  auto sink = testing::build_sink(am_output(am_->url()), state_.path(), diags);
  ASSERT_TRUE(sink) << testing::diag_text(diags);
  auto alerts = testing::make_alerts(0, 3, "ssh-brute");
  alerts[0].group = {{"source.ip", "203.0.113.9"}, {"user", "root"}};
  ASSERT_TRUE(sink->deliver(alerts));
  ASSERT_TRUE(dynamic_cast<SpooledSink&>(*sink).wait_drained(seconds(10)));

  std::vector<AmAlert> listed;
  ASSERT_TRUE(testing::wait_until([&] { return (listed = list_alerts(am_->port())).size() == 3; },
                                  seconds(10)))
      << listed.size();
  const AmAlert* first = nullptr;
  for (const auto& a : listed) {
    if (a.annotations.at("alert_id") == "alert-0") first = &a;
  }
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->labels.at("alertname"), "Test alert 0");
  EXPECT_EQ(first->labels.at("rule_id"), "ssh-brute");
  EXPECT_EQ(first->labels.at("sev"), "SEV2");
  EXPECT_EQ(first->labels.at("host"), "host-a");
  EXPECT_EQ(first->labels.at("env"), "test");
  EXPECT_EQ(first->labels.at("source_ip"), "203.0.113.9");
  EXPECT_EQ(first->labels.at("user"), "root");
  EXPECT_EQ(first->annotations.at("title"), "Test alert 0");
  EXPECT_EQ(first->annotations.at("runbook"), "https://runbooks.example/ssh");
  EXPECT_NE(first->annotations.at("summary").find("source.ip=203.0.113.9"), std::string::npos);
  sink->close();
}

TEST_F(AlertmanagerSinkTest, FiringAlertsAreResentAndWindowedAlertsResolveAtTheirEnd) {
  Diagnostics diags;
  auto sink = testing::build_sink(am_output(am_->url()), state_.path(), diags);
  ASSERT_TRUE(sink) << testing::diag_text(diags);
  auto alerts = testing::make_alerts(0, 2);
  alerts[0].time = Clock::now();
  alerts[1].time = Clock::now();
  alerts[1].ends_at = Clock::now() + seconds(3);  // a window that resolves in 3s
  ASSERT_TRUE(sink->deliver(alerts));
  std::vector<AmAlert> listed;
  ASSERT_TRUE(testing::wait_until([&] { return (listed = list_alerts(am_->port())).size() == 2; },
                                  seconds(10)));
  std::string windowed_end, firing_updated;
  for (const auto& a : listed) {
    if (a.annotations.at("alert_id") == "alert-1") windowed_end = a.ends_at;
    if (a.annotations.at("alert_id") == "alert-0") firing_updated = a.updated_at;
  }
  const auto parsed_end = parse_rfc3339(windowed_end);
  ASSERT_TRUE(parsed_end.has_value()) << windowed_end;
  EXPECT_LT(std::chrono::abs(*parsed_end - *alerts[1].ends_at), milliseconds(1));
  // After the window: only the firing alert is listed, and it was re-sent (updatedAt moved).
  ASSERT_TRUE(testing::wait_until(
      [&] {
        listed = list_alerts(am_->port());
        return listed.size() == 1 && listed[0].updated_at != firing_updated;
      },
      seconds(15)));
  EXPECT_EQ(listed[0].annotations.at("alert_id"), "alert-0");
  sink->close();
}

TEST_F(AlertmanagerSinkTest, AlertsSpooledWhileAlertmanagerIsDownArriveAfterItReturns) {
  am_->stop();
  Diagnostics diags;
  auto sink = testing::build_sink(am_output(am_->url()), state_.path(), diags);
  ASSERT_TRUE(sink);
  for (int i = 0; i < 20; ++i) {
    auto a = testing::make_alert(i);
    a.group = {{"n", std::to_string(i)}};
    ASSERT_TRUE(sink->deliver({&a, 1}));
  }
  std::this_thread::sleep_for(seconds(1));
  EXPECT_EQ(dynamic_cast<SpooledSink&>(*sink).spool().pending_records(), 20u);
  am_->start();
  ASSERT_TRUE(am_->wait_ready());
  std::vector<AmAlert> listed;
  EXPECT_TRUE(testing::wait_until(
      [&] { return (listed = list_alerts(am_->port())).size() == 20; }, seconds(20)))
      << listed.size();
  sink->close();
}

}  // namespace
}  // namespace tripline
