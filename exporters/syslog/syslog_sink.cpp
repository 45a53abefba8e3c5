#include "exporters/syslog/syslog_sink.h"

#include <sys/socket.h>
#include <unistd.h>

#include <optional>

#include "config/yaml_map.h"
#include "exporters/delivery/spooled_sink.h"
#include "exporters/net/beast.h"

namespace tripline {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

const std::vector<std::string> kFacilities = {
    "kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",  "ntp",    "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};

}  // namespace

struct SyslogTransport::Impl {
  Options options;
  asio::io_context io;
  std::unique_ptr<ssl::context> tls;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;

  bool connected() const { return plain.has_value() || secure.has_value(); }
  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  template <class Start>
  beast::error_code step(Start start, std::chrono::milliseconds timeout) {
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
  }

  // The collector never sends application data, so readable means it closed (or, under TLS,
  // sent session tickets, which reading consumes).
  bool peer_closed() {
    if (!connected()) return true;
    const int fd = lowest().socket().native_handle();
    char byte;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    if (!secure) return false;
    char buf[256];
    const beast::error_code ec = step(
        [&](auto handler) { secure->async_read_some(asio::buffer(buf), std::move(handler)); },
        std::chrono::milliseconds(20));
    return ec != beast::error::timeout;
  }

  bool connect(std::string& error) {
    tcp::resolver resolver(io);
    tcp::resolver::results_type endpoints;
    beast::error_code ec = asio::error::would_block;
    bool done = false;
    resolver.async_resolve(options.host, options.port,
                           [&](beast::error_code e, tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = std::move(r);
                             done = true;
                           });
    io.restart();
    io.run_for(options.timeout);
    if (!done) {
      resolver.cancel();
      io.restart();
      io.run();
      ec = beast::error::timeout;
    }
    if (ec) {
      error = "resolve " + options.host + ": " + ec.message();
      return false;
    }
    if (options.tls) {
      secure.emplace(io, *tls);
      if (!prepare_tls_connection(secure->native_handle(), options.host, options.tls_options,
                                  error)) {
        disconnect();
        return false;
      }
    } else {
      plain.emplace(io);
    }
    ec = step([&](auto handler) { lowest().async_connect(endpoints, std::move(handler)); },
              options.timeout);
    if (ec) {
      error = "connect " + options.host + ":" + options.port + ": " + ec.message();
      disconnect();
      return false;
    }
    if (secure) {
      ec = step(
          [&](auto handler) {
            secure->async_handshake(ssl::stream_base::client, std::move(handler));
          },
          options.timeout);
      if (ec) {
        error = "TLS handshake with " + options.host + ": " + ec.message();
        disconnect();
        return false;
      }
    }
    return true;
  }

  bool write(const std::string& data, std::string& error) {
    const beast::error_code ec = step(
        [&](auto handler) {
          if (secure) {
            asio::async_write(*secure, asio::buffer(data), std::move(handler));
          } else {
            asio::async_write(*plain, asio::buffer(data), std::move(handler));
          }
        },
        options.timeout);
    if (ec) {
      error = "write: " + ec.message();
      return false;
    }
    return true;
  }
};

SyslogTransport::SyslogTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SyslogTransport::~SyslogTransport() { close(); }

std::unique_ptr<SyslogTransport> SyslogTransport::create(const Options& options,
                                                         std::string& error) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (options.tls) {
    impl->tls = make_tls_client_context(options.tls_options, error);
    if (!impl->tls) return nullptr;
  }
  return std::unique_ptr<SyslogTransport>(new SyslogTransport(std::move(impl)));
}

SendResult SyslogTransport::send(std::span<const Alert> alerts) {
  std::string data;
  for (const Alert& a : alerts) {
    const std::string msg = format_rfc5424(a, impl_->options.format);
    if (impl_->options.octet_counting) {
      data += octet_counted(msg);
    } else {
      data += msg;
      data.push_back('\n');
    }
  }
  std::string error;
  if (impl_->connected() && impl_->peer_closed()) impl_->disconnect();
  if (!impl_->connected() && !impl_->connect(error)) return SendResult::retry(error);
  if (!impl_->write(data, error)) {
    impl_->disconnect();
    return SendResult::retry(error);
  }
  return SendResult::ok();
}

void SyslogTransport::close() {
  if (!impl_ || !impl_->connected()) return;
  if (impl_->secure) {
    impl_->step([&](auto handler) { impl_->secure->async_shutdown(std::move(handler)); },
                std::chrono::milliseconds(1000));
  }
  impl_->disconnect();
}

std::unique_ptr<Sink> create_syslog_sink(const OutputConfig& config, const SinkContext& context,
                                         Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "outputs", diags);
  SyslogTransport::Options options;
  std::string address, protocol = "tls", framing = "octet_counting", facility = "auth",
                       message = "json";
  m.get("address", address, true);
  m.get_enum("protocol", protocol, {"tls", "tcp"});
  m.get_enum("framing", framing, {"octet_counting", "newline"});
  m.get_enum("facility", facility, kFacilities);
  m.get_enum("message", message, {"json", "title"});
  m.get("app_name", options.format.app_name);
  m.get("sd_id", options.format.sd_id);
  m.get_duration("timeout", options.timeout);
  read_tls_client_options(m, config, context.config_dir, diags, options.tls_options);
  DeliveryOptions delivery;
  read_delivery_options(m, config, diags, delivery);
  m.finish();
  options.tls = protocol == "tls";
  options.octet_counting = framing == "octet_counting";
  options.format.message =
      message == "title" ? SyslogFormat::Message::kTitle : SyslogFormat::Message::kJson;
  for (size_t i = 0; i < kFacilities.size(); ++i) {
    if (kFacilities[i] == facility) options.format.facility = static_cast<int>(i);
  }
  options.format.procid = static_cast<int>(::getpid());
  const size_t colon = address.rfind(':');
  if (!address.empty()) {
    if (address.front() == '[') {
      const size_t close = address.find(']');
      options.host = close == std::string::npos ? "" : address.substr(1, close - 1);
      if (close != std::string::npos && close + 1 < address.size()) {
        options.port = address.substr(close + 2);
      }
    } else if (colon != std::string::npos) {
      options.host = address.substr(0, colon);
      options.port = address.substr(colon + 1);
    } else {
      options.host = address;
    }
    if (options.port.empty()) options.port = options.tls ? "6514" : "514";
    if (options.host.empty() ||
        options.port.find_first_not_of("0123456789") != std::string::npos) {
      m.error("address", "config.value", "outputs." + config.name + ".address: expected host:port");
    }
  }
  if (options.format.sd_id.empty() ||
      options.format.sd_id.find_first_of(" =]\"") != std::string::npos) {
    m.error("sd_id", "config.value", "outputs." + config.name + ".sd_id: not a valid SD-ID");
  }
  if (diags.error_count() != errors_before) return nullptr;
  std::string error;
  auto transport = SyslogTransport::create(options, error);
  if (!transport) {
    diags.error("config.value", config.mark.file, config.mark.line, config.mark.column,
                "outputs." + config.name + ": " + error);
    return nullptr;
  }
  return make_spooled_sink(config, context, delivery, std::move(transport), diags);
}

}  // namespace tripline
