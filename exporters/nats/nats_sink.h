#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "exporters/delivery/transport.h"
#include "net/tls_client.h"
#include "exporters/sink_registry.h"

struct __natsConnection;
struct __jsCtx;
struct __natsOptions;

namespace tripline {

// `type: nats`: publishes each alert's JSON to NATS JetStream and waits for the stream's ack
// before the spool lets go of it. Nats-Msg-Id = alert_id, so JetStream drops replays within the
// stream's duplicate window (effectively-once across agent crashes).
//   url: nats://127.0.0.1:4222          (required; comma-separated for a cluster)
//   subject: tripline.alerts.{sev}.{rule_id}   placeholders {sev} {rule_id} {host} {source};
//                                        values are made subject-safe ('.', '*', '>', space → _)
//   stream: TRIPLINE_ALERTS             expect acks from this stream
//   create_stream: false                create `stream` (file storage) if missing, for the
//                                        subjects the template can produce
//   duplicate_window: 2m                duplicate window of a created stream
//   user + password(_file) | token(_file) | credentials_file
//   tls: { ca_file, cert_file, key_file, server_name, insecure_skip_verify }
//   timeout: 5s, + spool / retry / batch keys
class NatsTransport : public Transport {
 public:
  struct Options {
    std::string url;
    std::string subject = "tripline.alerts.{sev}.{rule_id}";
    std::string stream;
    bool create_stream = false;
    std::chrono::milliseconds duplicate_window{120000};
    std::string user, password, token, credentials_file;
    bool tls = false;
    TlsClientOptions tls_options;
    std::chrono::milliseconds timeout{5000};
  };
  explicit NatsTransport(std::string name, const Options& options);
  ~NatsTransport() override;

  SendResult send(std::span<const Alert> alerts) override;
  void close() override;

  // The subject of `alert` under `subject_template`.
  static std::string subject_for(const std::string& subject_template, const Alert& alert);
  // The stream subject filter of a template: every placeholder becomes '*'.
  static std::string subject_filter(const std::string& subject_template);

 private:
  bool connect(std::string& error);
  bool ensure_stream(std::string& error);
  void disconnect();

  std::string name_;
  Options options_;
  __natsOptions* nats_options_ = nullptr;
  __natsConnection* connection_ = nullptr;
  __jsCtx* js_ = nullptr;
  bool stream_ready_ = false;
};

std::unique_ptr<Sink> create_nats_sink(const OutputConfig& config, const SinkContext& context,
                                       Diagnostics& diags);

}  // namespace tripline
