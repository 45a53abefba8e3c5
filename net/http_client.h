#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "net/tls_client.h"
#include "net/url.h"

namespace tripline {

class BlockingConnection;

// A blocking HTTP/1.1 client over Beast for one delivery or collector thread: its own
// io_context, one keep-alive connection to `base`'s host, every step bounded by `timeout`. A
// request that fails on a reused connection is tried once more on a fresh one (the server may
// have closed it idle). Used by the HTTP sinks and the S3 input.
class HttpClient {
 public:
  struct Response {
    unsigned status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
  };
  using Headers = std::vector<std::pair<std::string, std::string>>;

  struct Limits {
    std::chrono::milliseconds timeout{10000};
    uint64_t max_body_bytes = 1 << 20;  // a larger response body fails the request
  };

  // nullptr with `error` set when the TLS files cannot be loaded.
  static std::unique_ptr<HttpClient> create(const Url& base, const TlsClientOptions& tls,
                                            Limits limits, std::string& error);
  static std::unique_ptr<HttpClient> create(const Url& base, const TlsClientOptions& tls,
                                            std::chrono::milliseconds timeout, std::string& error) {
    return create(base, tls, Limits{timeout}, error);
  }
  ~HttpClient();

  // Sends `method target` with `headers` (Host and User-Agent are added). False with `error`
  // set on connection, TLS, timeout or protocol failure; any HTTP status is a transport success.
  bool request(const std::string& method, const std::string& target, const Headers& headers,
               const std::string& content_type, const std::string& body, Response& out,
               std::string& error);
  void close();

  const Url& base() const { return base_; }

 private:
  HttpClient(Url base, Limits limits, std::unique_ptr<BlockingConnection> connection);
  bool exchange(const std::string& method, const std::string& target, const Headers& headers,
                const std::string& content_type, const std::string& body, Response& out,
                std::string& error);

  Url base_;
  Limits limits_;
  std::unique_ptr<BlockingConnection> connection_;
};

}  // namespace tripline
