#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "exporters/delivery/transport.h"
#include "exporters/net/http_auth.h"
#include "net/http_client.h"
#include "exporters/sink_registry.h"

namespace tripline {

// `type: alertmanager`: POST /api/v2/alerts of a Prometheus Alertmanager.
//   url: http://127.0.0.1:9093          (required; a path prefix such as /alertmanager is kept)
//   resend_interval: 1m                 re-send every firing alert this often
//   firing_for: 5m                      how long an alert without ends_at stays firing
//   labels: { env: prod }               static labels added to every alert
//   tls, basic_auth, bearer_token, headers, timeout, + spool / retry / batch keys
// Labels: alertname (the title), rule_id, sev, host, the alert's group fields and input
// enrichment (names sanitised to [a-zA-Z0-9_]). Annotations: title, summary, runbook, alert_id,
// trace_id, tags, source. Like Prometheus, firing alerts are re-sent while they fire with
// endsAt = min(end of firing, now + 4 × resend_interval), so Alertmanager keeps them active
// without ever holding a stale one for long if the agent goes away; an alert with ends_at
// (a window that resolved) is sent with that endsAt and resolves.
class AlertmanagerTransport : public Transport {
 public:
  struct Options {
    std::string url;
    TlsClientOptions tls;
    HttpOptions http;
    std::chrono::milliseconds resend_interval{60000};
    std::chrono::milliseconds firing_for{300000};
    std::vector<std::pair<std::string, std::string>> labels;
    size_t max_active = 10000;
  };

  // nullptr with `error` set when the URL or TLS files are unusable.
  static std::unique_ptr<AlertmanagerTransport> create(std::string name, const Options& options,
                                                       std::string& error);

  SendResult send(std::span<const Alert> alerts) override;
  void tick(std::chrono::steady_clock::time_point now) override;
  void close() override;

  // The JSON array posted for `alerts` at wall-clock `now` (exposed for tests).
  std::string render(std::span<const Alert> alerts, TimePoint now);
  size_t active() const { return active_.size(); }

 private:
  struct Active {
    std::string labels_json;       // {"alertname":...}
    std::string annotations_json;  // {"title":...}
    TimePoint starts_at;
    TimePoint firing_until;
  };

  AlertmanagerTransport(std::string name, const Options& options,
                        std::unique_ptr<HttpClient> client, std::string target);
  Active build(const Alert& alert) const;
  void remember(const Active& a);
  std::string render_active(const Active& a, TimePoint now) const;
  SendResult post(const std::string& body);

  std::string name_;
  Options options_;
  std::unique_ptr<HttpClient> client_;
  std::string target_;
  std::map<std::string, Active> active_;  // by label set
  std::chrono::steady_clock::time_point next_resend_{};
};

std::unique_ptr<Sink> create_alertmanager_sink(const OutputConfig& config,
                                               const SinkContext& context, Diagnostics& diags);

}  // namespace tripline
