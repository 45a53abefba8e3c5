#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/event.h"
#include "rules/lua/lua_host.h"
#include "rules/lua/lua_limits.h"
#include "rules/lua/lua_vm.h"

namespace tripline::lua {

// One lua_State running one rule file: the sandbox, the rule API, the file's top level run once
// (which declares its rules with rule{...}), then its rule functions called per event. A file
// has `instances` of these so several threads can evaluate it at once. Not thread-safe itself.
class LuaFileInstance {
 public:
  // Null when the file does not load; every problem (syntax errors, rule{} mistakes, runtime
  // errors of the top level, bytecode) is in `diags` with file:line.
  static std::unique_ptr<LuaFileInstance> build(const std::string& file, const std::string& source,
                                                const LuaLimits& limits, Diagnostics& diags);
  ~LuaFileInstance();

  const std::vector<RuleDecl>& decls() const { return host_->decls; }
  // The state store each stateful rule's `state` reads and writes (index = rule index).
  void bind_store(size_t rule, RuleStateStore* store) { host_->stores[rule] = store; }

  // Calls rule `rule`'s match(event) or on_event(event, state) under the per-event limits.
  // `matched` is the truthy result of match; alert{} calls are in alerts() until the next call.
  // Never throws.
  CallOutcome evaluate(size_t rule, const Event& event, int64_t now_ms, bool& matched);
  const std::vector<AlertSpec>& alerts() const { return host_->alerts; }

  LuaVm& vm() { return *vm_; }

 private:
  LuaFileInstance() = default;
  bool run_setup(lua_CFunction fn, const char* what, Diagnostics& diags);

  std::unique_ptr<LuaVm> vm_;
  std::unique_ptr<RuleHost> host_;
  std::string file_;
};

}  // namespace tripline::lua
