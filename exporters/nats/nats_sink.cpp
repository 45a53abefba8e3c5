#include "exporters/nats/nats_sink.h"

#include <nats/nats.h>

#include <cstring>
#include <filesystem>

#include "config/yaml_map.h"
#include "core/log.h"
#include "exporters/delivery/spooled_sink.h"

namespace tripline {
namespace {

std::string subject_token(const std::string& value) {
  std::string out;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(c == '.' || c == '*' || c == '>' || u <= 32 || u == 127 ? '_' : c);
  }
  return out.empty() ? "_" : out;
}

std::string status_text(natsStatus s) {
  std::string text = natsStatus_GetText(s);
  if (const char* last = nats_GetLastError(nullptr); last && *last) text += ": " + std::string(last);
  return text;
}

const char* const kPlaceholders[] = {"{sev}", "{rule_id}", "{host}", "{source}"};

}  // namespace

std::string NatsTransport::subject_for(const std::string& tmpl, const Alert& a) {
  std::string out;
  for (size_t i = 0; i < tmpl.size();) {
    if (tmpl[i] == '{') {
      const size_t close = tmpl.find('}', i);
      const std::string key = tmpl.substr(i, close == std::string::npos ? 1 : close - i + 1);
      if (key == "{sev}") out += subject_token(sev_name(a.sev));
      else if (key == "{rule_id}") out += subject_token(a.rule_id);
      else if (key == "{host}") out += subject_token(a.host);
      else if (key == "{source}") out += subject_token(a.source);
      else out += key;
      i += key.size();
    } else {
      out.push_back(tmpl[i++]);
    }
  }
  return out;
}

std::string NatsTransport::subject_filter(const std::string& tmpl) {
  std::string out = tmpl;
  for (const char* p : kPlaceholders) {
    for (size_t at; (at = out.find(p)) != std::string::npos;) out.replace(at, std::strlen(p), "*");
  }
  return out;
}

NatsTransport::NatsTransport(std::string name, const Options& options)
    : name_(std::move(name)), options_(options) {}

NatsTransport::~NatsTransport() { close(); }

void NatsTransport::disconnect() {
  if (js_) jsCtx_Destroy(js_);
  js_ = nullptr;
  if (connection_) {
    natsConnection_Close(connection_);
    natsConnection_Destroy(connection_);
  }
  connection_ = nullptr;
  if (nats_options_) natsOptions_Destroy(nats_options_);
  nats_options_ = nullptr;
}

void NatsTransport::close() { disconnect(); }

