// clang-format off
#include "core/asio.h"
// clang-format on
#include "collectors/k8s_audit.h"

#include <openssl/crypto.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <optional>
#include <set>

#include "collectors/cloud/input_info.h"
#include "collectors/k8s/event_list.h"
#include "collectors/parsers/parser_factory.h"
#include "config/yaml_map.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/metrics.h"

namespace tripline {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;
  virtual void committed() = 0;
};

std::string json_message(std::string_view key, std::string_view msg, size_t accepted = 0,
                         size_t rejected = 0) {
  JsonWriter w;
  w.begin_object().key(key).value(msg);
  if (accepted || rejected) {
    w.key("accepted").value(static_cast<uint64_t>(accepted));
    w.key("rejected").value(static_cast<uint64_t>(rejected));
  }
  w.end_object();
  return w.take();
}

}  // namespace

struct K8sAuditCollector::Impl : std::enable_shared_from_this<K8sAuditCollector::Impl> {
  Impl(std::shared_ptr<const InputInfo> in, K8sAuditOptions o)
      : input(std::move(in)),
        options(std::move(o)),
        emitter(input, std::shared_ptr<const Parser>(make_parser("k8s-audit")), 1000),
        parse_errors(Metrics::global().parse_errors(input->name)),
        dropped(Metrics::global().events_dropped(input->name, "not_audit_event")) {}

  std::shared_ptr<const InputInfo> input;
  K8sAuditOptions options;
  ObjectEmitter emitter;
  prometheus::Counter& parse_errors;
  prometheus::Counter& dropped;
  asio::io_context ioc;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  asio::steady_timer retry{ioc};
  BatchConsumer* out = nullptr;
  std::atomic<uint16_t>* bound_port = nullptr;
  std::atomic<bool> stopping{false};
  bool bind_error_logged = false;
  // Sessions waiting for their batch's commit, and every live session (io thread only).
  std::set<std::shared_ptr<SessionBase>> waiting;
  std::set<std::weak_ptr<SessionBase>, std::owner_less<std::weak_ptr<SessionBase>>> live;

  bool build_tls(std::string& error);
  void listen();
  void accept();
  void shutdown() {
    beast::error_code ec;
    acceptor.close(ec);
    retry.cancel();
    for (const auto& w : live) {
      if (auto s = w.lock()) s->close();
    }
    waiting.clear();
  }
};

namespace {

template <typename Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(std::shared_ptr<K8sAuditCollector::Impl> impl, Stream stream, std::string peer)
      : impl_(std::move(impl)), stream_(std::move(stream)), peer_(std::move(peer)) {}

