#pragma once
#include <memory>
#include <string>

#include "exporters/delivery/transport.h"
#include "exporters/net/http_auth.h"
#include "net/http_client.h"
#include "exporters/sink_registry.h"

namespace tripline {

// `type: webhook`: POSTs alert JSON (DESIGN §4) to an HTTP(S) endpoint.
//   url: https://soc.example/hooks/tripline   (required)
//   batch: false        false: one alert object per request (header X-Tripline-Alert-Id);
//                       true: a JSON array of up to batch_size alerts per request
//   hmac_key_file: /etc/tripline/webhook.key  (or hmac_key) signs every body:
//                       X-Tripline-Signature: sha256=<hex HMAC-SHA256(key, body)>
//   tls: { ca_file, cert_file, key_file (mTLS), server_name, insecure_skip_verify, min_version }
//   headers, basic_auth, bearer_token, timeout, + spool / retry / batch keys
// 2xx delivers; 400/413/422 refuse for good (logged, counted, dropped); anything else retries.
class WebhookTransport : public Transport {
 public:
  struct Options {
    std::string url;
    bool batch = false;
    std::string hmac_key;
    TlsClientOptions tls;
    HttpOptions http;
  };
  static std::unique_ptr<WebhookTransport> create(const Options& options, std::string& error);

  SendResult send(std::span<const Alert> alerts) override;
  void close() override { client_->close(); }

 private:
  WebhookTransport(const Options& options, std::unique_ptr<HttpClient> client, std::string target)
      : options_(options), client_(std::move(client)), target_(std::move(target)) {}
  SendResult post(const std::string& body, const std::string& alert_id);

  Options options_;
  std::unique_ptr<HttpClient> client_;
  std::string target_;
};

// "sha256=" + lower-case hex HMAC-SHA256 of `body` under `key` (OpenSSL).
std::string webhook_signature(const std::string& key, const std::string& body);

std::unique_ptr<Sink> create_webhook_sink(const OutputConfig& config, const SinkContext& context,
                                          Diagnostics& diags);

}  // namespace tripline