bool NatsTransport::connect(std::string& error) {
  natsOptions* o = nullptr;
  natsStatus s = natsOptions_Create(&o);
  if (s == NATS_OK) s = natsOptions_SetURL(o, options_.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(o, ("tripline " + name_).c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(o, options_.timeout.count());
  // The client reconnects on its own; publishes in between fail and the spool retries them.
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(o, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(o, 500);
  if (s == NATS_OK && !options_.user.empty()) {
    s = natsOptions_SetUserInfo(o, options_.user.c_str(), options_.password.c_str());
  }
  if (s == NATS_OK && !options_.token.empty()) s = natsOptions_SetToken(o, options_.token.c_str());
  if (s == NATS_OK && !options_.credentials_file.empty()) {
    s = natsOptions_SetUserCredentialsFromFiles(o, options_.credentials_file.c_str(), nullptr);
  }
  if (s == NATS_OK && options_.tls) {
    const TlsClientOptions& t = options_.tls_options;
    s = natsOptions_SetSecure(o, true);
    if (s == NATS_OK && !t.ca_file.empty()) s = natsOptions_LoadCATrustedCertificates(o, t.ca_file.c_str());
    if (s == NATS_OK && !t.cert_file.empty()) {
      s = natsOptions_LoadCertificatesChain(o, t.cert_file.c_str(), t.key_file.c_str());
    }
    if (s == NATS_OK && !t.server_name.empty()) {
      s = natsOptions_SetExpectedHostname(o, t.server_name.c_str());
    }
    if (s == NATS_OK && t.insecure_skip_verify) s = natsOptions_SkipServerVerification(o, true);
  }
  if (s != NATS_OK) {
    error = "NATS options: " + status_text(s);
    natsOptions_Destroy(o);
    return false;
  }
  nats_options_ = o;
  s = natsConnection_Connect(&connection_, nats_options_);
  if (s != NATS_OK) {
    error = "NATS connect " + options_.url + ": " + status_text(s);
    connection_ = nullptr;
    disconnect();
    return false;
  }
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = options_.timeout.count();
  s = natsConnection_JetStream(&js_, connection_, &jo);
  if (s != NATS_OK) {
    error = "JetStream context: " + status_text(s);
    js_ = nullptr;
    disconnect();
    return false;
  }
  return true;
}

bool NatsTransport::ensure_stream(std::string& error) {
  if (stream_ready_ || options_.stream.empty()) return true;
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, js_, options_.stream.c_str(), nullptr, &jerr);
  if (s == NATS_OK) {
    jsStreamInfo_Destroy(si);
    stream_ready_ = true;
    return true;
  }
  if (s != NATS_NOT_FOUND || !options_.create_stream) {
    error = "JetStream stream " + options_.stream + ": " + status_text(s);
    return false;
  }
  const std::string filter = subject_filter(options_.subject);
  const char* subjects[] = {filter.c_str()};
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = options_.stream.c_str();
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.Duplicates = std::chrono::duration_cast<std::chrono::nanoseconds>(options_.duplicate_window)
                       .count();
  s = js_AddStream(&si, js_, &cfg, nullptr, &jerr);
  if (s != NATS_OK) {
    error = "cannot create JetStream stream " + options_.stream + ": " + status_text(s);
    return false;
  }
  jsStreamInfo_Destroy(si);
  log::info("created JetStream stream", {{"sink", name_}, {"stream", options_.stream},
                                         {"subjects", filter}});
  stream_ready_ = true;
  return true;
}

SendResult NatsTransport::send(std::span<const Alert> alerts) {
  std::string error;
  if (!connection_ && !connect(error)) return SendResult::retry(error);
  if (!ensure_stream(error)) return SendResult::retry(error);
  for (const Alert& a : alerts) {
    const std::string subject = subject_for(options_.subject, a);
    const std::string body = a.to_json();
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MsgId = a.alert_id.c_str();
    po.MaxWait = options_.timeout.count();
    if (!options_.stream.empty()) po.ExpectStream = options_.stream.c_str();
    jsPubAck* ack = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    const natsStatus s = js_Publish(&ack, js_, subject.c_str(), body.data(),
                                    static_cast<int>(body.size()), &po, &jerr);
    if (ack) jsPubAck_Destroy(ack);
    if (s != NATS_OK) {
      // Everything before this alert is acknowledged; the batch is re-published from its start
      // and JetStream drops those by Nats-Msg-Id.
      if (s == NATS_CONNECTION_CLOSED) disconnect();
      return SendResult::retry("JetStream publish to " + subject + ": " + status_text(s) +
                               (jerr ? " (err " + std::to_string(jerr) + ")" : ""));
    }
  }
  return SendResult::ok();
}

std::unique_ptr<Sink> create_nats_sink(const OutputConfig& config, const SinkContext& context,
                                       Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "outputs", diags);
  NatsTransport::Options options;
  m.get("url", options.url, true);
  m.get("subject", options.subject);
  m.get("stream", options.stream);
  m.get("create_stream", options.create_stream);
  m.get_duration("duplicate_window", options.duplicate_window);
  m.get("user", options.user);
  m.get_secret("password", options.password);
  m.get_secret("token", options.token);
  m.get("credentials_file", options.credentials_file);
  m.get_duration("timeout", options.timeout);
  options.tls = m.has("tls");
  read_tls_client_options(m, config, context.config_dir, diags, options.tls_options);
  DeliveryOptions delivery;
  read_delivery_options(m, config, diags, delivery);
  m.finish();
  const std::string what = "outputs." + config.name;
  if (options.subject.empty() || options.subject.front() == '.' || options.subject.back() == '.' ||
      options.subject.find("..") != std::string::npos ||
      options.subject.find_first_of(" \t>*") != std::string::npos) {
    m.error("subject", "config.value", what + ".subject: not a valid NATS subject template");
  }
  if (options.create_stream && options.stream.empty()) {
    m.error("create_stream", "config.missing-key", what + ": create_stream needs stream");
  }
  if (!options.user.empty() && !options.token.empty()) {
    m.error("token", "config.conflict", what + ": give user/password or token");
  }
  if (!options.credentials_file.empty() &&
      std::filesystem::path(options.credentials_file).is_relative() &&
      !context.config_dir.empty()) {
    options.credentials_file =
        (std::filesystem::path(context.config_dir) / options.credentials_file).string();
  }
  if (diags.error_count() != errors_before) return nullptr;
  return make_spooled_sink(config, context, delivery,
                           std::make_unique<NatsTransport>(config.name, options), diags);
}

}  // namespace tripline
