#pragma once
#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/logsource.h"

namespace tripline {

// The `privacy` config section (docs/configuration.md#privacy):
//   privacy:
//     key_file: /etc/tripline/privacy.key   # HMAC-SHA256 key, >= 16 bytes; required to `hash`
//     key_id: 2026-11                       # optional; default: a fingerprint of the key
//     alert_id: keep | hmac                 # default keep
//     scrub_min_length: 4                   # shorter values are replaced only as whole words
//     logsources:
//       - logsource: linux/sshd             # or {product, service, category}; omitted = all
//         hash: [user.name, source.ip]
//         drop: [source.port]
struct PrivacyRule {
  LogSource logsource;  // empty members match anything
  std::vector<std::string> hash;
  std::vector<std::string> drop;

  bool applies_to(const LogSource& ls) const;
};

struct PrivacyPolicy {
  std::string key;  // secret; never logged
  std::string key_id;
  bool hmac_alert_id = false;
  size_t scrub_min_length = 4;
  std::vector<PrivacyRule> rules;
};

// Reads and validates the section (file:line errors in `diags`). nullptr when the section is
// absent or has errors. Relative key_file paths resolve against `config_dir`.
std::unique_ptr<PrivacyPolicy> read_privacy_policy(const YAML::Node& node, const std::string& file,
                                                   const std::string& config_dir,
                                                   Diagnostics& diags);

}  // namespace tripline
