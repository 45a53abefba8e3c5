#include <gtest/gtest.h>

#include <thread>

#include "core/metrics.h"
#include "core/version.h"
#include "net/beast.h"
#include "exporters/prometheus/basic_auth.h"
#include "exporters/prometheus/metrics_server.h"
#include "tests/support/prometheus_server.h"

namespace tripline {
namespace {

using std::chrono::seconds;

// The agent's metrics server on 127.0.0.1:0, served by its own io thread.
class ServedMetrics {
 public:
  explicit ServedMetrics(const std::string& extra = "") {
    Diagnostics diags;
    Config c = load_config_text("metrics:\n  listen: 127.0.0.1:0\n" + extra, "t.yaml", diags);
    server_ = std::make_unique<MetricsServer>(io_, c.metrics, Metrics::global().registry(), diags);
    std::string error;
    EXPECT_TRUE(server_->valid() && server_->start(error)) << error;
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ServedMetrics() {
    io_.stop();
    thread_.join();
  }
  uint16_t port() const { return server_->port(); }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<MetricsServer> server_;
  std::thread thread_;
};

TEST(PrometheusScrape, RealPrometheusScrapesTriplineMetrics) {
  TRIPLINE_REQUIRE_BINARY(testing::kPrometheusBinary, "prometheus");
  Metrics::global().events("auth").Increment(42);
  ServedMetrics metrics;
  testing::PrometheusServer prom("127.0.0.1:" + std::to_string(metrics.port()));
  ASSERT_TRUE(prom.wait_ready()) << prom.log();
  std::string events, build;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        events = prom.query("tripline_events_total");
        build = prom.query("tripline_build_info");
        return events.find("\"input\":\"auth\"") != std::string::npos &&
               build.find("\"version\"") != std::string::npos;
      },
      seconds(30), std::chrono::milliseconds(500)))
      << events << "\n" << build << "\n" << prom.log();
  EXPECT_NE(events.find("\"42\"]"), std::string::npos) << events;
  EXPECT_NE(build.find(std::string("\"version\":\"") + kVersion + "\""), std::string::npos)
      << build;
  const std::string up = prom.query("up");
  EXPECT_NE(up.find("\"1\"]"), std::string::npos) << up;
}

TEST(PrometheusScrape, PrometheusWithBasicAuthScrapesAndWithoutIsRefused) {
  TRIPLINE_REQUIRE_BINARY(testing::kPrometheusBinary, "prometheus");
  const std::string hash = BasicAuth::hash_password("scrape-pw", 5);
  ServedMetrics metrics("  basic_auth: { prom: \"" + hash + "\" }\n");
  const std::string target = "127.0.0.1:" + std::to_string(metrics.port());
  testing::PrometheusServer good(target,
                                 "    basic_auth: { username: prom, password: scrape-pw }\n");
  testing::PrometheusServer bad(target);
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
      seconds(30), std::chrono::milliseconds(500)))
      << up_good << "\n" << up_bad;
  EXPECT_EQ(testing::http_get(metrics.port(), "/metrics").status, 401u);
}

}  // namespace
}  // namespace tripline