  void run() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read();
    } else {
      beast::get_lowest_layer(stream_).expires_after(impl_->options.request_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->read();
                              });
    }
  }

  void close() override {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(stream_).socket().close(ec);
  }

  void committed() override {
    impl_->waiting.erase(this->shared_from_this());
    if (pending_rejected_ || !pending_error_.empty()) {
      respond(http::status::bad_request,
              json_message("error", pending_error_, pending_accepted_, pending_rejected_), true);
    } else {
      respond(http::status::ok, "{}", true);
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(impl_->options.max_body);
    parser_->header_limit(64 * 1024);
    beast::get_lowest_layer(stream_).expires_after(impl_->options.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      respond(http::status::payload_too_large,
              json_message("error", "request body over max_body_size"), false);
      return;
    }
    if (ec) return;  // closed, timed out or not HTTP: nothing to answer
    const auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    std::string_view target(req.target().data(), req.target().size());
    target = target.substr(0, target.find('?'));
    if (target != impl_->options.path) {
      respond(http::status::not_found, json_message("error", "not found"), keep_alive_);
      return;
    }
    if (!authorized(req)) {
      respond(http::status::unauthorized, json_message("error", "bad or missing bearer token"),
              keep_alive_);
      return;
    }
    if (req.method() != http::verb::post) {
      respond(http::status::method_not_allowed, json_message("error", "POST an EventList"),
              keep_alive_);
      return;
    }
    AuditBatch batch = split_audit_body(req.body());
    if (batch.rejected) {
      impl_->parse_errors.Increment(static_cast<double>(batch.rejected));
      impl_->dropped.Increment(static_cast<double>(batch.rejected));
    }
    if (batch.events.empty() && !batch.error.empty()) {
      impl_->parse_errors.Increment();
      log::warn("rejected audit webhook request", {{"input", impl_->input->name},
                                                   {"peer", peer_}, {"error", batch.error}});
      respond(http::status::bad_request, json_message("error", batch.error, 0, batch.rejected),
              keep_alive_);
      return;
    }
    if (!batch.error.empty()) {
      log::warn("audit webhook batch partly rejected", {{"input", impl_->input->name},
                                                       {"peer", peer_}, {"error", batch.error}});
    }
    pending_error_ = batch.error;
    pending_accepted_ = batch.events.size();
    pending_rejected_ = batch.rejected;
    auto self = this->shared_from_this();
    impl_->waiting.insert(self);
    std::weak_ptr<SessionBase> weak = self;
    std::weak_ptr<K8sAuditCollector::Impl> impl = impl_;
    auto on_committed = [impl, weak] {
      auto i = impl.lock();
      if (!i || i->stopping) return;
      asio::post(i->ioc, [weak] {
        if (auto s = weak.lock()) s->committed();
      });
    };
    // Blocks while the pipeline is full: the API server's request waits, which is the
    // backpressure its webhook backend expects.
    if (!impl_->emitter.emit(*impl_->out, "k8s-audit-webhook:" + peer_, batch.events,
                             std::move(on_committed))) {
      impl_->waiting.erase(self);
      respond(http::status::service_unavailable, json_message("error", "agent shutting down"),
              false);
    }
  }

  bool authorized(const http::request<http::string_body>& req) const {
    const std::string& token = impl_->options.bearer_token;
    if (token.empty()) return true;  // mTLS already verified the client
    const auto it = req.find(http::field::authorization);
    if (it == req.end()) return false;
    const std::string expected = "Bearer " + token;
    const std::string_view got(it->value().data(), it->value().size());
    return got.size() == expected.size() &&
           CRYPTO_memcmp(got.data(), expected.data(), expected.size()) == 0;
  }

  void respond(http::status status, std::string body, bool keep_alive) {
    res_ = {};
    res_.result(status);
    res_.version(11);
    res_.set(http::field::content_type, "application/json");
    res_.set(http::field::server, "tripline");
    if (status == http::status::unauthorized) res_.set(http::field::www_authenticate, "Bearer");
    res_.keep_alive(keep_alive);
    res_.body() = std::move(body);
    res_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(impl_->options.request_timeout);
    http::async_write(stream_, res_,
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) {
                          self->close();
                          return;
                        }
                        self->read();
                      });
  }

  std::shared_ptr<K8sAuditCollector::Impl> impl_;
  Stream stream_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  bool keep_alive_ = true;
  std::string pending_error_;
  size_t pending_accepted_ = 0;
  size_t pending_rejected_ = 0;
};

}  // namespace

bool K8sAuditCollector::Impl::build_tls(std::string& error) {
  if (options.plaintext) return true;
  tls.emplace(ssl::context::tls_server);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  beast::error_code ec;
  tls->use_certificate_chain_file(options.cert_file, ec);
  if (!ec) tls->use_private_key_file(options.key_file, ssl::context::pem, ec);
  if (!ec && !options.client_ca_file.empty()) {
    tls->load_verify_file(options.client_ca_file, ec);
    tls->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  if (ec) {
    error = "TLS setup: " + ec.message();
    return false;
  }
  return true;
}

void K8sAuditCollector::Impl::listen() {
  if (stopping) return;
  beast::error_code ec;
  const tcp::endpoint ep(asio::ip::make_address(options.address, ec), options.port);
  if (!ec) acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    if (!bind_error_logged) {
      log::error("k8s audit webhook cannot listen; retrying every 5s",
                 {{"input", input->name}, {"address", options.address}, {"error", ec.message()}});
    }
    bind_error_logged = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    retry.expires_after(std::chrono::seconds(5));
    retry.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e) self->listen();
    });
    return;
  }
  bound_port->store(acceptor.local_endpoint().port());
  log::info("k8s audit webhook listening",
            {{"input", input->name}, {"port", std::to_string(acceptor.local_endpoint().port())}});
  accept();
}

void K8sAuditCollector::Impl::accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (self->acceptor.is_open() && !self->stopping) self->accept();
      return;
    }
    beast::error_code pe;
    const auto remote = socket.remote_endpoint(pe);
    const std::string peer = pe ? "unknown" : remote.address().to_string();
    std::shared_ptr<SessionBase> session;
    if (self->tls) {
      auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          self, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *self->tls),
          peer);
      s->run();
      session = s;
    } else {
      auto s = std::make_shared<Session<beast::tcp_stream>>(self, beast::tcp_stream(std::move(socket)),
                                                            peer);
      s->run();
      session = s;
    }
    std::erase_if(self->live, [](const auto& w) { return w.expired(); });
    self->live.insert(session);
    self->accept();
  });
}

