#include <iostream>
#include <optional>

#include "agent/command_args.h"
#include "agent/commands.h"
#include "agent/components.h"
#include "agent/config_source.h"
#include "exporters/prometheus/metrics_server.h"
#include "rules/rule_loader.h"

namespace tripline {

// Validates everything `run` would load — config, every input's and output's own keys, every
// rule — without opening inputs or starting anything.
int check_command(const std::vector<std::string>& args) {
  std::optional<std::string> config_path;
  if (!parse_config_flag(args, config_path)) {
    std::cerr << "usage: tripline check [-c FILE]\n";
    return kExitUsage;
  }
  const ConfigSource source = resolve_config_source(config_path);
  Diagnostics diags;
  Config config = load_config(source, diags);
  size_t rules = 0;
  if (!diags.has_errors()) {
    build_collectors(config, source.directory(), diags);
    build_sinks(config, source.directory(), diags, /*validate_only=*/true);
    build_redactor(config, source.directory(), diags);
    MetricsServer::validate(config.metrics, diags);
    RuleLoadResult loaded = load_rules(config.rules, source.directory());
    diags.append(loaded.diagnostics);
    rules = loaded.rule_count;
  }
  for (const Diagnostic& d : diags.items) std::cerr << d.to_string() << "\n";
  const std::string name = source.path.empty() ? "<embedded>" : source.path;
  if (diags.has_errors()) {
    std::cerr << name << ": " << diags.error_count() << " error(s)\n";
    return kExitFailure;
  }
  std::cout << name << ": OK (" << config.inputs.size() << " inputs, " << config.outputs.size()
            << " outputs, " << rules << " rules)\n";
  return kExitOk;
}

}  // namespace tripline
