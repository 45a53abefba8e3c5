#include "exporters/prometheus/metrics_server.h"

#include <openssl/ssl.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <list>
#include <optional>

#include "core/log.h"
#include "core/version.h"
#include "net/beast.h"
#include "exporters/prometheus/basic_auth.h"
#include "exporters/prometheus/web_config.h"

namespace tripline {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr size_t kMaxRequestBytes = 16 * 1024;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct SessionBase {
  virtual ~SessionBase() = default;
  virtual void close() = 0;
};

}  // namespace

struct MetricsServer::Impl : std::enable_shared_from_this<MetricsServer::Impl> {
  Impl(asio::io_context& io_context, const MetricsConfig& cfg,
       std::shared_ptr<prometheus::Registry> reg)
      : io(io_context), config(cfg), registry(std::move(reg)) {}

  asio::io_context& io;
  MetricsConfig config;
  std::shared_ptr<prometheus::Registry> registry;
  WebConfig web;
  bool valid = false;
  std::unique_ptr<ssl::context> tls;
  std::unique_ptr<BasicAuth> auth;
  std::optional<tcp::acceptor> acceptor;
  uint16_t port = 0;
  std::function<bool()> health;
  std::list<std::weak_ptr<SessionBase>> sessions;

  bool build_tls(Diagnostics& diags);
  void accept();
  Response handle(const Request& req);
};

namespace {

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, std::shared_ptr<MetricsServer::Impl> server)
      : stream_(std::move(stream)), server_(std::move(server)) {}

  void start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close();
                                self->read();
                              });
    } else {
      read();
    }
  }

  void close() override {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().close(ec);
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBytes);
    parser_->header_limit(kMaxRequestBytes);
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return shutdown();
    if (ec) return close();
    const Request& req = parser_->get();
    response_ = server_->handle(req);
    response_.keep_alive(req.keep_alive());
    response_.prepare_payload();
    if (req.method() == http::verb::head) response_.body().clear();
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_write(stream_, response_,
                      [self = this->shared_from_this()](beast::error_code wec, size_t) {
                        if (wec) return self->close();
                        if (!self->response_.keep_alive()) return self->shutdown();
                        self->read();
                      });
  }

  void shutdown() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        self->close();
      });
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      close();
    }
  }

  Stream stream_;
  std::shared_ptr<MetricsServer::Impl> server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response response_;
};

bool parse_listen(const std::string& listen, std::string& host, uint16_t& port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  const std::string digits = listen.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  const unsigned long p = std::stoul(digits);
  if (p > 65535) return false;
  port = static_cast<uint16_t>(p);
  return true;
}

Response make_response(const Request& req, http::status status, std::string content_type,
                       std::string body) {
  Response res{status, req.version()};
  res.set(http::field::server, "tripline");
  res.set(http::field::content_type, std::move(content_type));
  res.body() = std::move(body);
  return res;
}

std::string landing_page(const std::string& metrics_path) {
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Tripline</title></head>\n"
         "<body><h1>Tripline</h1><p>Host-level security observability agent, version " +
         std::string(kVersion) + ".</p>\n<ul><li><a href=\"" + metrics_path +
         "\">Metrics</a></li><li><a href=\"/healthz\">Health</a></li></ul></body></html>\n";
}

}  // namespace

bool MetricsServer::Impl::build_tls(Diagnostics& diags) {
  const SourceMark& m = config.mark;
  try {
    tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                     ssl::context::no_tlsv1_1 | ssl::context::single_dh_use |
                     ssl::context::no_compression);
    SSL_CTX* ctx = tls->native_handle();
    SSL_CTX_set_min_proto_version(ctx, web.min_version == "TLS13" ? TLS1_3_VERSION
                                                                  : TLS1_2_VERSION);
    if (!web.max_version.empty()) {
      SSL_CTX_set_max_proto_version(ctx, web.max_version == "TLS13" ? TLS1_3_VERSION
                                                                    : TLS1_2_VERSION);
    }
    tls->use_certificate_chain_file(web.cert_file);
    tls->use_private_key_file(web.key_file, ssl::context::pem);
    if (!web.client_ca_file.empty()) tls->load_verify_file(web.client_ca_file);
    const std::string& type = web.client_auth_type;
    if (type == "NoClientCert") {
      tls->set_verify_mode(ssl::verify_none);
    } else {
      ssl::verify_mode mode = ssl::verify_peer;
      if (type == "RequireAnyClientCert" || type == "RequireAndVerifyClientCert") {
        mode |= ssl::verify_fail_if_no_peer_cert;
      }
      tls->set_verify_mode(mode);
      if (type == "RequestClientCert" || type == "RequireAnyClientCert") {
        // These modes ask for a certificate without checking it (exporter-toolkit semantics).
        tls->set_verify_callback([](bool, ssl::verify_context&) { return true; });
      }
    }
  } catch (const boost::system::system_error& e) {
    diags.error("metrics.tls", m.file, m.line, m.column,
                std::string("metrics: cannot set up TLS: ") + e.what());
    return false;
  }
  return true;
}

