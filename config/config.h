#pragma once
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/diagnostic.h"
#include "core/logsource.h"
#include "core/sev.h"

namespace tripline {

// Where a config node was written, for file:line errors raised after loading.
struct SourceMark {
  std::string file;
  int line = 0;
  int column = 0;
};

struct AgentConfig {
  std::string host;  // default: gethostname()
  std::string state_dir = "/var/lib/tripline";
  int threads = 2;           // rule-evaluation workers
  size_t queue_batches = 64; // bounded pipeline queue, in batches
  std::string log_level = "info";
  std::chrono::milliseconds shutdown_timeout{10000};
};

// Keys every input has; the rest of the node is read by the collector's factory, which reports
// unknown keys itself (options + mark).
struct InputConfig {
  std::string name;
  std::string type;
  LogSource logsource;  // empty: inferred from the format
  std::vector<std::pair<std::string, std::string>> fields;  // static enrichment
  YAML::Node options;   // the whole input node
  SourceMark mark;
};

struct OutputConfig {
  std::string name;
  std::string type;
  // The least urgent severity this output receives (`min_sev: SEV2` keeps SEV3 and SEV4 off a
  // pager); SEV4 delivers every alert.
  Sev min_sev = Sev::kSev4;
  YAML::Node options;
  SourceMark mark;
};

struct RulesConfig {
  std::vector<std::string> paths;
  // Values for Sigma's `expand` modifier placeholders (%name%).
  std::map<std::string, std::vector<std::string>> placeholders;
  YAML::Node severity;  // severity policy; read by the rule engine
  YAML::Node limits;    // engine limits; read by the rule engine
  YAML::Node correlation;  // correlation engine options; read by rules/correlation/
  SourceMark mark;
};

struct MetricsConfig {
  bool enabled = true;
  std::string listen = "127.0.0.1:9786";
  std::string path = "/metrics";
  YAML::Node options;  // tls / basic auth; read by the metrics server
  SourceMark mark;
};

struct Config {
  std::string file;  // where it was loaded from ("<embedded>" for the built-in default)
  AgentConfig agent;
  std::vector<InputConfig> inputs;
  RulesConfig rules;
  std::vector<OutputConfig> outputs;
  MetricsConfig metrics;
  YAML::Node privacy;
};

// Parses and validates the common schema. Errors (unknown keys, wrong types, missing required
// keys) go to `diags` with file:line; the returned config is only meaningful without errors.
Config load_config_file(const std::string& path, Diagnostics& diags);
Config load_config_text(const std::string& text, const std::string& file_name, Diagnostics& diags);

// The default config compiled into the binary (config/tripline.yaml).
const std::string& embedded_default_config();

}  // namespace tripline
