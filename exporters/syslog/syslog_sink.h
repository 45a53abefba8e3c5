#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "exporters/delivery/transport.h"
#include "net/tls_client.h"
#include "exporters/sink_registry.h"
#include "exporters/syslog/syslog_format.h"

namespace tripline {

class BlockingConnection;

// `type: syslog`: RFC 5424 messages over TCP or TLS (RFC 5425).
//   address: siem.example:6514        (required; host:port, [v6]:port)
//   protocol: tls | tcp               (default tls; certificate and hostname verified)
//   framing: octet_counting | newline (default octet_counting, RFC 5425 / RFC 6587)
//   facility: auth                    (kern user mail daemon auth syslog ... local0..local7)
//   app_name: tripline, sd_id: tripline@32473, message: json | title
//   tls: { ca_file, cert_file, key_file, server_name, insecure_skip_verify, min_version }
//   timeout: 10s, + spool / retry / batch keys
// Syslog over TCP has no acknowledgement: a batch counts as delivered once written to the
// connection. Before each write the connection is checked for a close from the peer, so a
// restarted collector costs a reconnect, not the next batch.
class SyslogTransport : public Transport {
 public:
  struct Options {
    std::string host;
    std::string port;
    bool tls = true;
    bool octet_counting = true;
    SyslogFormat format;
    TlsClientOptions tls_options;
    std::chrono::milliseconds timeout{10000};
  };
  static std::unique_ptr<SyslogTransport> create(const Options& options, std::string& error);
  ~SyslogTransport() override;

  SendResult send(std::span<const Alert> alerts) override;
  void close() override;

 private:
  SyslogTransport(Options options, std::unique_ptr<BlockingConnection> connection);
  Options options_;
  std::unique_ptr<BlockingConnection> connection_;
};

std::unique_ptr<Sink> create_syslog_sink(const OutputConfig& config, const SinkContext& context,
                                         Diagnostics& diags);

}  // namespace tripline
