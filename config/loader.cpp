#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "config/config.h"
#include "config/yaml_map.h"

namespace tripline {
namespace {

std::string default_host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

void read_logsource(YamlMap& parent, const std::string& key, const std::string& what,
                    const std::string& file, Diagnostics& diags, LogSource& out) {
  YAML::Node n = parent.node(key);
  if (!n.IsDefined() || n.IsNull()) return;
  if (n.IsScalar()) {  // "product/service[/category]"
    std::stringstream ss(n.Scalar());
    std::getline(ss, out.product, '/');
    std::getline(ss, out.service, '/');
    std::getline(ss, out.category, '/');
    return;
  }
  YamlMap m(n, what + "." + key, file, diags);
  m.get("product", out.product);
  m.get("service", out.service);
  m.get("category", out.category);
}

void read_agent(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                AgentConfig& agent) {
  YamlMap m(node, "agent", file, diags);
  m.get("host", agent.host);
  m.get("state_dir", agent.state_dir);
  if (m.get("threads", agent.threads) && (agent.threads < 1 || agent.threads > 256)) {
    m.error("threads", "config.range", "agent.threads must be between 1 and 256");
  }
  uint64_t queue = agent.queue_batches;
  if (m.get("queue_batches", queue)) {
    if (queue < 1) m.error("queue_batches", "config.range", "agent.queue_batches must be >= 1");
    agent.queue_batches = queue;
  }
  std::string level;
  if (m.get_enum("log_level", level, {"debug", "info", "warn", "error"})) agent.log_level = level;
  m.get_duration("shutdown_timeout", agent.shutdown_timeout);
}

void read_named_list(const YAML::Node& node, const char* section, const std::string& file,
                     Diagnostics& diags, auto&& read_one) {
  if (!node.IsSequence()) {
    const SourceMark m = mark_of(node, file);
    diags.error("config.type", file, m.line, m.column, std::string(section) + " must be a list");
    return;
  }
  std::set<std::string> names;
  int index = 0;
  for (const auto& item : node) {
    const std::string what = std::string(section) + "[" + std::to_string(index++) + "]";
    std::string name;
    if (read_one(item, what, name) && !names.insert(name).second) {
      const SourceMark m = mark_of(item, file);
      diags.error("config.duplicate-name", file, m.line, m.column,
                  what + ": name '" + name + "' is used twice in " + section);
    }
  }
}

// Only the keys every input shares are read here; the collector factory reads the rest of the
// node and reports what neither knows.
bool read_input(const YAML::Node& node, const std::string& what, const std::string& file,
                Diagnostics& diags, InputConfig& in) {
  if (!node.IsMap()) {
    const SourceMark m = mark_of(node, file);
    diags.error("config.type", file, m.line, m.column, what + " must be a mapping");
    return false;
  }
  Diagnostics local;  // unknown keys are judged by the factory, which knows its own
  YamlMap m(node, what, file, local);
  m.get("name", in.name, true);
  m.get("type", in.type, true);
  read_logsource(m, "logsource", what, file, local, in.logsource);
  m.get_string_map("fields", in.fields);
  for (auto& d : local.items) {
    if (d.code != "config.unknown-key") diags.items.push_back(d);
  }
  in.options = node;
  in.mark = mark_of(node, file);
  return !in.name.empty();
}

bool read_output(const YAML::Node& node, const std::string& what, const std::string& file,
                 Diagnostics& diags, OutputConfig& out) {
  if (!node.IsMap()) {
    const SourceMark m = mark_of(node, file);
    diags.error("config.type", file, m.line, m.column, what + " must be a mapping");
    return false;
  }
  Diagnostics local;
  YamlMap m(node, what, file, local);
  m.get("name", out.name, true);
  m.get("type", out.type, true);
  std::string min_sev;
  if (m.get_enum("min_sev", min_sev, {"SEV0", "SEV1", "SEV2", "SEV3", "SEV4"})) {
    out.min_sev = *parse_sev(min_sev);
  }
  for (auto& d : local.items) {
    if (d.code != "config.unknown-key") diags.items.push_back(d);
  }
  out.options = node;
  out.mark = mark_of(node, file);
  return !out.name.empty();
}

void read_rules(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                RulesConfig& rules) {
  YamlMap m(node, "rules", file, diags);
  rules.mark = m.mark();
  m.get("paths", rules.paths);
  YAML::Node placeholders = m.node("placeholders");
  if (placeholders.IsDefined() && !placeholders.IsNull()) {
    YamlMap p(placeholders, "rules.placeholders", file, diags);
    // Not a mapping: YamlMap has reported it, and a sequence has no names to read.
    if (placeholders.IsMap()) {
      for (auto it = placeholders.begin(); it != placeholders.end(); ++it) {
        std::vector<std::string> values;
        if (p.get(it->first.Scalar(), values)) rules.placeholders[it->first.Scalar()] = values;
      }
    }
  }
  rules.severity = m.node("severity");
  rules.limits = m.node("limits");
  rules.correlation = m.node("correlation");
}

void read_metrics(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                  MetricsConfig& metrics) {
  YamlMap m(node, "metrics", file, diags);
  metrics.mark = m.mark();
  m.get("enabled", metrics.enabled);
  m.get("listen", metrics.listen);
  if (m.get("path", metrics.path) && (metrics.path.empty() || metrics.path[0] != '/')) {
    m.error("path", "config.value", "metrics.path must start with '/'");
  }
  // TLS and basic auth are read by the metrics server with its own schema.
  m.node("tls");
  m.node("basic_auth");
  m.node("web_config_file");
  metrics.options = node;
}

}  // namespace

Config load_config_text(const std::string& text, const std::string& file_name,
                        Diagnostics& diags) {
  Config config;
  config.file = file_name;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    diags.error("config.yaml", file_name, e.mark.line + 1, e.mark.column + 1, e.msg);
    return config;
  }
  if (root.IsNull() || !root.IsDefined()) root = YAML::Node(YAML::NodeType::Map);
  YamlMap top(root, "config", file_name, diags);
  if (!top.valid()) return config;