K8sAuditCollector::K8sAuditCollector(std::shared_ptr<const InputInfo> input,
                                     K8sAuditOptions options)
    : impl_(std::make_shared<Impl>(std::move(input), std::move(options))) {}

K8sAuditCollector::~K8sAuditCollector() { stop(); }

const std::string& K8sAuditCollector::name() const { return impl_->input->name; }

void K8sAuditCollector::start(BatchConsumer& out) {
  impl_->out = &out;
  impl_->bound_port = &bound_port_;
  std::string error;
  if (!impl_->build_tls(error)) {
    // The factory checked the files exist; they may have been replaced by unreadable ones since.
    log::error("k8s audit webhook not started", {{"input", impl_->input->name}, {"error", error}});
    return;
  }
  asio::post(impl_->ioc, [impl = impl_] { impl->listen(); });
  thread_ = std::thread([impl = impl_] { impl->ioc.run(); });
}

void K8sAuditCollector::stop() {
  if (!thread_.joinable()) return;
  impl_->stopping = true;
  asio::post(impl_->ioc, [impl = impl_] { impl->shutdown(); });
  thread_.join();
  // Handlers left in the queue (sessions that were mid-request) are dropped with their sockets.
  impl_->ioc.restart();
  impl_->ioc.poll();
  impl_->waiting.clear();
}

std::unique_ptr<Collector> make_k8s_audit_collector(const InputConfig& config,
                                                    const CollectorContext& context,
                                                    Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "inputs", diags);
  K8sAuditOptions o;
  std::string listen = "0.0.0.0:9443";
  m.get("listen", listen);
  const size_t colon = listen.rfind(':');
  uint64_t port = 0;
  bool port_ok = colon != std::string::npos && colon + 1 < listen.size() &&
                 listen.find_first_not_of("0123456789", colon + 1) == std::string::npos;
  if (port_ok) {
    // from_chars: a port of twenty digits is out of range, not an exception.
    const char* first = listen.data() + colon + 1;
    const char* last = listen.data() + listen.size();
    port_ok = std::from_chars(first, last, port).ec == std::errc() && port <= 65535;
  }
  std::string address = colon == std::string::npos ? "" : listen.substr(0, colon);
  if (address.size() > 1 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  beast::error_code ec;
  asio::ip::make_address(address, ec);
  if (!port_ok || ec) {
    m.error("listen", "config.invalid-value", "listen must be ADDRESS:PORT, e.g. 0.0.0.0:9443");
  }
  o.address = address;
  o.port = static_cast<uint16_t>(port);
  m.get("path", o.path);
  if (o.path.empty() || o.path[0] != '/') {
    m.error("path", "config.invalid-value", "path must start with '/'");
  }
  m.get_secret("bearer_token", o.bearer_token);
  m.get_size("max_body_size", o.max_body);
  m.get_duration("request_timeout", o.request_timeout);
  m.get("allow_plaintext", o.plaintext);
  if (m.has("tls")) {
    YamlMap t(m.node("tls"), "inputs." + config.name + ".tls", config.mark.file, diags);
    t.get("cert_file", o.cert_file, true);
    t.get("key_file", o.key_file, true);
    t.get("client_ca_file", o.client_ca_file);
    t.finish();
    o.cert_file = resolve_config_path(o.cert_file, context);
    o.key_file = resolve_config_path(o.key_file, context);
    o.client_ca_file = resolve_config_path(o.client_ca_file, context);
  } else if (!o.plaintext) {
    m.error("tls", "config.missing-key",
            "k8s_audit needs tls (cert_file, key_file), or allow_plaintext: true behind a proxy");
  }
  if (o.bearer_token.empty() && o.client_ca_file.empty()) {
    m.error("bearer_token", "config.missing-key",
            "k8s_audit needs bearer_token(_file) or tls.client_ca_file to authenticate the API "
            "server");
  }
  m.finish();
  if (diags.error_count() > errors_before) return nullptr;
  if (!o.plaintext) {
    // Load the certificates once now so `tripline check` reports a bad file.
    K8sAuditCollector::Impl probe(make_input_info(config, context, {}), o);
    std::string error;
    if (!probe.build_tls(error)) {
      diags.error("config.invalid-value", config.mark.file, config.mark.line, config.mark.column,
                  "inputs." + config.name + ".tls: " + error);
      return nullptr;
    }
  }
  return std::make_unique<K8sAuditCollector>(
      make_input_info(config, context, default_logsource("k8s-audit")), std::move(o));
}

}  // namespace tripline
