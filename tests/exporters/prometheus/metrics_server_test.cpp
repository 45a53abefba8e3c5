#include "exporters/prometheus/metrics_server.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <fstream>
#include <thread>

#include "core/metrics.h"
#include "core/version.h"
#include "net/beast.h"
#include "net/http_client.h"
#include "exporters/prometheus/basic_auth.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_pki.h"

namespace tripline {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

MetricsConfig metrics_config(const std::string& yaml) {
  Diagnostics diags;
  Config c = load_config_text("metrics:\n" + yaml, "/etc/tripline/test.yaml", diags);
  EXPECT_FALSE(diags.has_errors()) << diags.items[0].to_string();
  return c.metrics;
}

// A metrics server on 127.0.0.1:0 served by its own io thread.
class Served {
 public:
  explicit Served(const std::string& yaml) : server_(io_, metrics_config(yaml), Metrics::global().registry(), diags_) {
    std::string error;
    started_ = server_.valid() && server_.start(error);
    EXPECT_TRUE(started_) << error << (diags_.items.empty() ? "" : diags_.items[0].to_string());
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Served() {
    asio::post(io_, [this] { server_.stop(); });
    io_.stop();
    thread_.join();
  }
  uint16_t port() const { return server_.port(); }
  MetricsServer& server() { return server_; }

  HttpClient::Response get(const std::string& target, bool https = false,
                           HttpClient::Headers headers = {}, TlsClientOptions tls = {},
                           std::string* error_out = nullptr) {
    Url url;
    std::string error;
    parse_url(std::string(https ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()),
              url, error);
    auto client = HttpClient::create(url, tls, std::chrono::seconds(5), error);
    HttpClient::Response res;
    if (!client || !client->request("GET", target, headers, "", "", res, error)) {
      if (error_out) *error_out = error;
      res.status = 0;
    }
    return res;
  }

 private:
  asio::io_context io_;
  Diagnostics diags_;
  MetricsServer server_;
  bool started_ = false;
  std::thread thread_;
};

TEST(MetricsServer, ServesTheRegistryInPrometheusTextFormat) {
  Metrics::global().events("server-test").Increment(3);
  Served s("  listen: 127.0.0.1:0\n");
  ASSERT_GT(s.port(), 0);
  const auto res = s.get("/metrics");
  EXPECT_EQ(res.status, 200u);
  EXPECT_NE(res.body.find("# TYPE tripline_events_total counter"), std::string::npos);
  EXPECT_NE(res.body.find("tripline_events_total{input=\"server-test\"} 3"), std::string::npos);
  EXPECT_NE(res.body.find(std::string("tripline_build_info{version=\"") + kVersion + "\"} 1"),
            std::string::npos);
}

TEST(MetricsServer, HonoursTheConfiguredPathAndServesLandingAndHealth) {
  Served s("  listen: 127.0.0.1:0\n  path: /custom\n");
  EXPECT_EQ(s.get("/custom").status, 200u);
  EXPECT_EQ(s.get("/metrics").status, 404u);
  const auto landing = s.get("/");
  EXPECT_EQ(landing.status, 200u);
  EXPECT_NE(landing.body.find("href=\"/custom\""), std::string::npos);
  EXPECT_EQ(s.get("/healthz").status, 200u);
  s.server().set_health_check([] { return false; });
  EXPECT_EQ(s.get("/healthz").status, 503u);
}

TEST(MetricsServer, RefusesOtherMethods) {
  Served s("  listen: 127.0.0.1:0\n");
  Url url;
  std::string error;
  parse_url("http://127.0.0.1:" + std::to_string(s.port()), url, error);
  auto client = HttpClient::create(url, {}, std::chrono::seconds(5), error);
  HttpClient::Response res;
  ASSERT_TRUE(client->request("POST", "/metrics", {}, "text/plain", "x", res, error)) << error;
  EXPECT_EQ(res.status, 405u);
}

TEST(MetricsServer, BasicAuthAnswers401WithoutValidCredentials) {
  const std::string hash = BasicAuth::hash_password("s3cret", 5);
  ASSERT_EQ(hash.size(), 60u);
  Served s("  listen: 127.0.0.1:0\n  basic_auth: { prom: \"" + hash + "\" }\n");
  const auto none = s.get("/metrics");
  EXPECT_EQ(none.status, 401u);
  // "prom:wrong" and "prom:s3cret" in base64.
  EXPECT_EQ(s.get("/metrics", false, {{"Authorization", "Basic cHJvbTp3cm9uZw=="}}).status, 401u);
  EXPECT_EQ(s.get("/metrics", false, {{"Authorization", "Basic bm9ib2R5OnMzY3JldA=="}}).status,
            401u);  // nobody:s3cret
  EXPECT_EQ(s.get("/metrics", false, {{"Authorization", "Basic cHJvbTpzM2NyZXQ="}}).status, 200u);
  EXPECT_EQ(s.get("/metrics", false, {{"Authorization", "Basic cHJvbTpzM2NyZXQ="}}).status, 200u);
  EXPECT_EQ(s.get("/", false, {{"Authorization", "Basic !!!"}}).status, 401u);
}

TEST(BasicAuth, VerifiesHashesMadeByOtherTools) {
  // A test vector of the original OpenBSD bcrypt suite.
  const std::string vector = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
  EXPECT_TRUE(BasicAuth::verify("U*U", vector));
  EXPECT_FALSE(BasicAuth::verify("U*V", vector));
  const std::string mine = BasicAuth::hash_password("s3cret", 5);
  EXPECT_TRUE(BasicAuth::verify("s3cret", mine));
  EXPECT_FALSE(BasicAuth::verify("s3cre", mine));

}

TEST(MetricsServer, ServesTlsWithTheConfiguredCertificate) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  Served s("  listen: 127.0.0.1:0\n  tls: { cert_file: " + pki.path("server.pem") +
           ", key_file: " + pki.path("server.key") + " }\n");
  TlsClientOptions tls;
  tls.ca_file = pki.path("ca.pem");
  EXPECT_EQ(s.get("/metrics", true, {}, tls).status, 200u);
  // Plain HTTP against the TLS port gets nothing useful.
  EXPECT_NE(s.get("/metrics").status, 200u);
  // An untrusting client refuses it.
  TlsClientOptions other;
  other.ca_file = pki.path("other-ca.pem");
  std::string error;
  EXPECT_EQ(s.get("/metrics", true, {}, other, &error).status, 0u);
  EXPECT_NE(error.find("handshake"), std::string::npos) << error;
  // A trusted certificate for another name is refused too.
  TlsClientOptions wrong_name = tls;
  wrong_name.server_name = "metrics.example.org";
  EXPECT_EQ(s.get("/metrics", true, {}, wrong_name).status, 0u);
}

// A raw TLS client pinned to one protocol version.
bool handshake_with_version(uint16_t port, int version) {
  asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_security_level(ctx.native_handle(), 0);  // let the client offer old versions
  SSL_CTX_set_min_proto_version(ctx.native_handle(), version);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), version);
  ctx.set_verify_mode(ssl::verify_none);
  ssl::stream<tcp::socket> stream(io, ctx);
  boost::system::error_code ec;
  stream.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return false;
  stream.handshake(ssl::stream_base::client, ec);
  return !ec;
}