  if (YAML::Node agent = top.node("agent"); agent.IsDefined() && !agent.IsNull()) {
    read_agent(agent, file_name, diags, config.agent);
  }
  if (config.agent.host.empty()) config.agent.host = default_host_name();

  if (YAML::Node inputs = top.node("inputs"); inputs.IsDefined() && !inputs.IsNull()) {
    read_named_list(inputs, "inputs", file_name, diags,
                    [&](const YAML::Node& item, const std::string& what, std::string& name) {
                      InputConfig in;
                      if (!read_input(item, what, file_name, diags, in)) return false;
                      name = in.name;
                      config.inputs.push_back(std::move(in));
                      return true;
                    });
  }
  if (YAML::Node rules = top.node("rules"); rules.IsDefined() && !rules.IsNull()) {
    read_rules(rules, file_name, diags, config.rules);
  }
  if (YAML::Node outputs = top.node("outputs"); outputs.IsDefined() && !outputs.IsNull()) {
    read_named_list(outputs, "outputs", file_name, diags,
                    [&](const YAML::Node& item, const std::string& what, std::string& name) {
                      OutputConfig out;
                      if (!read_output(item, what, file_name, diags, out)) return false;
                      name = out.name;
                      config.outputs.push_back(std::move(out));
                      return true;
                    });
  }
  if (YAML::Node metrics = top.node("metrics"); metrics.IsDefined() && !metrics.IsNull()) {
    read_metrics(metrics, file_name, diags, config.metrics);
  }
  config.privacy = top.node("privacy");
  return config;
}

Config load_config_file(const std::string& path, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error("config.open", path, 0, 0, "cannot open config file");
    Config c;
    c.file = path;
    return c;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return load_config_text(ss.str(), path, diags);
}

}  // namespace tripline
