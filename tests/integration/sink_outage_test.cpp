// Acceptance (#7), whole agent: a real Alertmanager is stopped for two minutes under a steady
// alert flow and started again. Four `tripline run` agents read the same flow (one tick every
// 100 ms) and deliver to it, one per spool setup:
//   roomy        64 MiB spool                → every alert delivered
//   block        16 KiB spool, overflow block → pipeline held, nothing dropped, all delivered
//   drop_oldest  16 KiB spool                → the outage's newest alerts survive (and the batch
//                                              that was being sent when it began)
//   drop_newest  16 KiB spool                → the outage's oldest alerts survive
// and for every agent, alerts listed by Alertmanager + tripline_spool_dropped_total = produced.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "tests/support/agent_harness.h"
#include "tests/support/alertmanager_server.h"
#include "tests/support/tick_log.h"

namespace tripline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// One Alertmanager alert per tick: a Lua rule that puts the tick's number in the alert's group,
// and so in its labels (Alertmanager merges alerts with equal labels).
constexpr const char* kTickRule = R"(rule {
  id = "outage-tick", title = "Outage tick", sev = "SEV2",
  logsource = { product = "faulttest" },
  on_event = function(event, state)
    alert { group = { seq = tostring(event["seq"]) } }
  end,
}
)";

// seq labels Alertmanager currently lists for `host`. Asked in ten slices (by the seq's last
// digit) so that no answer exceeds what the agent's HTTP client accepts (1 MiB).
std::set<int64_t> listed_for_host(uint16_t port, const std::string& host) {
  std::set<int64_t> out;
  simdjson::dom::parser parser;
  for (int digit = 0; digit < 10; ++digit) {
    // filter=host="<host>"&filter=seq=~".*<digit>", URL-encoded
    const auto res = testing::http_get(port, "/api/v2/alerts?filter=host%3D%22" + host +
                                                 "%22&filter=seq%3D~%22.*" +
                                                 std::to_string(digit) + "%22");
    simdjson::dom::element doc;
    if (res.status != 200 || parser.parse(res.body).get(doc)) return {};
    for (simdjson::dom::element item : doc.get_array()) {
      std::string_view seq;
      if (item["labels"]["seq"].get(seq)) continue;
      out.insert(std::atoll(std::string(seq).c_str()));
    }
  }
  return out;
}

struct PolicyAgent {
  std::string policy;
  std::string spool;
  std::unique_ptr<testing::AgentHarness> agent;
  std::string host() const { return "outage-" + policy; }
  double dropped() const { return agent->metric("tripline_spool_dropped_total{sink=\"am\"}"); }
};

