#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/config.h"
#include "exporters/sink_registry.h"

namespace tripline::testing {

// The first output of a config whose `outputs:` list is `outputs_yaml` (a YAML flow or block
// sequence), as the config loader would hand it to a sink factory.
inline OutputConfig output_from_yaml(const std::string& outputs_yaml) {
  Diagnostics diags;
  Config config = load_config_text("outputs:\n" + outputs_yaml, "test.yaml", diags);
  EXPECT_FALSE(diags.has_errors()) << (diags.items.empty() ? "" : diags.items[0].to_string());
  return config.outputs.empty() ? OutputConfig{} : config.outputs[0];
}

// Builds a sink through the registered factory of its type.
inline std::unique_ptr<Sink> build_sink(const std::string& outputs_yaml,
                                        const std::string& state_dir, Diagnostics& diags) {
  SinkRegistry registry("sink");
  register_builtin_sinks(registry);
  OutputConfig config = output_from_yaml(outputs_yaml);
  const SinkFactory* factory = registry.find(config.type);
  if (!factory) {
    ADD_FAILURE() << "no sink type " << config.type;
    return nullptr;
  }
  SinkContext context;
  context.host = "test-host";
  context.state_dir = state_dir;
  context.config_dir = state_dir;
  return (*factory)(config, context, diags);
}

inline std::string diag_text(const Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags.items) out += d.to_string() + "\n";
  return out;
}

}  // namespace tripline::testing
