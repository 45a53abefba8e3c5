#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <map>
#include <set>

#include "core/metrics.h"
#include "exporters/delivery/spooled_sink.h"
#include "tests/support/alertmanager_server.h"
#include "tests/support/sink_config.h"
#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// alert_id annotations currently listed by Alertmanager, per rule_id label.
std::map<std::string, std::set<std::string>> listed_by_rule(uint16_t port) {
  std::map<std::string, std::set<std::string>> out;
  const auto res = testing::http_get(port, "/api/v2/alerts");
  if (res.status != 200) return out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(res.body).get(doc)) return out;
  for (simdjson::dom::element item : doc.get_array()) {
    std::string_view rule, id;
    if (item["labels"]["rule_id"].get(rule) || item["annotations"]["alert_id"].get(id)) continue;
    out[std::string(rule)].insert(std::string(id));
  }
  return out;
}

std::string output(const std::string& name, const std::string& url, const std::string& spool) {
  return "  - { name: " + name + ", type: alertmanager, url: \"" + url +
         "\", resend_interval: 2s, firing_for: 30m, spool: " + spool +
         ", retry: { initial_backoff: 200ms, max_backoff: 5s }, "
         "circuit_breaker: { failure_threshold: 5, open_for: 5s } }";
}

// Acceptance: the receiver is down for two minutes under a steady alert flow. The sink with a
// roomy spool delivers every alert once it returns; the sink whose spool cap is below the outage
// volume keeps to its overflow policy (drop_oldest) and its drop counter equals what is missing.
TEST(SinkOutage, ReceiverDownForTwoMinutesLosesNothingOrExactlyWhatTheCounterSays) {
  TRIPLINE_REQUIRE_BINARY(testing::kAlertmanagerBinary, "prometheus-alertmanager");
  const char* env = std::getenv("TRIPLINE_OUTAGE_SECONDS");
  const int outage_s = env ? std::atoi(env) : 120;
  testing::AlertmanagerServer am;
  ASSERT_TRUE(am.wait_ready()) << am.log();
  testing::TempDir state;
  Diagnostics diags;
  auto roomy = testing::build_sink(output("outage-roomy", am.url(), "{ max_bytes: 64MiB }"),
                                   state.path(), diags);
  auto capped = testing::build_sink(
      output("outage-capped", am.url(), "{ max_bytes: 16KiB, overflow: drop_oldest }"),
      state.path(), diags);
  ASSERT_TRUE(roomy && capped) << testing::diag_text(diags);

  int produced = 0;
  const auto produce_for = [&](milliseconds duration) {
    const auto end = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < end) {
      Alert a = testing::make_alert(produced, "roomy");
      a.group = {{"n", std::to_string(produced)}};
      ASSERT_TRUE(roomy->deliver({&a, 1}));
      a.rule_id = "capped";
      ASSERT_TRUE(capped->deliver({&a, 1}));
      ++produced;
      std::this_thread::sleep_for(milliseconds(100));
    }
  };
  produce_for(seconds(3));
  am.stop();
  produce_for(seconds(outage_s));
  am.start();
  ASSERT_TRUE(am.wait_ready());
  produce_for(seconds(3));

  ASSERT_TRUE(dynamic_cast<SpooledSink&>(*roomy).wait_drained(seconds(60)));
  ASSERT_TRUE(dynamic_cast<SpooledSink&>(*capped).wait_drained(seconds(60)));
  const double dropped = Metrics::global().spool_dropped("outage-capped").Value();
  EXPECT_GT(dropped, 0.0) << "the cap must be below the outage volume for this test to mean much";
  EXPECT_EQ(Metrics::global().spool_dropped("outage-roomy").Value(), 0.0);

  // Alerts sent before the outage come back with the next re-send.
  std::map<std::string, std::set<std::string>> listed;
  EXPECT_TRUE(testing::wait_until(
      [&] {
        listed = listed_by_rule(am.port());
        return listed["roomy"].size() == static_cast<size_t>(produced) &&
               listed["capped"].size() + static_cast<size_t>(dropped) ==
                   static_cast<size_t>(produced);
      },
      seconds(30), milliseconds(500)))
      << "produced " << produced << ", roomy " << listed["roomy"].size() << ", capped "
      << listed["capped"].size() << ", dropped " << dropped;
  // drop_oldest: what survives of the outage is its newest part.
  EXPECT_TRUE(listed["capped"].count("alert-" + std::to_string(produced - 1)));
  roomy->close();
  capped->close();
}

}  // namespace
}  // namespace tripline
