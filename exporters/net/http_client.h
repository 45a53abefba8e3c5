#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "exporters/net/tls_client.h"
#include "exporters/net/url.h"

namespace tripline {

// A blocking HTTP/1.1 client over Beast for one delivery thread: its own io_context, one
// keep-alive connection to `base`'s host, every step bounded by `timeout`. A request that fails
// on a reused connection is tried once more on a fresh one (the server may have closed it idle).
class HttpClient {
 public:
  struct Response {
    unsigned status = 0;
    std::string body;
  };
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // nullptr with `error` set when the TLS files cannot be loaded.
  static std::unique_ptr<HttpClient> create(const Url& base, const TlsClientOptions& tls,
                                            std::chrono::milliseconds timeout, std::string& error);
  ~HttpClient();

  // False with `error` set on connection, TLS, timeout or protocol failure (no HTTP status).
  bool request(const std::string& method, const std::string& target, const Headers& headers,
               const std::string& content_type, const std::string& body, Response& out,
               std::string& error);
  void close();

  struct Impl;

 private:
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tripline
