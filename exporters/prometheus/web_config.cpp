#include "exporters/prometheus/web_config.h"

#include <unistd.h>

#include <filesystem>

#include "config/yaml_map.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kClientAuthTypes = {
    "NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven",
    "RequireAndVerifyClientCert"};

bool valid_bcrypt(const std::string& hash) {
  return hash.size() == 60 && hash[0] == '$' && hash[1] == '2' &&
         (hash[2] == 'a' || hash[2] == 'b' || hash[2] == 'y') && hash[3] == '$';
}

std::string resolve(const std::string& path, const std::string& base_file) {
  if (path.empty() || fs::path(path).is_absolute() || base_file.empty() ||
      base_file[0] == '<') {
    return path;
  }
  return (fs::path(base_file).parent_path() / path).string();
}

void read_tls(const YAML::Node& node, const std::string& what, const std::string& file,
              WebConfig& out, Diagnostics& diags) {
  YamlMap t(node, what, file, diags);
  if (!t.valid()) return;
  out.tls = true;
  t.get("cert_file", out.cert_file, true);
  t.get("key_file", out.key_file, true);
  t.get("client_ca_file", out.client_ca_file);
  t.get_enum("client_auth_type", out.client_auth_type, kClientAuthTypes);
  t.get_enum("min_version", out.min_version, {"TLS12", "TLS13"});
  t.get_enum("max_version", out.max_version, {"TLS12", "TLS13"});
  const auto check_file = [&](const char* key, std::string& value) {
    value = resolve(value, file);
    if (!value.empty() && ::access(value.c_str(), R_OK) != 0) {
      t.error(key, "config.file", what + "." + key + ": cannot read " + value);
    }
  };
  check_file("cert_file", out.cert_file);
  check_file("key_file", out.key_file);
  check_file("client_ca_file", out.client_ca_file);
  const bool verifies = out.client_auth_type == "VerifyClientCertIfGiven" ||
                        out.client_auth_type == "RequireAndVerifyClientCert";
  if (verifies && out.client_ca_file.empty()) {
    t.error("client_auth_type", "config.missing-key",
            what + ": client_auth_type " + out.client_auth_type + " needs client_ca_file");
  }
  if (out.max_version == "TLS12" && out.min_version == "TLS13") {
    t.error("max_version", "config.value", what + ": max_version is below min_version");
  }
  t.finish();
}

void read_users(const YAML::Node& node, const std::string& what, const std::string& file,
                WebConfig& out, Diagnostics& diags) {
  if (!node.IsMap()) {
    const SourceMark m = mark_of(node, file);
    diags.error("config.type", file, m.line, m.column,
                what + " must map user names to bcrypt hashes");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const SourceMark m = mark_of(it->second, file);
    const std::string user = it->first.Scalar();
    if (!it->second.IsScalar() || !valid_bcrypt(it->second.Scalar())) {
      diags.error("config.value", file, m.line, m.column,
                  what + "." + user + ": expected a bcrypt hash ($2y$...), 60 characters");
      continue;
    }
    if (user.find(':') != std::string::npos) {
      diags.error("config.value", file, m.line, m.column, what + ": user names cannot hold ':'");
      continue;
    }
    out.users[user] = it->second.Scalar();
  }
}

}  // namespace

bool read_web_config(const MetricsConfig& metrics, WebConfig& out, Diagnostics& diags) {
  const size_t before = diags.error_count();
  if (!metrics.options.IsDefined() || metrics.options.IsNull()) return true;
  // The config loader already reported unknown keys of `metrics`; keep only type errors here.
  Diagnostics local;
  YamlMap m(metrics.options, "metrics", metrics.mark.file, local);
  if (!m.valid()) return false;
  std::string web_file;
  m.get("web_config_file", web_file);
  const YAML::Node tls = m.node("tls");
  const YAML::Node users = m.node("basic_auth");
  m.finish();
  for (auto& d : local.items) {
    if (d.code != "config.unknown-key") diags.items.push_back(d);
  }
  if (!web_file.empty() && ((tls.IsDefined() && !tls.IsNull()) ||
                           (users.IsDefined() && !users.IsNull()))) {
    const SourceMark at = m.mark_of("web_config_file");
    diags.error("config.conflict", metrics.mark.file, at.line, at.column,
                "metrics: give either web_config_file or tls/basic_auth");
  }
  if (tls.IsDefined() && !tls.IsNull()) {
    read_tls(tls, "metrics.tls", metrics.mark.file, out, diags);
  }
  if (users.IsDefined() && !users.IsNull()) {
    read_users(users, "metrics.basic_auth", metrics.mark.file, out, diags);
  }
  if (!web_file.empty()) {
    web_file = resolve(web_file, metrics.mark.file);
    YAML::Node root;
    try {
      root = YAML::LoadFile(web_file);
    } catch (const YAML::BadFile&) {
      const SourceMark at = m.mark_of("web_config_file");
      diags.error("config.file", metrics.mark.file, at.line, at.column,
                  "metrics.web_config_file: cannot read " + web_file);
      return false;
    } catch (const YAML::ParserException& e) {
      diags.error("config.yaml", web_file, e.mark.line + 1, e.mark.column + 1, e.msg);
      return false;
    }
    if (!root.IsNull()) {
      YamlMap w(root, "web config", web_file, diags);
      if (YAML::Node t = w.node("tls_server_config"); t.IsDefined() && !t.IsNull()) {
        read_tls(t, "tls_server_config", web_file, out, diags);
      }
      if (YAML::Node u = w.node("basic_auth_users"); u.IsDefined() && !u.IsNull()) {
        read_users(u, "basic_auth_users", web_file, out, diags);
      }
      w.finish();
    }
  }
  return diags.error_count() == before;
}

}  // namespace tripline
