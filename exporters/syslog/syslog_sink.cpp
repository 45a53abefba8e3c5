#include "exporters/syslog/syslog_sink.h"

#include <unistd.h>

#include "config/yaml_map.h"
#include "exporters/delivery/spooled_sink.h"
#include "net/blocking_connection.h"

namespace tripline {

namespace {

const std::vector<std::string> kFacilities = {
    "kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",  "ntp",    "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};

}  // namespace

SyslogTransport::SyslogTransport(Options options, std::unique_ptr<BlockingConnection> connection)
    : options_(std::move(options)), connection_(std::move(connection)) {}
SyslogTransport::~SyslogTransport() { close(); }

std::unique_ptr<SyslogTransport> SyslogTransport::create(const Options& options,
                                                         std::string& error) {
  auto connection = BlockingConnection::create(options.tls, options.tls_options, error);
  if (!connection) return nullptr;
  return std::unique_ptr<SyslogTransport>(new SyslogTransport(options, std::move(connection)));
}

SendResult SyslogTransport::send(std::span<const Alert> alerts) {
  std::string data;
  for (const Alert& a : alerts) {
    const std::string msg = format_rfc5424(a, options_.format);
    if (options_.octet_counting) {
      data += octet_counted(msg);
    } else {
      data += msg;
      data.push_back('\n');
    }
  }
  std::string error;
  // The collector never sends application data, so a readable socket means it closed.
  if (connection_->connected() && connection_->peer_closed()) connection_->disconnect();
  if (!connection_->connected() &&
      !connection_->connect(options_.host, options_.port, options_.timeout, error)) {
    return SendResult::retry(error);
  }
  if (!connection_->write(data, options_.timeout, error)) {
    connection_->disconnect();
    return SendResult::retry(error);
  }
  return SendResult::ok();
}

void SyslogTransport::close() {
  if (connection_ && connection_->connected()) connection_->shutdown(std::chrono::milliseconds(1000));
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
