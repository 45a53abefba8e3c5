// The cloudtrail_s3 input against a real S3-compatible server (s3rver) started by the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "collectors/cloudtrail_s3.h"
#include "net/http_client.h"
#include "collectors/s3/sigv4.h"
#include "config/config.h"
#include "core/digest.h"
#include "tests/collectors/cloud/test_consumer.h"
#include "tests/support/s3rver_process.h"

namespace tripline {
namespace {

using cloud_testing::delivery_doc;
using cloud_testing::gzip_bytes;
using cloud_testing::RecordingConsumer;
using cloud_testing::S3rverProcess;
using cloud_testing::ScratchDir;

const AwsCredentials kS3rverCreds{"S3RVER", "S3RVER", ""};
const std::string kEast = "AWSLogs/111122223333/CloudTrail/us-east-1/";
const std::string kWest = "AWSLogs/111122223333/CloudTrail/eu-west-1/";

// Uploads objects the way any S3 client would: a SigV4-signed PUT.
bool put_object(int port, const std::string& bucket, const std::string& key,
                const std::string& body, bool tls = false, const std::string& ca = "") {
  Url url;
  std::string err;
  parse_url(std::string(tls ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(port),
            url, err);
  TlsClientOptions tls_options;
  tls_options.ca_file = ca;
  auto http = HttpClient::create(url, tls_options, std::chrono::seconds(10), err);
  if (!http) {
    ADD_FAILURE() << err;
    return false;
  }
  SigV4Request r;
  r.method = "PUT";
  r.path = "/" + bucket + "/" + key;
  r.payload_sha256 = sha256_hex(body);
  const std::string date = amz_date(std::chrono::system_clock::now());
  r.headers = {{"host", url.host_header()},
               {"x-amz-content-sha256", r.payload_sha256},
               {"x-amz-date", date}};
  auto headers = r.headers;
  headers.erase(headers.begin());
  headers.emplace_back("authorization", sigv4_authorization(r, kS3rverCreds, "us-east-1", "s3", date));
  HttpClient::Response res;
  if (!http->request("PUT", aws_uri_encode(r.path, true), headers, "", body, res, err)) {
    ADD_FAILURE() << "PUT " << key << ": " << err;
    return false;
  }
  EXPECT_EQ(res.status, 200u) << res.body;
  return res.status == 200;
}

class CloudTrailS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string install_error = cloud_testing::ensure_s3rver_installed();
    ASSERT_EQ(install_error, "");
    server_ = std::make_unique<S3rverProcess>(data_.path() + "/s3", std::vector<std::string>{"trail"});
    ASSERT_GT(server_->port(), 0) << server_->log();
  }

  std::unique_ptr<CloudTrailS3Collector> build(const std::string& extra = "",
                                               const std::string& scheme_host = "") {
    const std::string endpoint = scheme_host.empty()
                                     ? "http://127.0.0.1:" + std::to_string(server_->port())
                                     : scheme_host;
    const std::string text = "inputs:\n  - { name: cts3, type: cloudtrail_s3, bucket: trail, "
                             "endpoint: \"" + endpoint + "\", access_key_id: S3RVER, "
                             "secret_access_key: S3RVER, poll_interval: 50ms" + extra + " }\n";
    Diagnostics diags;
    Config config = load_config_text(text, "test.yaml", diags);
    CollectorContext ctx{"h", state_.path(), state_.path()};
    auto c = make_cloudtrail_s3_collector(config.inputs.at(0), ctx, diags);
    EXPECT_FALSE(diags.has_errors()) << (diags.items.empty() ? "" : diags.items[0].to_string());
    return std::unique_ptr<CloudTrailS3Collector>(static_cast<CloudTrailS3Collector*>(c.release()));
  }

  void put(const std::string& key, const std::vector<std::string>& names) {
    put_object(server_->port(), "trail", key, gzip_bytes(delivery_doc(names, key)));
  }

