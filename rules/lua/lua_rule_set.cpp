#include "rules/lua/lua_rule_set.h"

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "rules/lua/lua_file_instance.h"

namespace tripline {
namespace {

bool read_source(const std::string& path, uint64_t max_bytes, std::string& out,
                 Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error("lua.io", path, 0, 0, "cannot read the rule file");
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    diags.error("lua.io", path, 0, 0, "cannot read the rule file");
    return false;
  }
  out = text.str();
  if (out.size() > max_bytes) {
    diags.error("lua.io", path, 0, 0,
                "rule file larger than " + std::to_string(max_bytes) +
                    " bytes (rules.limits.lua.max_file_bytes)");
    return false;
  }
  return true;
}

}  // namespace

LuaRuleSet load_lua_rules(const std::vector<std::string>& files, const LuaLimits& limits,
                          Diagnostics& diags) {
  LuaLoadOptions options;
  options.limits = limits;
  return load_lua_rules(files, options, diags);
}

LuaRuleSet load_lua_rules(const std::vector<std::string>& files, const LuaLoadOptions& options,
                          Diagnostics& diags) {
  LuaRuleSet set;
  auto program = std::make_shared<LuaProgram>();
  program->limits = options.limits;
  program->state_dir = options.state_dir;
  program->hooks = options.hooks;
  std::vector<std::unique_ptr<lua::LuaFileInstance>> first;
  std::map<std::string, SourceMark> ids;
  const size_t errors_before = diags.error_count();
  for (const std::string& path : files) {
    LuaRuleFile file;
    file.path = path;
    if (!read_source(path, options.limits.max_file_bytes, file.source, diags)) continue;
    ++set.file_count;
    auto inst = lua::LuaFileInstance::build(path, file.source, options.limits, diags);
    if (!inst) continue;
    for (const lua::RuleDecl& d : inst->decls()) {
      auto [it, fresh] = ids.try_emplace(d.info.id, d.info.mark);
      if (!fresh) {
        diags.error("lua.duplicate-id", path, d.info.mark.line, 0,
                    "rule id '" + d.info.id + "' is already used at " + it->second.file + ":" +
                        std::to_string(it->second.line));
      }
      file.rules.push_back(d.info);
      file.tests.insert(file.tests.end(), d.tests.begin(), d.tests.end());
    }
    if (file.rules.empty()) {
      diags.warning("lua.no-rules", path, 0, 0, "the file declares no rule{...}");
    }
    set.rules.insert(set.rules.end(), file.rules.begin(), file.rules.end());
    set.tests.insert(set.tests.end(), file.tests.begin(), file.tests.end());
    program->files.push_back(std::move(file));
    first.push_back(std::move(inst));
  }
  if (diags.error_count() > errors_before) return set;
  auto matcher = LuaMatcher::create(program, {}, std::move(first), diags);
  if (!matcher) return set;
  set.matcher = std::move(matcher);
  set.program = std::move(program);
  return set;
}

}  // namespace tripline
