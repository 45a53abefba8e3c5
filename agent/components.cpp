#include "agent/components.h"

#include "exporters/severity_filter_sink.h"

namespace tripline {
namespace {

template <typename Registry, typename Item>
const typename Registry::FactoryType* find_factory(const Registry& registry, const Item& item,
                                               const char* section, Diagnostics& diags) {
  const auto* factory = registry.find(item.type);
  if (!factory) {
    std::string known;
    for (const auto& n : registry.names()) known += (known.empty() ? "" : ", ") + n;
    diags.error("config.unknown-type", item.mark.file, item.mark.line, item.mark.column,
                std::string(section) + "." + item.name + ": unknown type '" + item.type +
                    "' (known: " + known + ")");
  }
  return factory;
}

}  // namespace

std::vector<std::unique_ptr<Collector>> build_collectors(const Config& config,
                                                         const std::string& config_dir,
                                                         Diagnostics& diags) {
  CollectorRegistry registry("input type");
  register_builtin_collectors(registry);
  const CollectorContext context{config.agent.host, config.agent.state_dir, config_dir};
  std::vector<std::unique_ptr<Collector>> out;
  for (const InputConfig& input : config.inputs) {
    if (const auto* factory = find_factory(registry, input, "inputs", diags)) {
      if (auto c = (*factory)(input, context, diags)) out.push_back(std::move(c));
    }
  }
  return out;
}

std::vector<std::unique_ptr<Sink>> build_sinks(const Config& config, const std::string& config_dir,
                                               Diagnostics& diags, bool validate_only) {
  SinkRegistry registry("output type");
  register_builtin_sinks(registry);
  const SinkContext context{config.agent.host, config.agent.state_dir, config_dir, validate_only};
  std::vector<std::unique_ptr<Sink>> out;
  for (const OutputConfig& output : config.outputs) {
    if (const auto* factory = find_factory(registry, output, "outputs", diags)) {
      auto sink = (*factory)(output, context, diags);
      if (sink && output.min_sev != Sev::kSev4) {
        sink = std::make_unique<SeverityFilterSink>(std::move(sink), output.min_sev);
      }
      if (sink) out.push_back(std::move(sink));
    }
  }
  return out;
}

std::shared_ptr<const AlertRedactor> build_redactor(const Config& config,
                                                    const std::string& config_dir,
                                                    Diagnostics& diags) {
  auto policy = read_privacy_policy(config.privacy, config.file, config_dir, diags);
  if (!policy) return nullptr;
  return std::make_shared<const AlertRedactor>(std::move(*policy));
}

}  // namespace tripline
