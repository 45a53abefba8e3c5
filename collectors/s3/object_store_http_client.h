#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tripline {

// scheme://host[:port][/base] as given in config (endpoint URLs).
struct HttpUrl {
  bool tls = true;
  std::string host;
  std::string port;  // "443" / "80" when not given
  std::string base_path;  // without trailing '/', may be empty

  static bool parse(const std::string& url, HttpUrl& out, std::string& error);
  // The Host header value: host, plus :port when it is not the scheme's default.
  std::string host_header() const;
};

struct ObjectStoreTlsOptions {
  std::string ca_file;  // PEM bundle; empty = the system store
  bool verify = true;   // verify the server certificate and its host name
  std::string cert_file, key_file;  // client certificate (mTLS); empty = none
};

struct HttpResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A blocking HTTP/1.1 client on Boost.Beast (plain or TLS) for one endpoint, used from one
// collector thread. The connection is kept alive between requests; a request on a connection the
// server has meanwhile closed is retried once on a fresh one. Every step (resolve, connect,
// handshake, write, read) is bounded by `timeout`; bodies above `max_body` fail the request.
class ObjectStoreHttpClient {
 public:
  ObjectStoreHttpClient(HttpUrl endpoint, ObjectStoreTlsOptions tls, std::chrono::milliseconds timeout,
             uint64_t max_body);
  ~ObjectStoreHttpClient();
  ObjectStoreHttpClient(const ObjectStoreHttpClient&) = delete;
  ObjectStoreHttpClient& operator=(const ObjectStoreHttpClient&) = delete;

  // Sends `method target` with `headers` (Host is added) and `body`. False with `error` on a
  // transport failure; any HTTP status is a success of the transport.
  bool send(const std::string& method, const std::string& target,
            const std::vector<std::pair<std::string, std::string>>& headers, HttpResponse& out,
            std::string& error, const std::string& body = "");
  void close();

  const HttpUrl& endpoint() const { return endpoint_; }

 private:
  struct Impl;
  HttpUrl endpoint_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tripline
