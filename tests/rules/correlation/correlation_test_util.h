#pragma once
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/event.h"
#include "rules/rule_loader.h"
#include "rules/state/state_registry.h"

namespace tripline::correlation::testing {

namespace fs = std::filesystem;

// 2026-01-15T09:00:00Z: event times in tests are seconds after it.
inline TimePoint t0() { return TimePoint(std::chrono::seconds(1768467600)); }

inline fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() /
               ("tripline-corr-" + std::to_string(::getpid()) + "-" + name);
  fs::create_directories(p);
  return p;
}

// Loads rule YAML the way the agent does (through load_rules, with the correlation engine),
// optionally with `rules.correlation` options and a state registry.
class Rules {
 public:
  Rules(const std::string& yaml, const std::string& correlation_options = "",
        state::StateRegistry* registry = nullptr, const std::string& name = "rules") {
    dir_ = temp_dir(name);
    const fs::path file = dir_ / "rules.yml";
    std::ofstream(file) << yaml;
    RulesConfig config;
    config.paths = {file.string()};
    config.mark.file = "tripline.yaml";
    if (!correlation_options.empty()) config.correlation = YAML::Load(correlation_options);
    RuleLoadOptions options;
    options.state_registry = registry;
    result = load_rules(config, "", options);
    for (const Diagnostic& d : result.diagnostics.items) diagnostics += d.to_string() + "\n";
  }
  ~Rules() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  bool ok() const { return result.matcher != nullptr; }
  bool has_code(const std::string& code) const {
    for (const Diagnostic& d : result.diagnostics.items) {
      if (d.code == code) return true;
    }
    return false;
  }

  // One JSON event at t0 + seconds.
  static Event event(double seconds, const std::string& json,
                     LogSource ls = {"test", "", ""}) {
    static auto input = [] {
      auto in = std::make_shared<InputInfo>();
      in->name = "test-input";
      in->host = "host-1";
      in->logsource = {"test", "", ""};
      return in;
    }();
    Event e(input, json);
    e.set_body(Event::Body::kJson);
    e.set_logsource(ls);
    const TimePoint t = t0() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
    e.set_event_time(t);
    e.set_receive_time(t);
    // Each event its own place in the input, as in production: single-event alert ids derive
    // from it, and the alert lifecycle drops repeats of one id.
    static uint64_t offset = 0;
    e.set_position({"test-input", offset, offset + 1});
    ++offset;
    return e;
  }

  // Evaluates events in the order given, advancing on each event's time, then (optionally)
  // finishes. Returns the alerts of `rule_id` (every alert when empty).
  std::vector<Alert> run(std::vector<Event>& events, bool finish = true,
                         const std::string& rule_id = "") {
    std::vector<Alert> all;
    for (Event& e : events) {
      result.matcher->evaluate(e, all);
      result.matcher->advance(e.event_time(), all);
    }
    if (finish) result.matcher->finish(all);
    std::vector<Alert> out;
    for (Alert& a : all) {
      if (rule_id.empty() || a.rule_id == rule_id) out.push_back(std::move(a));
    }
    return out;
  }

  RuleLoadResult result;
  std::string diagnostics;

 private:
  fs::path dir_;
};

// A rule matching {"kind": "<kind>"} events of logsource product test, named `name`.
inline std::string base_rule(const std::string& name, const std::string& kind,
                             const std::string& level = "informational") {
  return "title: " + name + "\nname: " + name + "\nid: " + name +
         "-id\nlogsource:\n    product: test\ndetection:\n    sel:\n        kind: " + kind +
         "\n    condition: sel\nlevel: " + level + "\n";
}

}  // namespace tripline::correlation::testing