TEST(MetricsServer, RefusesTls11AndAcceptsTls12And13) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  Served s("  listen: 127.0.0.1:0\n  tls: { cert_file: " + pki.path("server.pem") +
           ", key_file: " + pki.path("server.key") + " }\n");
  EXPECT_FALSE(handshake_with_version(s.port(), TLS1_1_VERSION));
  EXPECT_FALSE(handshake_with_version(s.port(), TLS1_VERSION));
  EXPECT_TRUE(handshake_with_version(s.port(), TLS1_2_VERSION));
  EXPECT_TRUE(handshake_with_version(s.port(), TLS1_3_VERSION));
}

TEST(MetricsServer, MinVersionTls13RefusesTls12) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  Served s("  listen: 127.0.0.1:0\n  tls: { cert_file: " + pki.path("server.pem") +
           ", key_file: " + pki.path("server.key") + ", min_version: TLS13 }\n");
  EXPECT_FALSE(handshake_with_version(s.port(), TLS1_2_VERSION));
  EXPECT_TRUE(handshake_with_version(s.port(), TLS1_3_VERSION));
}

TEST(MetricsServer, RequiredClientCertificatesAreVerified) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  Served s("  listen: 127.0.0.1:0\n  tls: { cert_file: " + pki.path("server.pem") +
           ", key_file: " + pki.path("server.key") + ", client_ca_file: " + pki.path("ca.pem") +
           ", client_auth_type: RequireAndVerifyClientCert }\n");
  TlsClientOptions tls;
  tls.ca_file = pki.path("ca.pem");
  EXPECT_EQ(s.get("/metrics", true, {}, tls).status, 0u);
  tls.cert_file = pki.path("client.pem");
  tls.key_file = pki.path("client.key");
  EXPECT_EQ(s.get("/metrics", true, {}, tls).status, 200u);
}

