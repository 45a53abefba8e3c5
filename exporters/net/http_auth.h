#pragma once
#include <string>

#include "config/config.h"
#include "config/yaml_map.h"
#include "net/http_client.h"

namespace tripline {

// Common HTTP keys of the alertmanager and webhook sinks:
//   basic_auth: { username, password | password_file }
//   bearer_token | bearer_token_file
//   headers: { Name: value, ... }
//   timeout: 10s
// Secrets are read once at start-up and never logged.
struct HttpOptions {
  HttpClient::Headers headers;  // Authorization included
  std::chrono::milliseconds timeout{10000};
};

void read_http_options(YamlMap& m, const OutputConfig& config, Diagnostics& diags,
                       HttpOptions& out);

// 2xx: ok; 400, 413, 422: refused for good; anything else: retry.
enum class HttpOutcome { kOk, kReject, kRetry };
HttpOutcome classify_http_status(unsigned status);

}  // namespace tripline
