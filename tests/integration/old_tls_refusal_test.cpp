// Acceptance (#7), whole agent: sinks refuse a receiver that offers only TLS 1.1. A running
// agent has a webhook and a syslog output, each pointed at a server that speaks TLS 1.0-1.1
// only (and does, to an old client); neither completes a handshake, both count failures and keep
// the alert spooled.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/agent_harness.h"
#include "tests/support/old_tls_server.h"
#include "tests/support/test_pki.h"
#include "tests/support/tick_log.h"

namespace tripline {
namespace {

using std::chrono::seconds;

TEST(OldTlsRefusal, WebhookAndSyslogSinksRefuseATls11OnlyReceiver) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  testing::OldTlsServer hook_server(pki.path("server.pem"), pki.path("server.key"));
  testing::OldTlsServer syslog_server(pki.path("server.pem"), pki.path("server.key"));
  ASSERT_TRUE(hook_server.old_client_handshakes()) << "the server must really speak TLS 1.1";
  // The server counts its side after writing its Finished, which can be after the client returns.
  ASSERT_TRUE(testing::eventually([&] { return hook_server.handshakes_ok() == 1; }, seconds(5)));

  testing::AgentHarness agent("old-tls");
  std::filesystem::create_directories(agent.path("log"));
  std::filesystem::create_directories(agent.path("rules"));
  testing::write_file(agent.path("rules/tick.yml"), testing::tick_rule_yaml());
  testing::write_file(agent.path("log/app.log"), testing::tick_line(0));
  const std::string tls = "tls: { ca_file: " + pki.path("ca.pem") + " }";
  const std::string delivery =
      "retry: { initial_backoff: 50ms, max_backoff: 200ms }, circuit_breaker: { open_for: 200ms }, "
      "drain_timeout: 100ms";
  agent.write_config(testing::tail_agent_config(
      agent.dir(),
      "  - { name: hook, type: webhook, url: \"https://127.0.0.1:" +
          std::to_string(hook_server.port()) + "/hook\", " + tls + ", " + delivery + " }\n" +
          "  - { name: siem, type: syslog, address: \"127.0.0.1:" +
          std::to_string(syslog_server.port()) + "\", " + tls + ", " + delivery + " }\n"));
  ASSERT_TRUE(agent.start()) << agent.log();

  ASSERT_TRUE(testing::eventually(
      [&] {
        return agent.metric("tripline_sink_failures_total{sink=\"hook\"}") >= 2.0 &&
               agent.metric("tripline_sink_failures_total{sink=\"siem\"}") >= 2.0;
      },
      seconds(30)))
      << agent.log();
  EXPECT_EQ(hook_server.handshakes_ok(), 1);  // only the old client's
  EXPECT_EQ(syslog_server.handshakes_ok(), 0);
  EXPECT_GE(hook_server.handshakes_failed(), 2);
  EXPECT_GE(syslog_server.handshakes_failed(), 2);
  EXPECT_EQ(agent.metric("tripline_spool_records{sink=\"hook\"}"), 1.0);
  EXPECT_EQ(agent.metric("tripline_spool_records{sink=\"siem\"}"), 1.0);
  EXPECT_EQ(agent.metric("tripline_sink_sent_total{sink=\"hook\"}"), 0.0);
  EXPECT_EQ(agent.metric("tripline_sink_sent_total{sink=\"siem\"}"), 0.0);
  EXPECT_EQ(agent.stop(), 0);
}

}  // namespace
}  // namespace tripline
