#include "exporters/webhook/webhook_sink.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/metrics.h"

#include "exporters/delivery/spooled_sink.h"
#include "tests/support/sink_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_alerts.h"
#include "tests/support/test_pki.h"
#include "tests/support/webhook_receiver.h"

namespace tripline {
namespace {

using std::chrono::seconds;

TEST(WebhookSignature, MatchesAKnownHmacSha256Vector) {
  // RFC 4231 test case 2.
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

class WebhookSinkTest : public ::testing::Test {
 protected:
  std::unique_ptr<Sink> build(const std::string& yaml) {
    Diagnostics diags;
    auto sink = testing::build_sink(yaml, state_.path(), diags);
    EXPECT_TRUE(sink) << testing::diag_text(diags);
    return sink;
  }
  static bool drained(Sink& sink) {
    return dynamic_cast<SpooledSink&>(sink).wait_drained(seconds(10));
  }
  testing::TempDir state_;
};

TEST_F(WebhookSinkTest, PostsEachAlertSignedWithTheKeyFromAFile) {
  testing::WebhookReceiver rx;
  { std::ofstream(state_ / "hook.key") << "top-secret\n"; }
  auto sink = build("  - { name: hook, type: webhook, url: \"" + rx.url() +
                    "\", hmac_key_file: " + (state_ / "hook.key") +
                    ", headers: { X-Team: soc }, bearer_token: tok }");
  const auto alerts = testing::make_alerts(0, 3);
  ASSERT_TRUE(sink->deliver(alerts));
  ASSERT_TRUE(drained(*sink));
  const auto got = rx.requests();
  ASSERT_EQ(got.size(), 3u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].target, "/hook");
    EXPECT_EQ(got[i].body, alerts[i].to_json());
    EXPECT_EQ(got[i].alert_id, alerts[i].alert_id);
    EXPECT_EQ(got[i].signature, webhook_signature("top-secret", got[i].body));
    EXPECT_EQ(got[i].authorization, "Bearer tok");
  }
}

TEST_F(WebhookSinkTest, BatchModeSendsJsonArrays) {
  testing::WebhookReceiver rx;
  auto sink = build("  - { name: hookb, type: webhook, url: \"" + rx.url() +
                    "\", batch: true, batch_size: 10, hmac_key: k }");
  const auto alerts = testing::make_alerts(0, 25);
  for (size_t i = 0; i < alerts.size(); i += 5) {
    ASSERT_TRUE(sink->deliver(std::span(alerts).subspan(i, 5)));
  }
  ASSERT_TRUE(drained(*sink));
  const auto got = rx.requests();
  ASSERT_GE(got.size(), 3u);
  std::string all;
  for (const auto& r : got) {
    ASSERT_EQ(r.body.front(), '[');
    EXPECT_EQ(r.signature, webhook_signature("k", r.body));
    all += r.body.substr(1, r.body.size() - 2) + ",";
  }
  std::string expected;
  for (const auto& a : alerts) expected += a.to_json() + ",";
  EXPECT_EQ(all, expected);
}

TEST_F(WebhookSinkTest, ServerErrorsAreRetriedAndBadRequestsDropped) {
  testing::WebhookReceiver rx;
  rx.set_status(503);
  auto sink = build("  - { name: hookr, type: webhook, url: \"" + rx.url() +
                    "\", retry: { initial_backoff: 20ms, max_backoff: 50ms }, "
                    "circuit_breaker: { open_for: 50ms } }");
  ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 2)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(rx.count(), 0u);
  rx.set_status(200);
  ASSERT_TRUE(drained(*sink));
  EXPECT_EQ(rx.count(), 2u);
  rx.set_status(400);
  ASSERT_TRUE(sink->deliver(testing::make_alerts(2, 1)));
  ASSERT_TRUE(drained(*sink));  // dropped, not stuck
}

TEST_F(WebhookSinkTest, MutualTlsDeliversAndAWrongHostnameIsRefused) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  testing::WebhookReceiver rx(pki.path("server.pem"), pki.path("server.key"), pki.path("ca.pem"));
  const std::string tls = "tls: { ca_file: " + pki.path("ca.pem") + ", cert_file: " +
                          pki.path("client.pem") + ", key_file: " + pki.path("client.key");
  auto sink = build("  - { name: mtls, type: webhook, url: \"" + rx.url() + "\", " + tls + " } }");
  ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 1)));
  ASSERT_TRUE(drained(*sink));
  EXPECT_EQ(rx.count(), 1u);
  sink->close();  // the receiver serves one connection at a time

  auto wrong = build("  - { name: mtls-wrong, type: webhook, url: \"" + rx.url() + "\", " + tls +
                     ", server_name: evil.example } }");
  ASSERT_TRUE(wrong->deliver(testing::make_alerts(1, 1)));
  EXPECT_FALSE(dynamic_cast<SpooledSink&>(*wrong).wait_drained(seconds(1)));
  EXPECT_EQ(rx.count(), 1u);
  EXPECT_GT(Metrics::global().sink_failures("mtls-wrong").Value(), 0.0);
}

TEST_F(WebhookSinkTest, ConfigNeedsAValidUrl) {
  Diagnostics diags;
  EXPECT_EQ(testing::build_sink("  - { name: w, type: webhook, url: \"ftp://x\" }", state_.path(),
                                diags),
            nullptr);
  EXPECT_NE(testing::diag_text(diags).find("http"), std::string::npos);
}

}  // namespace
}  // namespace tripline
