#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "collectors/s3/aws_credentials.h"
#include "net/http_client.h"

namespace tripline {

struct S3Object {
  std::string key;
  uint64_t size = 0;
  std::string etag;
};

struct S3ListPage {
  std::vector<S3Object> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_token;
};

struct S3Error {
  unsigned http_status = 0;  // 0: transport failure (no HTTP answer)
  std::string code;          // S3's error code (AccessDenied, InvalidAccessKeyId, NoSuchKey, ...)
  std::string message;
  std::string to_string() const;
  // Credentials or permissions: retrying soon will not help, but fixing the config will.
  bool is_auth_error() const { return http_status == 401 || http_status == 403; }
};

struct S3ClientOptions {
  Url endpoint;             // https://s3.<region>.amazonaws.com or an S3-compatible store[/base]
  std::string region = "us-east-1";
  std::string bucket;
  bool path_style = false;  // /bucket/key instead of bucket.host/key
  TlsClientOptions tls;
  std::chrono::milliseconds timeout{30000};
  uint64_t max_object_bytes = 256ull << 20;
  int page_size = 1000;     // max-keys of each listing (S3 caps it at 1000)
};

// The two S3 calls the cloudtrail_s3 input needs, signed with SigV4 (payload UNSIGNED is not used:
// GET bodies are empty and their SHA-256 is sent). Blocking; one instance per collector thread.
class S3Client {
 public:
  explicit S3Client(S3ClientOptions options);

  // ListObjectsV2. `delimiter` may be empty; `start_after` and `continuation_token` page.
  bool list_objects(const AwsCredentials& creds, const std::string& prefix,
                    const std::string& delimiter, const std::string& start_after,
                    const std::string& continuation_token, S3ListPage& out, S3Error& error);
  bool get_object(const AwsCredentials& creds, const std::string& key, std::string& body,
                  S3Error& error);

  // Parses a ListObjectsV2 result document. Exposed for tests.
  static bool parse_list_result(const std::string& xml, S3ListPage& out, std::string& error);

 private:
  bool request(const AwsCredentials& creds, const std::string& key,
               const std::vector<std::pair<std::string, std::string>>& query, HttpClient::Response& res,
               S3Error& error);

  S3ClientOptions options_;
  Url url_;               // the endpoint, with the bucket in the host name unless path style
  std::string base_path_;  // the endpoint's path without a trailing '/'
  std::unique_ptr<HttpClient> http_;  // null when the TLS files could not be loaded
  std::string setup_error_;
};

// "20240102T030405Z" for `t` (SigV4's x-amz-date).
std::string amz_date(std::chrono::system_clock::time_point t);

}  // namespace tripline
