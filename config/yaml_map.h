#pragma once
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "config/config.h"
#include "core/diagnostic.h"

namespace tripline {

// Reads one YAML mapping against a schema: each get_* names a key it knows, wrong types and
// missing required keys are reported with file:line, and finish() reports every key nobody
// asked for. Used by the core loader and by each collector/sink factory for its own keys.
class YamlMap {
 public:
  YamlMap(const YAML::Node& node, std::string what, std::string file, Diagnostics& diags,
          std::initializer_list<std::string> already_known = {});
  YamlMap(const YamlMap&) = delete;
  YamlMap& operator=(const YamlMap&) = delete;
  ~YamlMap();

  bool valid() const { return valid_; }
  bool has(const std::string& key) const;
  SourceMark mark() const;
  SourceMark mark_of(const std::string& key) const;

  bool get(const std::string& key, std::string& out, bool required = false);
  bool get(const std::string& key, bool& out, bool required = false);
  bool get(const std::string& key, int& out, bool required = false);
  bool get(const std::string& key, uint64_t& out, bool required = false);
  bool get(const std::string& key, double& out, bool required = false);
  bool get(const std::string& key, std::vector<std::string>& out, bool required = false);
  // "250ms", "30s", "5m", "2h", "1d" (a bare number is seconds).
  bool get_duration(const std::string& key, std::chrono::milliseconds& out, bool required = false);
  // "64KiB", "10MiB", "1GiB", "512" (bytes); kB/MB/GB are decimal.
  bool get_size(const std::string& key, uint64_t& out, bool required = false);
  // A secret given inline as `key` or read from the file named by `key_file` (trailing newline
  // stripped). Never logged.
  bool get_secret(const std::string& key, std::string& out, bool required = false);
  // One of `allowed`.
  bool get_enum(const std::string& key, std::string& out, const std::vector<std::string>& allowed,
                bool required = false);
  // A string→string mapping (e.g. static enrichment fields).
  bool get_string_map(const std::string& key,
                      std::vector<std::pair<std::string, std::string>>& out);
  // Marks keys as known without reading them (keys another layer already read, e.g. name/type).
  void allow(std::initializer_list<std::string> keys) { known_.insert(keys); }
  // The raw node of a key (marked as known); a null node when absent.
  YAML::Node node(const std::string& key);

  void error(const std::string& key, const std::string& code, const std::string& message);
  // Reports unknown keys. Called by the destructor if not called explicitly.
  void finish();

  static bool parse_duration(const std::string& text, std::chrono::milliseconds& out);
  static bool parse_size(const std::string& text, uint64_t& out);

 private:
  const YAML::Node* lookup(const std::string& key, bool required);
  void type_error(const std::string& key, const char* expected);

  YAML::Node node_;
  std::string what_;
  std::string file_;
  Diagnostics& diags_;
  std::set<std::string> known_;
  bool valid_ = true;
  bool finished_ = false;
  YAML::Node scratch_;
};

SourceMark mark_of(const YAML::Node& node, const std::string& file);

// Schema reader for an input's or output's own keys: the common keys the config loader already
// read (name, type, logsource, fields; min_sev for outputs) count as known.
template <typename ExtensionConfig>
YamlMap extension_map(const ExtensionConfig& config, const std::string& section,
                      Diagnostics& diags) {
  if constexpr (std::is_same_v<ExtensionConfig, OutputConfig>) {
    return YamlMap(config.options, section + "." + config.name, config.mark.file, diags,
                   {"name", "type", "logsource", "fields", "min_sev"});
  } else {
    return YamlMap(config.options, section + "." + config.name, config.mark.file, diags,
                   {"name", "type", "logsource", "fields"});
  }
}

}  // namespace tripline
