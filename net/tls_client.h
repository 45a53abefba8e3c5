#pragma once
#include <memory>
#include <string>

#include "config/config.h"
#include "config/yaml_map.h"
#include "core/diagnostic.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl
struct ssl_st;

namespace tripline {

// Client side TLS of a sink's `tls:` mapping:
//   ca_file              PEM bundle to verify the server with (default: the system store)
//   cert_file, key_file  client certificate for mutual TLS
//   server_name          name to verify (and send as SNI) instead of the URL's host
//   insecure_skip_verify false by default; true disables certificate and hostname checks
//   min_version          TLS12 (default) | TLS13
struct TlsClientOptions {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version = "TLS12";
};

// Reads `tls:` of an output (if present) into `out`; file paths resolve against `config_dir`.
void read_tls_client_options(YamlMap& m, const OutputConfig& config, const std::string& config_dir,
                             Diagnostics& diags, TlsClientOptions& out);

// A client context with verification on (unless skipped), TLS 1.2 minimum, the CA and client
// certificate loaded. nullptr with `error` set when a file cannot be loaded.
std::unique_ptr<boost::asio::ssl::context> make_tls_client_context(const TlsClientOptions& options,
                                                                  std::string& error);

// Per connection: SNI and the name (or IP address) the peer certificate must carry.
bool prepare_tls_connection(ssl_st* ssl, const std::string& host, const TlsClientOptions& options,
                            std::string& error);

}  // namespace tripline
