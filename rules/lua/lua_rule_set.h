#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "rules/lua/lua_limits.h"
#include "rules/lua/lua_matcher.h"
#include "rules/lua/lua_rule_types.h"

namespace tripline {

struct LuaLoadOptions {
  LuaLimits limits;
  // Where stateful rules persist their `state` (<state_dir>/lua-state/); "" keeps it in memory.
  std::string state_dir;
  LuaMatcherHooks hooks;
};

// What loading a set of Lua rule files produced. All or nothing: with any error in any file
// there is no matcher (a reload then keeps the previous rule set), but `rules` and `tests`
// still list what the files that did load declared (for `rules lint`).
struct LuaRuleSet {
  std::shared_ptr<LuaMatcher> matcher;
  std::shared_ptr<const LuaProgram> program;  // null with matcher
  std::vector<LuaRuleInfo> rules;
  std::vector<LuaRuleTest> tests;
  size_t file_count = 0;  // files read
};

// Loads `.lua` rule files: reads each (text only, at most limits.max_file_bytes), runs its top
// level in a sandboxed state under the load limits, collects the rule{...} declarations and
// their `tests`, checks that ids are unique, then builds the matcher. Syntax errors, runtime
// errors of the top level and rule{} mistakes are reported with file:line (codes lua.syntax,
// lua.load, lua.rule, lua.duplicate-id, lua.io, lua.bytecode, lua.memory).
LuaRuleSet load_lua_rules(const std::vector<std::string>& files, const LuaLoadOptions& options,
                          Diagnostics& diags);
LuaRuleSet load_lua_rules(const std::vector<std::string>& files, const LuaLimits& limits,
                          Diagnostics& diags);

}  // namespace tripline
