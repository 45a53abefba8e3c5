// The k8s_audit webhook input, served for real on loopback and called as kube-apiserver's audit
// webhook backend calls it (POST of an audit.k8s.io/v1 EventList over HTTPS).
#include "collectors/k8s_audit.h"

#include <gtest/gtest.h>

#include <fstream>

#include "net/http_client.h"
#include "config/config.h"
#include "tests/collectors/cloud/test_consumer.h"

namespace tripline {
namespace {

using cloud_testing::RecordingConsumer;
using cloud_testing::ScratchDir;

// A CA, a server certificate for localhost and a client certificate, made with the openssl CLI.
void make_pki(const ScratchDir& d) {
  const std::string p = d.path();
  const std::string cmd =
      "cd '" + p + "' && "
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout ca.key "
      "-out ca.pem && "
      "openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr && "
      "printf 'subjectAltName=DNS:localhost\\n' > san.ext && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile san.ext -out server.pem && "
      "openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout client.key "
      "-out client.csr && "
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
      "-out client.pem";
  ASSERT_EQ(std::system((cmd + " >/dev/null 2>&1").c_str()), 0);
}

std::string event(const std::string& id, const std::string& verb = "create") {
  return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":")" + id +
         R"(","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/secrets","verb":")" +
         verb + R"(","user":{"username":"admin"},"objectRef":{"resource":"secrets"},)" +
         R"("requestReceivedTimestamp":"2024-01-02T03:04:05.000000Z"})";
}

std::string event_list(const std::vector<std::string>& items) {
  std::string s = R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[)";
  for (size_t i = 0; i < items.size(); ++i) s += (i ? "," : "") + items[i];
  return s + "]}";
}

class K8sAuditTest : public ::testing::Test {
 protected:
  void SetUp() override { make_pki(pki_); }

