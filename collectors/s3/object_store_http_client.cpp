// clang-format off
#include "core/asio.h"
// clang-format on
#include "collectors/s3/object_store_http_client.h"

#include <openssl/ssl.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

namespace tripline {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

bool HttpUrl::parse(const std::string& url, HttpUrl& out, std::string& error) {
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    out.tls = false;
    rest = url.substr(7);
  } else {
    error = "URL must start with http:// or https://";
    return false;
  }
  const size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.base_path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  if (!authority.empty() && authority[0] == '[') {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string::npos) {
      error = "unterminated IPv6 address";
      return false;
    }
    out.host = authority.substr(1, close - 1);
    out.port = close + 1 < authority.size() && authority[close + 1] == ':'
                   ? authority.substr(close + 2)
                   : "";
  } else {
    const size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    out.port = colon == std::string::npos ? "" : authority.substr(colon + 1);
  }
  if (out.host.empty()) {
    error = "URL has no host";
    return false;
  }
  if (out.port.empty()) out.port = out.tls ? "443" : "80";
  if (out.port.find_first_not_of("0123456789") != std::string::npos) {
    error = "URL port is not a number";
    return false;
  }
  return true;
}

std::string HttpUrl::host_header() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if ((tls && port == "443") || (!tls && port == "80")) return h;
  return h + ":" + port;
}

struct ObjectStoreHttpClient::Impl {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  std::chrono::milliseconds timeout;
  uint64_t max_body;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  bool connected() const { return plain.has_value() || secure.has_value(); }

  // Runs one asynchronous operation to completion on the private io_context: the tcp_stream's
  // expiry bounds it, which the synchronous Beast calls cannot do.
  template <typename Start>
  beast::error_code run(Start&& start) {
    beast::error_code result = asio::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  void reset() {
    if (secure) {
      beast::error_code ec;
      beast::get_lowest_layer(*secure).socket().close(ec);
    }
    if (plain) {
      beast::error_code ec;
      plain->socket().close(ec);
    }
    secure.reset();
    plain.reset();
    buffer.clear();
  }

  bool connect(const HttpUrl& url, std::string& error) {
    reset();
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    beast::error_code ec = run([&](auto handler) {
      resolver.async_resolve(url.host, url.port,
                             [&endpoints, handler](beast::error_code e,
                                                   tcp::resolver::results_type r) mutable {
                               endpoints = std::move(r);
                               handler(e);
                             });
    });
    if (ec) {
      error = "resolve " + url.host + ": " + ec.message();
      return false;
    }
    if (url.tls) {
      secure.emplace(ioc, ctx);
    } else {
      plain.emplace(ioc);
    }
    lowest().expires_after(timeout);
    ec = run([&](auto handler) {
      lowest().async_connect(endpoints, [handler](beast::error_code e, const tcp::endpoint&) mutable {
        handler(e);
      });
    });
    if (ec) {
      error = "connect " + url.host + ":" + url.port + ": " + ec.message();
      reset();
      return false;
    }
    if (url.tls) {
      // SNI and host name verification against the name the config used.
      if (!SSL_set_tlsext_host_name(secure->native_handle(), url.host.c_str())) {
        error = "cannot set TLS server name";
        reset();
        return false;
      }
      secure->set_verify_callback(ssl::host_name_verification(url.host));
      lowest().expires_after(timeout);
      ec = run([&](auto handler) { secure->async_handshake(ssl::stream_base::client, handler); });
      if (ec) {
        error = "TLS handshake with " + url.host + ": " + ec.message();
        reset();
        return false;
      }
    }
    return true;
  }

  bool exchange(http::request<http::string_body>& req, HttpResponse& out, bool& sent_nothing,
                std::string& error) {
    sent_nothing = true;
    lowest().expires_after(timeout);
    beast::error_code ec = run([&](auto handler) {
      if (secure) http::async_write(*secure, req, handler);
      else http::async_write(*plain, req, handler);
    });
    if (ec) {
      error = "send: " + ec.message();
      return false;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    parser.header_limit(64 * 1024);
    lowest().expires_after(timeout);
    ec = run([&](auto handler) {
      if (secure) http::async_read(*secure, buffer, parser, handler);
      else http::async_read(*plain, buffer, parser, handler);
    });
    if (ec) {
      // A kept-alive connection the server closed meanwhile fails before any response byte.
      sent_nothing = ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                     ec == asio::error::eof;
      error = ec == http::error::body_limit ? "response body larger than the limit"
                                             : "receive: " + ec.message();
      return false;
    }
    auto res = parser.release();
    out.status = res.result_int();
    out.headers.clear();
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) reset();
    return true;
  }
};

ObjectStoreHttpClient::ObjectStoreHttpClient(HttpUrl endpoint, ObjectStoreTlsOptions tls, std::chrono::milliseconds timeout,
                       uint64_t max_body)
    : endpoint_(std::move(endpoint)), impl_(std::make_unique<Impl>()) {
  impl_->timeout = timeout;
  impl_->max_body = max_body;
  impl_->ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
  beast::error_code ec;
  if (tls.ca_file.empty()) {
    impl_->ctx.set_default_verify_paths(ec);
  } else {
    impl_->ctx.load_verify_file(tls.ca_file, ec);
  }
  impl_->ctx.set_verify_mode(tls.verify ? ssl::verify_peer : ssl::verify_none);
  if (!tls.cert_file.empty()) {
    impl_->ctx.use_certificate_chain_file(tls.cert_file, ec);
    impl_->ctx.use_private_key_file(tls.key_file, ssl::context::pem, ec);
  }
}

ObjectStoreHttpClient::~ObjectStoreHttpClient() { close(); }

void ObjectStoreHttpClient::close() { impl_->reset(); }

bool ObjectStoreHttpClient::send(const std::string& method, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      HttpResponse& out, std::string& error, const std::string& body) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, endpoint_.host_header());
  req.set(http::field::user_agent, "tripline");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.keep_alive(true);
  if (!body.empty() || method == "PUT" || method == "POST") {
    req.body() = body;
    req.prepare_payload();
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = impl_->connected();
    if (!reused && !impl_->connect(endpoint_, error)) return false;
    bool sent_nothing = false;
    if (impl_->exchange(req, out, sent_nothing, error)) return true;
    impl_->reset();
    if (!reused || !sent_nothing) return false;
  }
  return false;
}

}  // namespace tripline
