#include "exporters/net/http_auth.h"

#include <openssl/evp.h>

namespace tripline {
namespace {

std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

void read_http_options(YamlMap& m, const OutputConfig& config, Diagnostics& diags,
                       HttpOptions& out) {
  const std::string what = "outputs." + config.name;
  std::vector<std::pair<std::string, std::string>> headers;
  m.get_string_map("headers", headers);
  for (auto& [name, value] : headers) {
    if (name.find_first_of(" :\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      m.error("headers", "config.value", what + ".headers: invalid header " + name);
      continue;
    }
    out.headers.emplace_back(name, value);
  }
  bool has_auth = false;
  if (YAML::Node node = m.node("basic_auth"); node.IsDefined() && !node.IsNull()) {
    YamlMap b(node, what + ".basic_auth", config.mark.file, diags);
    std::string user, password;
    b.get("username", user, true);
    b.get_secret("password", password, true);
    b.finish();
    if (user.find(':') != std::string::npos) {
      b.error("username", "config.value", what + ".basic_auth.username cannot hold ':'");
    }
    out.headers.emplace_back("Authorization", "Basic " + base64(user + ":" + password));
    has_auth = true;
  }
  std::string token;
  if (m.get_secret("bearer_token", token)) {
    if (has_auth) {
      m.error("bearer_token", "config.conflict", what + ": give basic_auth or bearer_token");
    }
    out.headers.emplace_back("Authorization", "Bearer " + token);
  }
  m.get_duration("timeout", out.timeout);
  if (out.timeout.count() <= 0) m.error("timeout", "config.value", what + ".timeout must be > 0");
}

HttpOutcome classify_http_status(unsigned status) {
  if (status >= 200 && status < 300) return HttpOutcome::kOk;
  if (status == 400 || status == 413 || status == 422) return HttpOutcome::kReject;
  return HttpOutcome::kRetry;
}

}  // namespace tripline