TEST(MetricsServer, ReadsAnExporterToolkitWebConfigFile) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  testing::TempDir tmp;
  const std::string hash = BasicAuth::hash_password("pw", 5);
  {
    std::ofstream(tmp / "web.yml") << "tls_server_config:\n  cert_file: " << pki.path("server.pem")
                                   << "\n  key_file: " << pki.path("server.key")
                                   << "\nbasic_auth_users:\n  alice: '" << hash << "'\n";
  }
  Served s("  listen: 127.0.0.1:0\n  web_config_file: " + (tmp / "web.yml") + "\n");
  TlsClientOptions tls;
  tls.ca_file = pki.path("ca.pem");
  EXPECT_EQ(s.get("/metrics", true, {}, tls).status, 401u);
  EXPECT_EQ(s.get("/metrics", true, {{"Authorization", "Basic YWxpY2U6cHc="}}, tls).status, 200u);
}

TEST(MetricsServer, ConfigErrorsAreReportedWithTheirLine) {
  Diagnostics diags;
  MetricsConfig c;
  {
    Diagnostics load;
    Config config = load_config_text(
        "metrics:\n  listen: 127.0.0.1:0\n  basic_auth: { bob: plaintext }\n"
        "  tls: { cert_file: /nonexistent.pem, key_file: /nonexistent.key, min_version: TLS11 }\n",
        "m.yaml", load);
    c = config.metrics;
  }
  EXPECT_FALSE(MetricsServer::validate(c, diags));
  std::string text;
  for (const auto& d : diags.items) text += d.to_string() + "\n";
  EXPECT_NE(text.find("m.yaml:3"), std::string::npos) << text;
  EXPECT_NE(text.find("bcrypt"), std::string::npos) << text;
  EXPECT_NE(text.find("/nonexistent.pem"), std::string::npos) << text;
  EXPECT_NE(text.find("min_version"), std::string::npos) << text;
}

TEST(MetricsServer, StartFailsCleanlyWhenThePortIsTaken) {
  Served first("  listen: 127.0.0.1:0\n");
  asio::io_context io;
  Diagnostics diags;
  MetricsServer second(io, metrics_config("  listen: 127.0.0.1:" + std::to_string(first.port()) + "\n"),
                       Metrics::global().registry(), diags);
  std::string error;
  EXPECT_FALSE(second.start(error));
  EXPECT_NE(error.find("cannot listen"), std::string::npos);
}

}  // namespace
}  // namespace tripline
