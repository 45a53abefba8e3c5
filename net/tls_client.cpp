#include "net/tls_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <filesystem>

#include "net/beast.h"

namespace tripline {

namespace ssl = boost::asio::ssl;

void read_tls_client_options(YamlMap& m, const OutputConfig& config, const std::string& config_dir,
                             Diagnostics& diags, TlsClientOptions& out) {
  YAML::Node node = m.node("tls");
  if (!node.IsDefined() || node.IsNull()) return;
  YamlMap t(node, "outputs." + config.name + ".tls", config.mark.file, diags);
  t.get("ca_file", out.ca_file);
  t.get("cert_file", out.cert_file);
  t.get("key_file", out.key_file);
  t.get("server_name", out.server_name);
  t.get("insecure_skip_verify", out.insecure_skip_verify);
  t.get_enum("min_version", out.min_version, {"TLS12", "TLS13"});
  if (out.cert_file.empty() != out.key_file.empty()) {
    t.error(out.cert_file.empty() ? "key_file" : "cert_file", "config.missing-key",
            "outputs." + config.name + ".tls: cert_file and key_file go together");
  }
  for (std::string* path : {&out.ca_file, &out.cert_file, &out.key_file}) {
    if (!path->empty() && std::filesystem::path(*path).is_relative() && !config_dir.empty()) {
      *path = (std::filesystem::path(config_dir) / *path).string();
    }
  }
  t.finish();
}

std::unique_ptr<ssl::context> make_tls_client_context(const TlsClientOptions& options,
                                                      std::string& error) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  try {
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                     ssl::context::no_tlsv1_1 | ssl::context::no_compression);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), options.min_version == "TLS13"
                                                            ? TLS1_3_VERSION
                                                            : TLS1_2_VERSION);
    if (options.ca_file.empty()) {
      ctx->set_default_verify_paths();
    } else {
      ctx->load_verify_file(options.ca_file);
    }
    if (!options.cert_file.empty()) {
      ctx->use_certificate_chain_file(options.cert_file);
      ctx->use_private_key_file(options.key_file, ssl::context::pem);
    }
    ctx->set_verify_mode(options.insecure_skip_verify ? ssl::verify_none : ssl::verify_peer);
  } catch (const boost::system::system_error& e) {
    error = std::string("TLS setup: ") + e.what();
    return nullptr;
  }
  return ctx;
}

bool prepare_tls_connection(ssl_st* ssl, const std::string& host, const TlsClientOptions& options,
                            std::string& error) {
  const std::string& name = options.server_name.empty() ? host : options.server_name;
  boost::system::error_code ec;
  boost::asio::ip::make_address(name, ec);
  const bool is_ip = !ec;
  if (!is_ip && !SSL_set_tlsext_host_name(ssl, name.c_str())) {
    error = "cannot set SNI name " + name;
    return false;
  }
  if (options.insecure_skip_verify) return true;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                       : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  if (ok != 1) {
    error = "cannot set the name to verify: " + name;
    return false;
  }
  return true;
}

}  // namespace tripline
