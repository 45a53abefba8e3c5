#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "collectors/parsers/parser_factory.h"
#include "core/time_util.h"
#include "rules/lua/lua_rule_set.h"

namespace tripline::lua_test {

// A scratch directory removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tripline-lua-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  std::string path_;
};

inline std::shared_ptr<InputInfo> input_for(const LogSource& ls) {
  auto input = std::make_shared<InputInfo>();
  input->name = "test-input";
  input->host = "test-host";
  input->logsource = ls;
  return input;
}

// A JSON event as the jsonl parser makes it (body kind, event time from its time fields).
inline Event json_event(const std::string& json, const LogSource& ls = {"aws", "cloudtrail", ""},
                        uint64_t offset = 0) {
  static const auto parser = make_parser("jsonl");
  Event ev(input_for(ls), json);
  ev.set_position({"test", offset, offset + 1});
  const TimePoint t = *parse_rfc3339("2026-01-01T00:00:00Z");
  ev.set_receive_time(t);
  ev.set_event_time(t);
  parser->parse(ev);
  return ev;
}

// Small limits so the hostile rules fail fast; instances = 1 keeps the counts simple.
inline LuaLimits test_limits() {
  LuaLimits l;
  l.memory_bytes = 8ULL << 20;
  l.instruction_budget = 200'000;
  l.wall_time = std::chrono::milliseconds(2000);
  l.instances = 1;
  return l;
}

struct Loaded {
  LuaRuleSet set;
  Diagnostics diags;
};

inline Loaded load(const std::vector<std::string>& files, const LuaLimits& limits = test_limits(),
                   const std::string& state_dir = "") {
  Loaded out;
  LuaLoadOptions options;
  options.limits = limits;
  options.state_dir = state_dir;
  out.set = load_lua_rules(files, options, out.diags);
  return out;
}

inline std::string diag_text(const Diagnostics& d) {
  std::string out;
  for (const auto& item : d.items) out += item.to_string() + "\n";
  return out;
}

inline size_t count_rule(const std::vector<Alert>& alerts, const std::string& rule_id) {
  size_t n = 0;
  for (const Alert& a : alerts) n += a.rule_id == rule_id;
  return n;
}

}  // namespace tripline::lua_test
