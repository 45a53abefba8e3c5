#include "exporters/webhook/webhook_sink.h"

#include "config/yaml_map.h"
#include "core/digest.h"
#include "exporters/delivery/spooled_sink.h"

namespace tripline {

std::string webhook_signature(const std::string& key, const std::string& body) {
  return "sha256=" + hex_lower(hmac_sha256(key, body));
}

std::unique_ptr<WebhookTransport> WebhookTransport::create(const Options& options,
                                                           std::string& error) {
  Url url;
  if (!parse_url(options.url, url, error)) return nullptr;
  auto client = HttpClient::create(url, options.tls, options.http.timeout, error);
  if (!client) return nullptr;
  return std::unique_ptr<WebhookTransport>(
      new WebhookTransport(options, std::move(client), url.target));
}

SendResult WebhookTransport::post(const std::string& body, const std::string& alert_id) {
  HttpClient::Headers headers = options_.http.headers;
  if (!options_.hmac_key.empty()) {
    headers.emplace_back("X-Tripline-Signature", webhook_signature(options_.hmac_key, body));
  }
  if (!alert_id.empty()) headers.emplace_back("X-Tripline-Alert-Id", alert_id);
  HttpClient::Response res;
  std::string error;
  if (!client_->request("POST", target_, headers, "application/json", body, res, error)) {
    return SendResult::retry(error);
  }
  const std::string status = "HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 200);
  switch (classify_http_status(res.status)) {
    case HttpOutcome::kOk:
      return SendResult::ok();
    case HttpOutcome::kReject:
      return SendResult::reject(status);
    case HttpOutcome::kRetry:
      break;
  }
  return SendResult::retry(status);
}

SendResult WebhookTransport::send(std::span<const Alert> alerts) {
  if (options_.batch) {
    std::string body = "[";
    for (const Alert& a : alerts) {
      if (body.size() > 1) body.push_back(',');
      body += a.to_json();
    }
    body.push_back(']');
    return post(body, "");
  }
  // One request per alert. A failure part-way re-sends the batch from its start; receivers drop
  // the replays by alert_id.
  for (const Alert& a : alerts) {
    SendResult r = post(a.to_json(), a.alert_id);
    if (r.status != SendResult::Status::kOk) return r;
  }
  return SendResult::ok();
}

std::unique_ptr<Sink> create_webhook_sink(const OutputConfig& config, const SinkContext& context,
                                          Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "outputs", diags);
  WebhookTransport::Options options;
  m.get("url", options.url, true);
  m.get("batch", options.batch);
  m.get_secret("hmac_key", options.hmac_key);
  read_tls_client_options(m, config, context.config_dir, diags, options.tls);
  read_http_options(m, config, diags, options.http);
  DeliveryOptions delivery;
  read_delivery_options(m, config, diags, delivery);
  m.finish();
  if (diags.error_count() != errors_before) return nullptr;
  std::string error;
  auto transport = WebhookTransport::create(options, error);
  if (!transport) {
    diags.error("config.value", config.mark.file, config.mark.line, config.mark.column,
                "outputs." + config.name + ": " + error);
    return nullptr;
  }
  return make_spooled_sink(config, context, delivery, std::move(transport), diags);
}

}  // namespace tripline