  ScratchDir data_, state_;
  std::unique_ptr<S3rverProcess> server_;
};

std::multiset<std::string> names_of(const RecordingConsumer& out) {
  std::multiset<std::string> s;
  for (const Event& e : out.events()) s.emplace(e.text("eventName"));
  return s;
}

TEST_F(CloudTrailS3Test, ReadsEveryRegionPagesListingsAndIgnoresDigests) {
  for (int i = 0; i < 5; ++i) {
    put(kEast + "2024/01/02/111122223333_CloudTrail_us-east-1_20240102T000" + std::to_string(i) +
            "Z_a.json.gz",
        {"E" + std::to_string(i)});
  }
  put(kWest + "2024/01/02/111122223333_CloudTrail_eu-west-1_20240102T0000Z_b.json.gz", {"W0", "W1"});
  put("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/02/d_CloudTrail-Digest_x.json.gz",
      {"Digest"});
  auto c = build(", list_page_size: 2");
  RecordingConsumer out;
  std::string err;
  ASSERT_TRUE(c->poll_once(out, err)) << err;
  EXPECT_EQ(names_of(out), (std::multiset<std::string>{"E0", "E1", "E2", "E3", "E4", "W0", "W1"}));
  for (const Event& e : out.events()) {
    EXPECT_EQ(e.logsource().to_string(), "aws/cloudtrail");
    EXPECT_EQ(e.position().origin.rfind("s3://trail/AWSLogs/", 0), 0u);
  }
  // A second poll finds nothing new.
  ASSERT_TRUE(c->poll_once(out, err)) << err;
  EXPECT_EQ(out.size(), 7u);
}

TEST_F(CloudTrailS3Test, ObjectDeliveredLateOrOutOfNameOrderIsStillRead) {
  put(kEast + "2024/01/02/x_20240102T0100Z_b.json.gz", {"First"});
  auto c = build();
  RecordingConsumer out;
  std::string err;
  ASSERT_TRUE(c->poll_once(out, err)) << err;
  put(kEast + "2024/01/02/x_20240102T0100Z_a.json.gz", {"SortsBefore"});
  put(kEast + "2024/01/01/x_20240101T2355Z_z.json.gz", {"PreviousDay"});
  put(kEast + "2024/01/03/x_20240103T0000Z_c.json.gz", {"NextDay"});
  ASSERT_TRUE(c->poll_once(out, err)) << err;
  EXPECT_EQ(names_of(out),
            (std::multiset<std::string>{"First", "NextDay", "PreviousDay", "SortsBefore"}));
}

// Accepts `limit` batches, then reports the pipeline as shut down (an agent stopped mid-bucket).
class StoppingConsumer : public RecordingConsumer {
 public:
  explicit StoppingConsumer(size_t limit) : limit_(limit) {}
  bool submit(EventBatch batch) override {
    if (accepted_ == limit_) return false;
    ++accepted_;
    return RecordingConsumer::submit(std::move(batch));
  }

 private:
  size_t limit_;
  size_t accepted_ = 0;
};

TEST_F(CloudTrailS3Test, RestartMidBucketResumesWithoutRereadingOrSkipping) {
  std::multiset<std::string> expected;
  for (int i = 0; i < 6; ++i) {
    const std::string n = "N" + std::to_string(i);
    put(kEast + "2024/01/02/k" + std::to_string(i) + ".json.gz", {n});
    expected.insert(n);
  }
  StoppingConsumer first(3);
  {
    auto c = build(", list_page_size: 2");
    std::string err;
    EXPECT_FALSE(c->poll_once(first, err));
    c->flush_checkpoints();
  }
  EXPECT_EQ(first.size(), 3u);
  RecordingConsumer second;
  auto c = build(", list_page_size: 2");
  std::string err;
  ASSERT_TRUE(c->poll_once(second, err)) << err;
  std::multiset<std::string> all = names_of(first);
  for (const auto& n : names_of(second)) all.insert(n);
  EXPECT_EQ(all, expected);
  EXPECT_EQ(second.size(), 3u);
}

TEST_F(CloudTrailS3Test, UncommittedObjectsAreReadAgainAfterRestart) {
  put(kEast + "2024/01/02/k.json.gz", {"A", "B"});
  {
    auto c = build();
    RecordingConsumer held(/*commit=*/false);
    std::string err;
    ASSERT_TRUE(c->poll_once(held, err)) << err;
    EXPECT_EQ(held.size(), 2u);
    c->flush_checkpoints();
  }
  auto c = build();
  RecordingConsumer out;
  std::string err;
  ASSERT_TRUE(c->poll_once(out, err)) << err;
  EXPECT_EQ(out.size(), 2u);
}

TEST_F(CloudTrailS3Test, BadCredentialsGiveAClearErrorAndAreRetriedWithBackoff) {
  put(kEast + "2024/01/02/k.json.gz", {"A"});
  const std::string text =
      "inputs:\n  - { name: bad, type: cloudtrail_s3, bucket: trail, endpoint: \"http://127.0.0.1:" +
      std::to_string(server_->port()) +
      "\", access_key_id: NOPE, secret_access_key: wrong, poll_interval: 50ms, max_backoff: 200ms }\n";
  Diagnostics diags;
  Config config = load_config_text(text, "t.yaml", diags);
  CollectorContext ctx{"h", state_.path(), state_.path()};
  auto built = make_cloudtrail_s3_collector(config.inputs.at(0), ctx, diags);
  ASSERT_NE(built, nullptr);
  auto* c = static_cast<CloudTrailS3Collector*>(built.get());
  RecordingConsumer out;
  std::string err;
  EXPECT_FALSE(c->poll_once(out, err));
  EXPECT_NE(err.find("HTTP 403"), std::string::npos) << err;
  EXPECT_NE(err.find("InvalidAccessKeyId"), std::string::npos) << err;
  c->start(out);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (c->failed_polls() < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(c->failed_polls(), 4u);
  const auto stop_started = std::chrono::steady_clock::now();
  c->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(2));
  EXPECT_EQ(out.size(), 0u);
  EXPECT_NE(c->last_error().find("InvalidAccessKeyId"), std::string::npos);
}

TEST_F(CloudTrailS3Test, UnreachableEndpointIsAnErrorNotACrash) {
  auto c = build("", "http://127.0.0.1:1");
  RecordingConsumer out;
  std::string err;
  EXPECT_FALSE(c->poll_once(out, err));
  EXPECT_NE(err.find("connect"), std::string::npos) << err;
}

TEST_F(CloudTrailS3Test, CorruptObjectIsSkippedAfterRetriesAndOthersAreRead) {
  put_object(server_->port(), "trail", kEast + "2024/01/02/a_bad.json.gz", "\x1f\x8b garbage");
  put(kEast + "2024/01/02/b_good.json.gz", {"Good"});
  auto c = build(", max_attempts: 2");
  RecordingConsumer out;
  std::string err;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c->poll_once(out, err)) << err;
  EXPECT_EQ(names_of(out), (std::multiset<std::string>{"Good"}));
}