Response MetricsServer::Impl::handle(const Request& req) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    Response res = make_response(req, http::status::method_not_allowed, "text/plain",
                                 "method not allowed\n");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  if (auth && auth->enabled()) {
    const auto it = req.find(http::field::authorization);
    if (it == req.end() || !auth->check(std::string_view(it->value().data(), it->value().size()))) {
      Response res =
          make_response(req, http::status::unauthorized, "text/plain", "Unauthorized\n");
      res.set(http::field::www_authenticate, "Basic realm=\"tripline\"");
      return res;
    }
  }
  std::string_view target(req.target().data(), req.target().size());
  if (const size_t q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  if (target == config.path) {
    prometheus::TextSerializer serializer;
    return make_response(req, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                         serializer.Serialize(registry->Collect()));
  }
  if (target == "/healthz") {
    const bool ok = !health || health();
    return make_response(req, ok ? http::status::ok : http::status::service_unavailable,
                         "text/plain", ok ? "ok\n" : "unhealthy\n");
  }
  if (target == "/") {
    return make_response(req, http::status::ok, "text/html; charset=utf-8",
                         landing_page(config.path));
  }
  return make_response(req, http::status::not_found, "text/plain", "not found\n");
}

void MetricsServer::Impl::accept() {
  acceptor->async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (!self->acceptor || !self->acceptor->is_open()) return;
    if (!ec) {
      std::shared_ptr<SessionBase> session;
      if (self->tls) {
        auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *self->tls),
            self);
        s->start();
        session = s;
      } else {
        auto s = std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)),
                                                              self);
        s->start();
        session = s;
      }
      self->sessions.remove_if([](const auto& w) { return w.expired(); });
      self->sessions.push_back(session);
    } else if (ec == asio::error::operation_aborted) {
      return;
    }
    self->accept();
  });
}

MetricsServer::MetricsServer(asio::io_context& io, const MetricsConfig& config,
                             std::shared_ptr<prometheus::Registry> registry, Diagnostics& diags)
    : impl_(std::make_shared<Impl>(io, config, std::move(registry))) {
  const size_t before = diags.error_count();
  std::string host;
  uint16_t port = 0;
  if (!parse_listen(config.listen, host, port)) {
    diags.error("config.value", config.mark.file, config.mark.line, config.mark.column,
                "metrics.listen: expected host:port, got '" + config.listen + "'");
  }
  if (read_web_config(config, impl_->web, diags) && impl_->web.tls) impl_->build_tls(diags);
  impl_->auth = std::make_unique<BasicAuth>(impl_->web.users);
  impl_->valid = diags.error_count() == before;
}

MetricsServer::~MetricsServer() { stop(); }

bool MetricsServer::valid() const { return impl_->valid; }

bool MetricsServer::validate(const MetricsConfig& config, Diagnostics& diags) {
  asio::io_context io;
  MetricsServer server(io, config, nullptr, diags);
  return server.valid();
}

bool MetricsServer::start(std::string& error) {
  if (!impl_->valid) {
    error = "invalid metrics configuration";
    return false;
  }
  std::string host;
  uint16_t port = 0;
  parse_listen(impl_->config.listen, host, port);
  beast::error_code ec;
  tcp::resolver resolver(impl_->io);
  const auto results = resolver.resolve(host, std::to_string(port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service,
                                        ec);
  if (ec || results.empty()) {
    error = "cannot resolve " + host + ": " + ec.message();
    return false;
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  tcp::acceptor acceptor(impl_->io);
  if (acceptor.open(endpoint.protocol(), ec) ||
      acceptor.set_option(asio::socket_base::reuse_address(true), ec) ||
      acceptor.bind(endpoint, ec) || acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
    error = "cannot listen on " + impl_->config.listen + ": " + ec.message();
    return false;
  }
  impl_->port = acceptor.local_endpoint(ec).port();
  impl_->acceptor.emplace(std::move(acceptor));
  impl_->accept();
  log::info("metrics server listening",
            {{"address", endpoint.address().to_string() + ":" + std::to_string(impl_->port)},
             {"path", impl_->config.path}, {"tls", impl_->tls ? "on" : "off"},
             {"basic_auth", impl_->auth->enabled() ? "on" : "off"}});
  return true;
}

void MetricsServer::stop() {
  if (!impl_ || !impl_->acceptor) return;
  beast::error_code ec;
  impl_->acceptor->close(ec);
  impl_->acceptor.reset();
  for (auto& w : impl_->sessions) {
    if (auto s = w.lock()) s->close();
  }
  impl_->sessions.clear();
}

uint16_t MetricsServer::port() const { return impl_->port; }

void MetricsServer::set_health_check(std::function<bool()> check) {
  impl_->health = std::move(check);
}

}  // namespace tripline
