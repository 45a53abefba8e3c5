#include "exporters/privacy/privacy_policy.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/yaml_map.h"
#include "exporters/privacy/pseudonymizer.h"

namespace tripline {
namespace {

// NIST SP 800-107 asks for a key of at least the security strength wanted; 16 bytes is the floor
// below which a pseudonym could be brute-forced together with the key.
constexpr size_t kMinKeyBytes = 16;

bool read_logsource(YamlMap& m, const std::string& what, const std::string& file,
                    Diagnostics& diags, LogSource& out) {
  YAML::Node n = m.node("logsource");
  if (!n.IsDefined() || n.IsNull()) return true;
  if (n.IsScalar()) {  // "product/service[/category]"
    std::stringstream ss(n.Scalar());
    std::getline(ss, out.product, '/');
    std::getline(ss, out.service, '/');
    std::getline(ss, out.category, '/');
    return true;
  }
  YamlMap ls(n, what + ".logsource", file, diags);
  ls.get("product", out.product);
  ls.get("service", out.service);
  ls.get("category", out.category);
  return ls.valid();
}

void read_rule(const YAML::Node& node, const std::string& what, const std::string& file,
               Diagnostics& diags, PrivacyRule& rule) {
  YamlMap m(node, what, file, diags);
  if (!m.valid()) return;
  read_logsource(m, what, file, diags, rule.logsource);
  m.get("hash", rule.hash);
  m.get("drop", rule.drop);
  if (rule.hash.empty() && rule.drop.empty()) {
    const SourceMark mk = m.mark();
    diags.error("config.value", file, mk.line, mk.column,
                what + ": give the fields to `hash` or `drop`");
  }
  std::set<std::string> seen;
  for (const auto* list : {&rule.hash, &rule.drop}) {
    for (const std::string& path : *list) {
      const char* key = list == &rule.hash ? "hash" : "drop";
      if (path.empty() || path.front() == '.' || path.back() == '.') {
        m.error(key, "config.value",
                what + "." + key + ": '" + path + "' is not a dotted field path");
      } else if (!seen.insert(path).second) {
        m.error(key, "config.value",
                what + ": field '" + path + "' is listed twice (hash and drop exclude each other)");
      }
    }
  }
}

bool read_key(const std::string& path, const SourceMark& mark, const std::string& file,
              Diagnostics& diags, std::string& key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error("config.secret-file", file, mark.line, mark.column,
                "privacy.key_file: cannot read " + path);
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  key = ss.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.size() < kMinKeyBytes) {
    diags.error("config.value", file, mark.line, mark.column,
                "privacy.key_file: the key must be at least " + std::to_string(kMinKeyBytes) +
                    " bytes (e.g. `head -c 32 /dev/urandom > " + path + "`)");
    return false;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH)) {
    diags.warning("config.secret-file", file, mark.line, mark.column,
                  "privacy.key_file: " + path + " is readable by every user; chmod o-r it");
  }
  return true;
}

}  // namespace

bool PrivacyRule::applies_to(const LogSource& ls) const {
  return (logsource.product.empty() || logsource.product == ls.product) &&
         (logsource.service.empty() || logsource.service == ls.service) &&
         (logsource.category.empty() || logsource.category == ls.category);
}

std::unique_ptr<PrivacyPolicy> read_privacy_policy(const YAML::Node& node, const std::string& file,
                                                   const std::string& config_dir,
                                                   Diagnostics& diags) {
  if (!node.IsDefined() || node.IsNull()) return nullptr;
  const size_t errors_before = diags.error_count();
  auto policy = std::make_unique<PrivacyPolicy>();
  YamlMap m(node, "privacy", file, diags);
  if (!m.valid()) return nullptr;
  std::string key_file;
  m.get("key_file", key_file);
  m.get("key_id", policy->key_id);
  std::string alert_id = "keep";
  m.get_enum("alert_id", alert_id, {"keep", "hmac"});
  policy->hmac_alert_id = alert_id == "hmac";
  uint64_t min_length = policy->scrub_min_length;
  if (m.get("scrub_min_length", min_length)) {
    if (min_length < 1)
      m.error("scrub_min_length", "config.range", "privacy.scrub_min_length must be >= 1");
    policy->scrub_min_length = min_length;
  }
  YAML::Node rules = m.node("logsources");
  if (rules.IsDefined() && !rules.IsNull()) {
    if (!rules.IsSequence()) {
      m.error("logsources", "config.type", "privacy.logsources must be a list");
    } else {
      int index = 0;
      for (const auto& item : rules) {
        PrivacyRule rule;
        read_rule(item, "privacy.logsources[" + std::to_string(index++) + "]", file, diags, rule);
        policy->rules.push_back(std::move(rule));
      }
    }
  }
  bool hashes = false;
  for (const auto& r : policy->rules) hashes = hashes || !r.hash.empty();
  if (!key_file.empty()) {
    std::filesystem::path p(key_file);
    if (p.is_relative() && !config_dir.empty()) p = std::filesystem::path(config_dir) / p;
    read_key(p.string(), m.mark_of("key_file"), file, diags, policy->key);
  } else if (hashes) {
    m.error("key_file", "config.missing-key", "privacy: `hash` needs key_file (the HMAC key)");
  }
  if (policy->hmac_alert_id && key_file.empty()) {
    m.error("alert_id", "config.missing-key", "privacy.alert_id: hmac needs key_file");
  }
  if (!policy->key.empty() && policy->key_id.empty()) {
    policy->key_id = Pseudonymizer::default_key_id(policy->key);
  }
  if (policy->key_id.find(':') != std::string::npos) {
    m.error("key_id", "config.value", "privacy.key_id must not contain ':'");
  }
  m.finish();
  if (diags.error_count() != errors_before) return nullptr;
  return policy;
}

}  // namespace tripline