TEST_F(CloudTrailS3Test, RunsOnItsOwnThreadAndPicksUpNewObjects) {
  auto c = build();
  RecordingConsumer out;
  c->start(out);
  put(kEast + "2024/01/02/k.json.gz", {"Live"});
  EXPECT_TRUE(out.wait_for(1));
  c->stop();
  EXPECT_EQ(names_of(out), (std::multiset<std::string>{"Live"}));
}

TEST(CloudTrailS3Tls, ReadsOverHttpsVerifyingTheServerAgainstAConfiguredCa) {
  ASSERT_EQ(cloud_testing::ensure_s3rver_installed(), "");
  ScratchDir dir;
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost -keyout '" + dir / "key.pem" + "' -out '" +
      dir / "cert.pem" + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  S3rverProcess server(dir / "s3", {"trail"}, dir / "key.pem", dir / "cert.pem");
  ASSERT_GT(server.port(), 0) << server.log();
  ASSERT_TRUE(put_object(server.port(), "trail", kEast + "2024/01/02/k.json.gz",
                         gzip_bytes(delivery_doc({"OverTls"})), true, dir / "cert.pem"));
  auto build_with = [&](const std::string& tls) {
    const std::string text = "inputs:\n  - { name: tls, type: cloudtrail_s3, bucket: trail, "
                             "endpoint: \"https://localhost:" + std::to_string(server.port()) +
                             "\", access_key_id: S3RVER, secret_access_key: S3RVER" + tls + " }\n";
    Diagnostics diags;
    Config config = load_config_text(text, "t.yaml", diags);
    CollectorContext ctx{"h", dir / "state", dir.path()};
    auto c = make_cloudtrail_s3_collector(config.inputs.at(0), ctx, diags);
    return std::unique_ptr<CloudTrailS3Collector>(static_cast<CloudTrailS3Collector*>(c.release()));
  };
  {
    auto untrusted = build_with("");
    RecordingConsumer out;
    std::string err;
    EXPECT_FALSE(untrusted->poll_once(out, err));
    EXPECT_NE(err.find("TLS handshake"), std::string::npos) << err;
  }
  auto c = build_with(", tls: { ca_file: cert.pem }");
  RecordingConsumer out;
  std::string err;
  ASSERT_TRUE(c->poll_once(out, err)) << err;
  EXPECT_EQ(names_of(out), (std::multiset<std::string>{"OverTls"}));
}

}  // namespace
}  // namespace tripline
