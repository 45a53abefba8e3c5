#pragma once
#include <map>
#include <string>

#include "config/config.h"
#include "core/diagnostic.h"

namespace tripline {

// TLS and basic auth of the /metrics server, with the semantics of the Prometheus
// exporter-toolkit web config. Either inline under `metrics:`
//   tls: { cert_file, key_file, client_ca_file, client_auth_type, min_version, max_version }
//   basic_auth: { <user>: <bcrypt hash>, ... }
// or `web_config_file: PATH` naming an exporter-toolkit file (tls_server_config,
// basic_auth_users), whose relative paths resolve against its own folder.
struct WebConfig {
  bool tls = false;
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  // NoClientCert | RequestClientCert | RequireAnyClientCert | VerifyClientCertIfGiven |
  // RequireAndVerifyClientCert
  std::string client_auth_type = "NoClientCert";
  std::string min_version = "TLS12";  // TLS12 | TLS13; older versions are never offered
  std::string max_version;            // empty: the newest the library has
  std::map<std::string, std::string> users;  // user → bcrypt hash ($2a$/$2b$/$2y$)
};

// Reads and checks the web config of `metrics` (files named must exist and be readable).
// Errors go to `diags` with file:line; false when there were any.
bool read_web_config(const MetricsConfig& metrics, WebConfig& out, Diagnostics& diags);

}  // namespace tripline
