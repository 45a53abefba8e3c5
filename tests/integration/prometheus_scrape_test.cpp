// Acceptance (#7): a real Prometheus scrapes a running `tripline run`; with basic auth on, the
// agent answers 401 to anyone without the password.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/version.h"
#include "exporters/prometheus/basic_auth.h"
#include "tests/support/agent_harness.h"
#include "tests/support/prometheus_server.h"
#include "tests/support/tick_log.h"

namespace tripline {
namespace {

using std::chrono::seconds;

// An agent that has read `lines` ticks from its input `app`, serving metrics with `metrics_extra`.
class ServingAgent {
 public:
  ServingAgent(int lines, const std::string& metrics_extra = "") {
    std::filesystem::create_directories(agent_.path("log"));
    std::filesystem::create_directories(agent_.path("rules"));
    testing::write_file(agent_.path("rules/tick.yml"), testing::tick_rule_yaml());
    std::string log;
    for (int i = 0; i < lines; ++i) log += testing::tick_line(i);
    testing::write_file(agent_.path("log/app.log"), log);
    agent_.write_config(testing::tail_agent_config(
        agent_.dir(), testing::alert_file_output(agent_.dir()), "", "", metrics_extra));
    started_ = agent_.start() && agent_.metrics_port() != 0;
  }
  bool started() const { return started_; }
  testing::AgentHarness& agent() { return agent_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(agent_.metrics_port()); }

 private:
  testing::AgentHarness agent_{"prom-agent"};
  bool started_ = false;
};

TEST(PrometheusScrape, RealPrometheusScrapesARunningAgent) {
  TRIPLINE_REQUIRE_BINARY(testing::kPrometheusBinary, "prometheus");
  ServingAgent agent(42);
  ASSERT_TRUE(agent.started()) << agent.agent().log();
  testing::PrometheusServer prom(agent.target());
  ASSERT_TRUE(prom.wait_ready()) << prom.log();
  std::string events, build;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        events = prom.query("tripline_events_total");
        build = prom.query("tripline_build_info");
        return events.find("\"input\":\"app\"") != std::string::npos &&
               events.find("\"42\"]") != std::string::npos &&
               build.find("\"version\"") != std::string::npos;
      },
      seconds(60), std::chrono::milliseconds(500)))
      << events << "\n" << build << "\n" << prom.log();
  EXPECT_NE(build.find(std::string("\"version\":\"") + kVersion + "\""), std::string::npos)
      << build;
  EXPECT_NE(events.find("\"job\":\"tripline\""), std::string::npos) << events;
  const std::string up = prom.query("up");
  EXPECT_NE(up.find("\"1\"]"), std::string::npos) << up;
}

TEST(PrometheusScrape, AgentWithBasicAuthAnswers401AndPrometheusWithThePasswordScrapes) {
  TRIPLINE_REQUIRE_BINARY(testing::kPrometheusBinary, "prometheus");
  const std::string hash = BasicAuth::hash_password("scrape-pw", 5);
  ServingAgent agent(3, ", basic_auth: { prom: \"" + hash + "\" }");
  ASSERT_TRUE(agent.started()) << agent.agent().log();
  const uint16_t port = agent.agent().metrics_port();
  EXPECT_EQ(testing::http_get(port, "/metrics").status, 401u);
  EXPECT_EQ(testing::http_get(port, "/metrics", {{"Authorization", "Basic cHJvbTp3cm9uZw=="}})
                .status,
            401u);  // prom:wrong
  EXPECT_EQ(testing::http_get(port, "/metrics",
                              {{"Authorization", "Basic cHJvbTpzY3JhcGUtcHc="}})  // prom:scrape-pw
                .status,
            200u);

  testing::PrometheusServer good(agent.target(),
                                 "    basic_auth: { username: prom, password: scrape-pw }\n");
  testing::PrometheusServer bad(agent.target());
  ASSERT_TRUE(good.wait_ready());
  ASSERT_TRUE(bad.wait_ready());
  std::string up_good, up_bad;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        up_good = good.query("up");
        up_bad = bad.query("up");
        return up_good.find("\"1\"]") != std::string::npos &&
               up_bad.find("\"0\"]") != std::string::npos;
      },
      seconds(60), std::chrono::milliseconds(500)))
      << up_good << "\n" << up_bad;
}

}  // namespace
}  // namespace tripline
