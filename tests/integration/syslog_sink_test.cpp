#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "core/metrics.h"
#include "exporters/delivery/spooled_sink.h"
#include "tests/support/rsyslog_server.h"
#include "tests/support/sink_config.h"
#include "tests/support/test_alerts.h"
#include "tests/support/test_pki.h"

namespace tripline {
namespace {

using std::chrono::seconds;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class SyslogSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TRIPLINE_REQUIRE_BINARY(testing::kRsyslogBinary, "rsyslog rsyslog-gnutls");
    ASSERT_TRUE(pki_.ok());
    rsyslog_ = std::make_unique<testing::RsyslogServer>(
        pki_.path("ca.pem"), pki_.path("server.pem"), pki_.path("server.key"));
    ASSERT_TRUE(rsyslog_->wait_ready()) << rsyslog_->log();
  }
  std::string output(const std::string& name, const std::string& extra = "") {
    return "  - { name: " + name + ", type: syslog, address: \"127.0.0.1:" +
           std::to_string(rsyslog_->port()) + "\", tls: { ca_file: " + pki_.path("ca.pem") +
           extra + " }, retry: { initial_backoff: 50ms, max_backoff: 200ms }, "
           "circuit_breaker: { open_for: 200ms }, drain_timeout: 100ms }";
  }
  testing::TestPki pki_;
  std::unique_ptr<testing::RsyslogServer> rsyslog_;
  testing::TempDir state_;
};

TEST_F(SyslogSinkTest, RsyslogReceivesEveryAlertOverTlsWithOctetCounting) {
  Diagnostics diags;
  auto sink = testing::build_sink(output("siem"), state_.path(), diags);
  ASSERT_TRUE(sink) << testing::diag_text(diags);
  auto alerts = testing::make_alerts(0, 200, "ssh-brute");
  alerts[3].title = "multi\nline \"quoted\" ]";
  alerts[3].group = {{"user", "ro\"ot"}};
  for (size_t i = 0; i < alerts.size(); i += 20) {
    ASSERT_TRUE(sink->deliver(std::span(alerts).subspan(i, 20)));
  }
  ASSERT_TRUE(dynamic_cast<SpooledSink&>(*sink).wait_drained(seconds(10)));
  std::vector<std::string> lines;
  ASSERT_TRUE(testing::wait_until(
      [&] { return (lines = lines_of(rsyslog_->output())).size() >= 200; }, seconds(10)))
      << lines.size() << "\n" << rsyslog_->log();
  // rsyslog escapes control characters in the message; compare the single-line ones exactly.
  ASSERT_EQ(lines.size(), 200u);
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string prefix = "35|host-a|tripline|ssh-brute|[tripline@32473 alert_id=\"" +
                               alerts[i].alert_id + "\" rule_id=\"ssh-brute\" sev=\"SEV2\"";
    ASSERT_EQ(lines[i].substr(0, prefix.size()), prefix) << lines[i];
    if (i == 3) {
      EXPECT_NE(lines[i].find("[group@32473 user=\"ro\\\"ot\"]"), std::string::npos) << lines[i];
      continue;
    }
    EXPECT_EQ(lines[i].substr(lines[i].rfind('|') + 1), alerts[i].to_json());
  }
}

TEST_F(SyslogSinkTest, AlertsSurviveACollectorRestart) {
  Diagnostics diags;
  auto sink = testing::build_sink(output("restart"), state_.path(), diags);
  ASSERT_TRUE(sink);
  auto& spooled = dynamic_cast<SpooledSink&>(*sink);
  ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 10)));
  ASSERT_TRUE(spooled.wait_drained(seconds(10)));
  ASSERT_TRUE(testing::wait_until([&] { return lines_of(rsyslog_->output()).size() == 10; },
                                  seconds(10)));
  rsyslog_->stop();
  ASSERT_TRUE(sink->deliver(testing::make_alerts(10, 10)));
  std::this_thread::sleep_for(seconds(1));
  rsyslog_->start();
  ASSERT_TRUE(rsyslog_->wait_ready());
  ASSERT_TRUE(spooled.wait_drained(seconds(15)));
  std::vector<std::string> lines;
  EXPECT_TRUE(testing::wait_until(
      [&] { return (lines = lines_of(rsyslog_->output())).size() >= 20; }, seconds(10)));
  std::set<std::string> ids;
  for (const auto& l : lines) {
    const size_t at = l.find("alert_id=\"");
    if (at != std::string::npos) ids.insert(l.substr(at + 10, l.find('"', at + 10) - at - 10));
  }
  EXPECT_EQ(ids.size(), 20u);
}

TEST_F(SyslogSinkTest, WrongHostnameIsRefused) {
  Diagnostics diags;
  auto sink = testing::build_sink(output("wrongname", ", server_name: siem.example.org"),
                                  state_.path(), diags);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 1)));
  EXPECT_FALSE(dynamic_cast<SpooledSink&>(*sink).wait_drained(seconds(2)));
  EXPECT_GT(Metrics::global().sink_failures("wrongname").Value(), 0.0);
  EXPECT_TRUE(rsyslog_->output().empty());
}

TEST_F(SyslogSinkTest, UntrustedCertificateIsRefused) {
  Diagnostics diags;
  auto sink = testing::build_sink(
      "  - { name: untrusted, type: syslog, address: \"127.0.0.1:" +
          std::to_string(rsyslog_->port()) + "\", tls: { ca_file: " + pki_.path("other-ca.pem") +
          " }, drain_timeout: 100ms }",
      state_.path(), diags);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 1)));
  EXPECT_FALSE(dynamic_cast<SpooledSink&>(*sink).wait_drained(seconds(2)));
  EXPECT_TRUE(rsyslog_->output().empty());
}

}  // namespace
}  // namespace tripline