  void start(const std::string& extra) {
    const std::string text = "inputs:\n  - { name: k8s, type: k8s_audit, listen: \"127.0.0.1:0\", "
                             "tls: { cert_file: server.pem, key_file: server.key" + extra + " }\n";
    Diagnostics diags;
    Config config = load_config_text(text, "t.yaml", diags);
    ASSERT_FALSE(diags.has_errors()) << diags.items[0].to_string();
    CollectorContext ctx{"h", pki_.path(), pki_.path()};
    auto c = make_k8s_audit_collector(config.inputs.at(0), ctx, diags);
    ASSERT_NE(c, nullptr) << (diags.items.empty() ? "" : diags.items[0].to_string());
    collector_.reset(static_cast<K8sAuditCollector*>(c.release()));
    collector_->start(out_);
    for (int i = 0; i < 500 && collector_->port() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_NE(collector_->port(), 0);
  }

  HttpClient::Response post(const std::string& body, const std::string& token = "s3cret",
                    const std::string& path = "/k8s-audit", bool client_cert = false,
                    const std::string& method = "POST") {
    Url url;
    std::string err;
    parse_url("https://localhost:" + std::to_string(collector_->port()), url, err);
    TlsClientOptions tls;
    tls.ca_file = pki_ / "ca.pem";
    if (client_cert) {
      tls.cert_file = pki_ / "client.pem";
      tls.key_file = pki_ / "client.key";
    }
    HttpClient::Response res;
    auto http = HttpClient::create(url, tls, std::chrono::seconds(10), err);
    HttpClient::Headers headers;
    if (!token.empty()) headers.emplace_back("authorization", "Bearer " + token);
    if (!http || !http->request(method, path, headers, "application/json", body, res, err)) {
      res.status = 0, res.body = err;
    }
    return res;
  }

  void TearDown() override {
    if (collector_) collector_->stop();
  }

  ScratchDir pki_;
  RecordingConsumer out_;
  std::unique_ptr<K8sAuditCollector> collector_;
};

TEST_F(K8sAuditTest, EventListBatchBecomesKubernetesAuditEventsAnswered200) {
  start(" }, bearer_token: s3cret");
  HttpClient::Response res = post(event_list({event("a1"), event("a2", "delete"), event("a3")}));
  EXPECT_EQ(res.status, 200u) << res.body;
  ASSERT_EQ(out_.size(), 3u);
  const auto events = out_.events();
  EXPECT_EQ(events[1].text("verb"), "delete");
  EXPECT_EQ(events[0].logsource().to_string(), "kubernetes/audit");
  EXPECT_EQ(events[0].source(), "k8s");
}

TEST_F(K8sAuditTest, ResponseWaitsForTheBatchToBeCommitted) {
  collector_.reset();
  RecordingConsumer held(/*commit=*/false);
  const std::string text = "inputs:\n  - { name: k8s, type: k8s_audit, listen: \"127.0.0.1:0\", "
                           "tls: { cert_file: server.pem, key_file: server.key }, "
                           "bearer_token: s3cret }\n";
  Diagnostics diags;
  Config config = load_config_text(text, "t.yaml", diags);
  CollectorContext ctx{"h", pki_.path(), pki_.path()};
  auto c = make_k8s_audit_collector(config.inputs.at(0), ctx, diags);
  collector_.reset(static_cast<K8sAuditCollector*>(c.release()));
  collector_->start(held);
  for (int i = 0; i < 500 && collector_->port() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::atomic<unsigned> status{0};
  std::thread client([&] { status = post(event_list({event("a1")})).status; });
  ASSERT_TRUE(held.wait_for(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(status.load(), 0u);  // not answered while the alerts are not durable
  held.commit_held();
  client.join();
  EXPECT_EQ(status.load(), 200u);
}

TEST_F(K8sAuditTest, WrongOrMissingBearerTokenIs401AndEmitsNothing) {
  start(" }, bearer_token: s3cret");
  EXPECT_EQ(post(event_list({event("a1")}), "wrong").status, 401u);
  EXPECT_EQ(post(event_list({event("a1")}), "").status, 401u);
  EXPECT_EQ(out_.size(), 0u);
}

TEST_F(K8sAuditTest, BadItemsGive400ButTheValidEventsOfTheBatchAreKept) {
  start(" }, bearer_token: s3cret");
  HttpClient::Response res = post(event_list({event("a1"), "17", R"({"no":"id"})", event("a2")}));
  EXPECT_EQ(res.status, 400u);
  EXPECT_NE(res.body.find("\"accepted\":2"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("\"rejected\":2"), std::string::npos) << res.body;
  EXPECT_EQ(out_.size(), 2u);
}

TEST_F(K8sAuditTest, NonJsonBodyIs400AndTheConnectionStaysUsable) {
  start(" }, bearer_token: s3cret");
  EXPECT_EQ(post("not json at all").status, 400u);
  EXPECT_EQ(post(event_list({event("a1")})).status, 200u);
  EXPECT_EQ(out_.size(), 1u);
}

TEST_F(K8sAuditTest, BodyOverTheLimitIs413) {
  start(" }, bearer_token: s3cret, max_body_size: 2KiB");
  std::vector<std::string> many;
  for (int i = 0; i < 20; ++i) many.push_back(event("id" + std::to_string(i)));
  EXPECT_EQ(post(event_list(many)).status, 413u);
  EXPECT_EQ(out_.size(), 0u);
  EXPECT_EQ(post(event_list({event("small")})).status, 200u);
}

TEST_F(K8sAuditTest, WrongPathIs404AndWrongMethodIs405) {
  start(" }, bearer_token: s3cret");
  EXPECT_EQ(post(event_list({event("a1")}), "s3cret", "/other").status, 404u);
  EXPECT_EQ(post("", "s3cret", "/k8s-audit", false, "GET").status, 405u);
}

TEST_F(K8sAuditTest, MutualTlsAcceptsTheClientCertificateAndRefusesAClientWithout) {
  start(", client_ca_file: ca.pem }");
  EXPECT_EQ(post(event_list({event("a1")}), "", "/k8s-audit", /*client_cert=*/true).status, 200u);
  HttpClient::Response refused = post(event_list({event("a2")}), "", "/k8s-audit", false);
  EXPECT_EQ(refused.status, 0u) << refused.body;
  EXPECT_EQ(out_.size(), 1u);
}

TEST(K8sAuditConfig, RequiresTlsAndAuthenticationUnlessExplicitlyOptedOut) {
  auto errors_for = [](const std::string& input) {
    Diagnostics diags;
    Config config = load_config_text("inputs:\n  - " + input + "\n", "t.yaml", diags);
    CollectorContext ctx{"h", "/tmp", "/tmp"};
    make_k8s_audit_collector(config.inputs.at(0), ctx, diags);
    std::string all;
    for (const auto& d : diags.items) all += d.message + "\n";
    return all;
  };
  EXPECT_NE(errors_for("{ name: k, type: k8s_audit, bearer_token: t }").find("needs tls"),
            std::string::npos);
  EXPECT_NE(errors_for("{ name: k, type: k8s_audit, allow_plaintext: true }").find("bearer_token"),
            std::string::npos);
  EXPECT_NE(errors_for("{ name: k, type: k8s_audit, allow_plaintext: true, bearer_token: t, "
                       "listen: nonsense }").find("listen"),
            std::string::npos);
  // Found by fuzz_config: a port of more digits than 64 bits hold threw out of the loader.
  EXPECT_NE(errors_for("{ name: k, type: k8s_audit, allow_plaintext: true, bearer_token: t, "
                       "listen: \"127.0.0.1:999999999999999999999999\" }").find("listen"),
            std::string::npos);
  EXPECT_EQ(errors_for("{ name: k, type: k8s_audit, allow_plaintext: true, bearer_token: t }"), "");
}

}  // namespace
}  // namespace tripline
