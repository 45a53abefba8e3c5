#include "exporters/alertmanager/alertmanager_sink.h"

#include <algorithm>

#include "config/yaml_map.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/time_util.h"
#include "exporters/delivery/spooled_sink.h"

namespace tripline {
namespace {

// Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*, and names starting with "__" are reserved.
std::string label_name(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    out.push_back(ok ? c : '_');
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(0, "_");
  while (out.rfind("__", 0) == 0) out.erase(0, 1);
  return out;
}

std::string write_map(const std::map<std::string, std::string>& m) {
  JsonWriter w;
  w.begin_object();
  for (const auto& [k, v] : m) w.key(k).value(v);
  w.end_object();
  return w.take();
}

constexpr size_t kResendChunk = 500;

}  // namespace

AlertmanagerTransport::AlertmanagerTransport(std::string name, const Options& options,
                                             std::unique_ptr<HttpClient> client,
                                             std::string target)
    : name_(std::move(name)),
      options_(options),
      client_(std::move(client)),
      target_(std::move(target)) {}

std::unique_ptr<AlertmanagerTransport> AlertmanagerTransport::create(std::string name,
                                                                     const Options& options,
                                                                     std::string& error) {
  Url url;
  if (!parse_url(options.url, url, error)) return nullptr;
  std::string target = url.target.substr(0, url.target.find('?'));
  while (!target.empty() && target.back() == '/') target.pop_back();
  target += "/api/v2/alerts";
  auto client = HttpClient::create(url, options.tls, options.http.timeout, error);
  if (!client) return nullptr;
  return std::unique_ptr<AlertmanagerTransport>(
      new AlertmanagerTransport(std::move(name), options, std::move(client), std::move(target)));
}

AlertmanagerTransport::Active AlertmanagerTransport::build(const Alert& a) const {
  std::map<std::string, std::string> labels;
  const auto put = [&](const std::string& name, const std::string& value) {
    if (value.empty()) return;  // Alertmanager treats an empty value as no label
    std::string key = label_name(name);
    if (labels.count(key)) key = "group_" + key;
    labels.emplace(std::move(key), value);
  };
  labels["alertname"] = a.title.empty() ? a.rule_id : a.title;
  labels["rule_id"] = a.rule_id;
  labels["sev"] = sev_name(a.sev);
  if (!a.host.empty()) labels["host"] = a.host;
  for (const auto& [k, v] : options_.labels) put(k, v);
  for (const auto& [k, v] : a.enrichment) put(k, v);
  for (const auto& [k, v] : a.group) put(k, v);

  std::map<std::string, std::string> annotations;
  annotations["title"] = a.title;
  std::string summary = a.title + " on " + (a.host.empty() ? "unknown host" : a.host);
  if (a.count > 1) summary += " (" + std::to_string(a.count) + " events)";
  if (!a.group.empty()) {
    summary += ":";
    for (size_t i = 0; i < a.group.size(); ++i) {
      summary += (i ? ", " : " ") + a.group[i].first + "=" + a.group[i].second;
    }
  }
  annotations["summary"] = summary;
  if (!a.runbook.empty()) annotations["runbook"] = a.runbook;
  annotations["alert_id"] = a.alert_id;
  if (!a.trace_id.empty()) annotations["trace_id"] = a.trace_id;
  if (!a.source.empty()) annotations["source"] = a.source;
  if (!a.tags.empty()) {
    std::string tags;
    for (const auto& t : a.tags) tags += (tags.empty() ? "" : ",") + t;
    annotations["tags"] = tags;
  }
  Active out;
  out.labels_json = write_map(labels);
  out.annotations_json = write_map(annotations);
  out.starts_at = a.time;
  const TimePoint now = Clock::now();
  // A point-in-time alert fires for firing_for from when it reaches Alertmanager, so one delayed
  // by an outage is still seen; a windowed alert resolves when its window does.
  out.firing_until = a.ends_at ? *a.ends_at
                               : std::max(a.time, now) +
                                     std::chrono::duration_cast<TimePoint::duration>(
                                         options_.firing_for);
  return out;
}

void AlertmanagerTransport::remember(const Active& a) {
  auto [it, inserted] = active_.try_emplace(a.labels_json, a);
  if (!inserted) {
    it->second.annotations_json = a.annotations_json;
    it->second.starts_at = std::min(it->second.starts_at, a.starts_at);
    // A resolved window ends the alert even if an earlier occurrence asked for longer.
    it->second.firing_until = a.firing_until;
  }
  if (active_.size() > options_.max_active) {
    auto oldest = std::min_element(active_.begin(), active_.end(), [](const auto& x, const auto& y) {
      return x.second.firing_until < y.second.firing_until;
    });
    active_.erase(oldest);
  }
}

std::string AlertmanagerTransport::render_active(const Active& a, TimePoint now) const {
  const TimePoint horizon =
      now + std::chrono::duration_cast<TimePoint::duration>(4 * options_.resend_interval);
  JsonWriter w;
  w.begin_object();
  w.key("labels").raw_json(a.labels_json);
  w.key("annotations").raw_json(a.annotations_json);
  w.key("startsAt").value(format_rfc3339(a.starts_at));
  w.key("endsAt").value(format_rfc3339(std::min(a.firing_until, horizon)));
  w.end_object();
  return w.take();
}

std::string AlertmanagerTransport::render(std::span<const Alert> alerts, TimePoint now) {
  std::string body = "[";
  for (const Alert& alert : alerts) {
    const Active a = build(alert);
    remember(a);
    if (body.size() > 1) body.push_back(',');
    body += render_active(active_.count(a.labels_json) ? active_.at(a.labels_json) : a, now);
  }
  body.push_back(']');
  return body;
}

SendResult AlertmanagerTransport::post(const std::string& body) {
  HttpClient::Response res;
  std::string error;
  if (!client_->request("POST", target_, options_.http.headers, "application/json", body, res,
                        error)) {
    return SendResult::retry(error);
  }
  switch (classify_http_status(res.status)) {
    case HttpOutcome::kOk:
      return SendResult::ok();
    case HttpOutcome::kReject:
      return SendResult::reject("HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 200));
    case HttpOutcome::kRetry:
      break;
  }
  return SendResult::retry("HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 200));
}

SendResult AlertmanagerTransport::send(std::span<const Alert> alerts) {
  if (next_resend_ == std::chrono::steady_clock::time_point{}) {
    next_resend_ = std::chrono::steady_clock::now() + options_.resend_interval;
  }
  return post(render(alerts, Clock::now()));
}

void AlertmanagerTransport::tick(std::chrono::steady_clock::time_point now) {
  if (active_.empty() || now < next_resend_) return;
  next_resend_ = now + options_.resend_interval;
  const TimePoint wall = Clock::now();
  std::erase_if(active_, [&](const auto& kv) { return kv.second.firing_until <= wall; });
  std::string body;
  size_t in_body = 0;
  const auto flush = [&] {
    if (in_body == 0) return;
    body.push_back(']');
    const SendResult r = post(body);
    if (r.status != SendResult::Status::kOk) {
      Metrics::global().sink_failures(name_).Increment();
      log::debug("alertmanager re-send failed", {{"sink", name_}, {"error", r.error}});
    }
    body.clear();
    in_body = 0;
  };
  for (const auto& [key, a] : active_) {
    body += in_body == 0 ? "[" : ",";
    body += render_active(a, wall);
    if (++in_body == kResendChunk) flush();
  }
  flush();
}

void AlertmanagerTransport::close() { client_->close(); }

std::unique_ptr<Sink> create_alertmanager_sink(const OutputConfig& config,
                                               const SinkContext& context, Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "outputs", diags);
  AlertmanagerTransport::Options options;
  m.get("url", options.url, true);
  m.get_duration("resend_interval", options.resend_interval);
  m.get_duration("firing_for", options.firing_for);
  m.get_string_map("labels", options.labels);
  uint64_t max_active = options.max_active;
  if (m.get("max_active", max_active)) options.max_active = static_cast<size_t>(max_active);
  read_tls_client_options(m, config, context.config_dir, diags, options.tls);
  read_http_options(m, config, diags, options.http);
  DeliveryOptions delivery;
  read_delivery_options(m, config, diags, delivery);
  m.finish();
  if (options.resend_interval.count() <= 0 || options.firing_for.count() <= 0) {
    diags.error("config.value", config.mark.file, config.mark.line, config.mark.column,
                "outputs." + config.name + ": resend_interval and firing_for must be > 0");
  }
  if (diags.error_count() != errors_before) return nullptr;
  std::string error;
  auto transport = AlertmanagerTransport::create(config.name, options, error);
  if (!transport) {
    diags.error("config.value", config.mark.file, config.mark.line, config.mark.column,
                "outputs." + config.name + ": " + error);
    return nullptr;
  }
  return make_spooled_sink(config, context, delivery, std::move(transport), diags);
}

}  // namespace tripline
