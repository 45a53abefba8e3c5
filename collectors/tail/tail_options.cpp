#include "collectors/tail/tail_options.h"

#include "collectors/parsers/parser_factory.h"
#include "config/yaml_map.h"

namespace tripline {
namespace {

std::string resolve(const std::string& path, const std::string& base) {
  if (path.empty() || path[0] == '/' || base.empty()) return path;
  return base + "/" + path;
}

}  // namespace

bool read_tail_options(const InputConfig& input, const CollectorContext& context,
                       Diagnostics& diags, TailOptions& out) {
  const size_t errors_before = diags.error_count();
  YamlMap m(input.options, "inputs." + input.name, input.mark.file, diags);
  // Common keys, read by the config loader.
  m.node("name");
  m.node("type");
  m.node("logsource");
  m.node("fields");

  if (m.get("paths", out.paths, true) && out.paths.empty()) {
    m.error("paths", "config.value", "inputs." + input.name + ".paths must name at least one glob");
  }
  for (std::string& p : out.paths) p = resolve(p, context.config_dir);
  m.get("exclude", out.exclude);
  for (std::string& p : out.exclude) {
    if (p.find('/') != std::string::npos) p = resolve(p, context.config_dir);
  }
  m.get_enum("format", out.format, parser_formats());
  std::string start_at = "end";
  m.get_enum("start_at", start_at, {"beginning", "end"});
  out.start_at_end = start_at == "end";
  if (m.get_size("max_line_bytes", out.max_line_bytes) && out.max_line_bytes == 0) {
    m.error("max_line_bytes", "config.value",
            "inputs." + input.name + ".max_line_bytes must be greater than 0");
  }
  uint64_t batch = out.batch_size;
  if (m.get("batch_size", batch)) {
    if (batch == 0 || batch > 1000000) {
      m.error("batch_size", "config.value",
              "inputs." + input.name + ".batch_size must be between 1 and 1000000");
    }
    out.batch_size = static_cast<size_t>(batch);
  }
  auto positive = [&](const char* key, std::chrono::milliseconds& value) {
    if (m.get_duration(key, value) && value.count() <= 0) {
      m.error(key, "config.value", "inputs." + input.name + "." + key + " must be positive");
    }
  };
  positive("poll_interval", out.poll_interval);
  positive("rescan_interval", out.rescan_interval);
  positive("close_inactive", out.close_inactive);
  positive("checkpoint_interval", out.checkpoint_interval);
  m.get("inotify", out.inotify);
  m.get("time_fields", out.time_fields);
  m.finish();
  return diags.error_count() == errors_before;
}

}  // namespace tripline
