#include "exporters/net/http_client.h"

#include <openssl/ssl.h>

#include <optional>

#include "core/version.h"
#include "exporters/net/beast.h"

namespace tripline {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr size_t kMaxResponseBytes = 1 << 20;

struct HttpClient::Impl {
  Url base;
  TlsClientOptions tls_options;
  std::chrono::milliseconds timeout;
  asio::io_context io;
  std::unique_ptr<ssl::context> tls;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  bool connected() const { return plain.has_value() || secure.has_value(); }

  // Runs one asynchronous step to completion or until the timeout, then cancels it.
  template <class Start>
  beast::error_code step(Start start) {
    beast::error_code result = asio::error::would_block;
    bool done = false;
    start([&](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    io.restart();
    io.run_for(timeout);
    if (!done) {
      if (connected()) lowest().cancel();
      io.restart();
      io.run();
      result = beast::error::timeout;
    }
    return result;
  }

  void disconnect() {
    if (connected()) {
      beast::error_code ec;
      lowest().socket().close(ec);
    }
    plain.reset();
    secure.reset();
    buffer.clear();
  }

  bool connect(std::string& error) {
    tcp::resolver resolver(io);
    tcp::resolver::results_type endpoints;
    beast::error_code ec = asio::error::would_block;
    bool done = false;
    resolver.async_resolve(base.host, base.port,
                           [&](beast::error_code e, tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = std::move(r);
                             done = true;
                           });
    io.restart();
    io.run_for(timeout);
    if (!done) {
      resolver.cancel();
      io.restart();
      io.run();
      ec = beast::error::timeout;
    }
    if (ec) {
      error = "resolve " + base.host + ": " + ec.message();
      return false;
    }
    if (base.tls) {
      secure.emplace(io, *tls);
      if (!prepare_tls_connection(secure->native_handle(), base.host, tls_options, error)) {
        disconnect();
        return false;
      }
    } else {
      plain.emplace(io);
    }
    ec = step([&](auto handler) { lowest().async_connect(endpoints, std::move(handler)); });
    if (ec) {
      error = "connect " + base.host + ":" + base.port + ": " + ec.message();
      disconnect();
      return false;
    }
    if (secure) {
      ec = step([&](auto handler) {
        secure->async_handshake(ssl::stream_base::client, std::move(handler));
      });
      if (ec) {
        error = "TLS handshake with " + base.host + ": " + ec.message();
        disconnect();
        return false;
      }
    }
    return true;
  }

  bool exchange(http::request<http::string_body>& req, HttpClient::Response& out,
                std::string& error) {
    beast::error_code ec = step([&](auto handler) {
      if (secure) {
        http::async_write(*secure, req, std::move(handler));
      } else {
        http::async_write(*plain, req, std::move(handler));
      }
    });
    if (ec) {
      error = "send: " + ec.message();
      return false;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    ec = step([&](auto handler) {
      if (secure) {
        http::async_read(*secure, buffer, parser, std::move(handler));
      } else {
        http::async_read(*plain, buffer, parser, std::move(handler));
      }
    });
    if (ec) {
      error = "receive: " + ec.message();
      return false;
    }
    auto res = parser.release();
    out.status = res.result_int();
    out.body = std::move(res.body());
    if (!res.keep_alive()) disconnect();
    return true;
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() { close(); }

std::unique_ptr<HttpClient> HttpClient::create(const Url& base, const TlsClientOptions& tls,
                                               std::chrono::milliseconds timeout,
                                               std::string& error) {
  auto impl = std::make_unique<Impl>();
  impl->base = base;
  impl->tls_options = tls;
  impl->timeout = timeout;
  if (base.tls) {
    impl->tls = make_tls_client_context(tls, error);
    if (!impl->tls) return nullptr;
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

bool HttpClient::request(const std::string& method, const std::string& target,
                         const Headers& headers, const std::string& content_type,
                         const std::string& body, Response& out, std::string& error) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, impl_->base.host_header());
  req.set(http::field::user_agent, std::string("tripline/") + kVersion);
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = impl_->connected();
    if (!reused && !impl_->connect(error)) return false;
    if (impl_->exchange(req, out, error)) return true;
    impl_->disconnect();
    if (!reused) return false;  // a fresh connection failed: report it
  }
  return false;
}

void HttpClient::close() {
  if (impl_) impl_->disconnect();
}

}  // namespace tripline