TEST(SinkOutage, AlertmanagerDownForTwoMinutesEachSpoolPolicyHoldsAndCountsExactly) {
  TRIPLINE_REQUIRE_BINARY(testing::kAlertmanagerBinary, "prometheus-alertmanager");
  const char* env = std::getenv("TRIPLINE_OUTAGE_SECONDS");
  const int outage_s = env ? std::atoi(env) : 120;
  testing::AlertmanagerServer am;
  ASSERT_TRUE(am.wait_ready()) << am.log();

  const std::vector<std::pair<std::string, std::string>> setups = {
      {"roomy", "{ max_bytes: 64MiB }"},
      {"block", "{ max_bytes: 16KiB, overflow: block }"},
      {"drop_oldest", "{ max_bytes: 16KiB, overflow: drop_oldest }"},
      {"drop_newest", "{ max_bytes: 16KiB, overflow: drop_newest }"},
  };
  std::vector<PolicyAgent> agents(setups.size());
  for (size_t i = 0; i < setups.size(); ++i) {
    PolicyAgent& p = agents[i];
    p.policy = setups[i].first;
    p.spool = setups[i].second;
    p.agent = std::make_unique<testing::AgentHarness>("outage-" + p.policy);
    std::filesystem::create_directories(p.agent->path("log"));
    std::filesystem::create_directories(p.agent->path("rules"));
    testing::write_file(p.agent->path("rules/tick.lua"), kTickRule);
    p.agent->write_config(testing::tail_agent_config(
        p.agent->dir(),
        "  - { name: am, type: alertmanager, url: \"" + am.url() +
            "\", resend_interval: 2s, firing_for: 30m, spool: " + p.spool +
            ", retry: { initial_backoff: 200ms, max_backoff: 5s }, "
            "circuit_breaker: { failure_threshold: 5, open_for: 5s } }\n",
        ", poll_interval: 50ms", ", host: " + p.host()));
    ASSERT_TRUE(p.agent->start()) << p.agent->log();
  }

  int64_t produced = 0;
  const auto produce_for = [&](milliseconds duration) {
    const auto end = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < end) {
      const std::string line = testing::tick_line(produced++);
      for (PolicyAgent& p : agents) {
        FILE* f = std::fopen(p.agent->path("log/app.log").c_str(), "a");
        std::fputs(line.c_str(), f);
        std::fclose(f);
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
  };
  produce_for(seconds(3));
  am.stop();
  const int64_t outage_first = produced;
  produce_for(seconds(outage_s) / 2);
  // Mid-outage: the capped spools stay within their cap; `block` holds the pipeline instead.
  for (PolicyAgent& p : agents) {
    if (p.policy == "roomy") continue;
    EXPECT_LE(p.agent->metric("tripline_spool_bytes{sink=\"am\"}"), 16.0 * 1024) << p.policy;
  }
  EXPECT_NE(agents[1].agent->log().find("spool full; holding the pipeline"), std::string::npos);
  produce_for(seconds(outage_s) - seconds(outage_s) / 2);
  const int64_t outage_last = produced - 1;
  am.start();
  ASSERT_TRUE(am.wait_ready());
  // Once every spool has drained (after the sinks' backoff), the flow goes on and all of it must
  // arrive, whatever the policy.
  EXPECT_TRUE(testing::wait_until(
      [&] {
        for (PolicyAgent& p : agents) {
          if (p.agent->metric("tripline_spool_records{sink=\"am\"}") != 0.0) return false;
        }
        return true;
      },
      seconds(90), milliseconds(500)));
  const int64_t after_first = produced;
  produce_for(seconds(3));

  std::map<std::string, std::set<int64_t>> listed;
  const auto settled = [&] {
    for (PolicyAgent& p : agents) listed[p.host()] = listed_for_host(am.port(), p.host());
    for (PolicyAgent& p : agents) {
      const double dropped = p.dropped();
      if (std::isnan(dropped) ||
          listed[p.host()].size() + static_cast<size_t>(dropped) != static_cast<size_t>(produced)) {
        return false;
      }
    }
    return true;
  };
  EXPECT_TRUE(testing::wait_until(settled, seconds(120), milliseconds(1000)));
  for (PolicyAgent& p : agents) {
    const std::set<int64_t>& got = listed[p.host()];
    const double dropped = p.dropped();
    SCOPED_TRACE(p.policy + ": produced " + std::to_string(produced) + ", listed " +
                 std::to_string(got.size()) + ", dropped " + std::to_string(dropped));
    EXPECT_EQ(got.size() + static_cast<size_t>(dropped), static_cast<size_t>(produced));
    for (int64_t s = 0; s < outage_first; ++s) EXPECT_TRUE(got.count(s)) << "before: " << s;
    for (int64_t s = after_first; s < produced; ++s) EXPECT_TRUE(got.count(s)) << "after: " << s;
    if (p.policy == "roomy" || p.policy == "block") {
      EXPECT_EQ(dropped, 0.0);
    } else {
      EXPECT_GT(dropped, 0.0) << "the cap must be below the outage volume";
    }
    // What is missing is one run of the outage's alerts: under drop_oldest it ends before the
    // outage's newest alerts (kept) and starts after the batch in flight when the receiver went
    // away (never dropped); under drop_newest it runs to the end of the outage.
    std::vector<int64_t> missing;
    for (int64_t s = outage_first; s <= outage_last; ++s) {
      if (!got.count(s)) missing.push_back(s);
    }
    if (!missing.empty()) {
      EXPECT_EQ(missing.back() - missing.front() + 1, static_cast<int64_t>(missing.size()))
          << "the dropped alerts are not one run";
    }
    if (p.policy == "drop_oldest") {
      EXPECT_TRUE(got.count(outage_first));  // in flight
      EXPECT_TRUE(got.count(outage_last));
    }
    if (p.policy == "drop_newest") {
      EXPECT_TRUE(got.count(outage_first));
      EXPECT_FALSE(got.count(outage_last));
      EXPECT_TRUE(!missing.empty() && missing.back() == outage_last);
    }
  }
  for (PolicyAgent& p : agents) EXPECT_EQ(p.agent->stop(), 0) << p.policy;
}

}  // namespace
}  // namespace tripline
