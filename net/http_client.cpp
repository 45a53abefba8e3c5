#include "net/http_client.h"

#include <cctype>

#include "core/version.h"
#include "net/blocking_connection.h"

namespace tripline {

namespace beast = boost::beast;
namespace http = beast::http;

constexpr uint32_t kMaxResponseHeaderBytes = 64 * 1024;

HttpClient::HttpClient(Url base, Limits limits, std::unique_ptr<BlockingConnection> connection)
    : base_(std::move(base)), limits_(limits), connection_(std::move(connection)) {}

HttpClient::~HttpClient() { close(); }

std::unique_ptr<HttpClient> HttpClient::create(const Url& base, const TlsClientOptions& tls,
                                               Limits limits, std::string& error) {
  auto connection = BlockingConnection::create(base.tls, tls, error);
  if (!connection) return nullptr;
  return std::unique_ptr<HttpClient>(new HttpClient(base, limits, std::move(connection)));
}

bool HttpClient::exchange(const std::string& method, const std::string& target,
                          const Headers& headers, const std::string& content_type,
                          const std::string& body, Response& out, std::string& error) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, base_.host_header());
  req.set(http::field::user_agent, std::string("tripline/") + kVersion);
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.keep_alive(true);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.body() = body;
    req.prepare_payload();
  }
  BlockingConnection& c = *connection_;
  beast::error_code ec = c.step(
      [&](auto handler) {
        c.with_stream([&](auto& stream) { http::async_write(stream, req, std::move(handler)); });
      },
      limits_.timeout);
  if (ec) {
    error = "send: " + ec.message();
    return false;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(limits_.max_body_bytes);
  parser.header_limit(kMaxResponseHeaderBytes);
  ec = c.step(
      [&](auto handler) {
        c.with_stream([&](auto& stream) {
          http::async_read(stream, c.read_buffer(), parser, std::move(handler));
        });
      },
      limits_.timeout);
  if (ec) {
    error = ec == http::error::body_limit ? "response body larger than the limit"
                                           : "receive: " + ec.message();
    return false;
  }
  auto res = parser.release();
  out.status = res.result_int();
  out.headers.clear();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(field.value());
  }
  out.body = std::move(res.body());
  if (!res.keep_alive()) c.disconnect();
  return true;
}

bool HttpClient::request(const std::string& method, const std::string& target,
                         const Headers& headers, const std::string& content_type,
                         const std::string& body, Response& out, std::string& error) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = connection_->connected();
    if (!reused && !connection_->connect(base_.host, base_.port, limits_.timeout, error)) {
      return false;
    }
    if (exchange(method, target, headers, content_type, body, out, error)) return true;
    connection_->disconnect();
    if (!reused) return false;  // a fresh connection failed: report it
  }
  return false;
}

void HttpClient::close() {
  if (connection_) connection_->disconnect();
}

}  // namespace tripline
