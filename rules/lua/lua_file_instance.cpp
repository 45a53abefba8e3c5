#include "rules/lua/lua_file_instance.h"

#include <cstring>

#include "rules/lua/lua_sandbox.h"

namespace tripline::lua {

LuaFileInstance::~LuaFileInstance() {
  // The state goes first: closing it must not reach a host that is already gone.
  vm_.reset();
  host_.reset();
}

bool LuaFileInstance::run_setup(lua_CFunction fn, const char* what, Diagnostics& diags) {
  lua_State* L = vm_->state();
  if (!vm_->ensure_stack(2)) {
    diags.error("lua.memory", file_, 0, 0, std::string("no room to ") + what);
    return false;
  }
  lua_pushcfunction(L, fn);
  const CallOutcome out =
      vm_->call(0, 0, host_->limits.load_instruction_budget, host_->limits.load_wall_time);
  if (!out.ok)
    diags.error("lua.memory", file_, 0, 0, std::string("cannot ") + what + ": " + out.error);
  return out.ok;
}

std::unique_ptr<LuaFileInstance> LuaFileInstance::build(const std::string& file,
                                                        const std::string& source,
                                                        const LuaLimits& limits,
                                                        Diagnostics& diags) {
  std::unique_ptr<LuaFileInstance> inst(new LuaFileInstance);
  inst->file_ = file;
  inst->vm_ = LuaVm::create(limits.memory_bytes);
  if (!inst->vm_) {
    diags.error("lua.memory", file, 0, 0, "the memory cap is too small for a Lua state");
    return nullptr;
  }
  inst->host_ = std::make_unique<RuleHost>(*inst->vm_, file, limits);
  inst->vm_->set_owner(inst->host_.get());
  if (!inst->run_setup(open_sandbox, "build the sandbox", diags) ||
      !inst->run_setup(open_rule_api, "install the rule API", diags)) {
    return nullptr;
  }

  // Text only: bytecode can be crafted to break the VM's invariants, so it never loads.
  if (source.compare(0, std::strlen(LUA_SIGNATURE), LUA_SIGNATURE) == 0) {
    diags.error("lua.bytecode", file, 0, 0,
                "precompiled Lua chunks are refused; rules load from source text only");
    return nullptr;
  }
  lua_State* L = inst->vm_->state();
  if (!inst->vm_->ensure_stack(4)) {
    diags.error("lua.memory", file, 0, 0, "no room to load the file");
    return nullptr;
  }
  const std::string chunk_name = "@" + file;
  if (luaL_loadbufferx(L, source.data(), source.size(), chunk_name.c_str(), "t") != LUA_OK) {
    std::string message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "cannot load";
    lua_pop(L, 1);
    int line = 0;
    split_error_position(file, message, line);
    diags.error("lua.syntax", file, line, 0, message);
    return nullptr;
  }
  push_environment(L);
  lua_setupvalue(L, -2, 1);  // the chunk's _ENV: the sandbox, never the real globals

  inst->host_->loading = true;
  CallOutcome out = inst->vm_->call(0, 0, limits.load_instruction_budget, limits.load_wall_time);
  inst->host_->loading = false;
  inst->vm_->freeze_globals();
  RuleHost& host = *inst->host_;
  if (host.load_problems_dropped > 0) {
    const std::string summary = std::to_string(host.load_problems_dropped) +
                                " more rule{} problems in this file are not shown";
    if (host.load_error_dropped) {
      host.load_diags.error("lua.rule", file, 0, 0, summary);
    } else {
      host.load_diags.warning("lua.rule", file, 0, 0, summary);
    }
  }
  diags.append(host.load_diags);
  const bool declared_ok = !host.load_diags.has_errors();
  host.load_diags.items.clear();
  if (!out.ok) {
    int line = out.line;
    split_error_position(file, out.error, line);
    std::string message = out.error;
    if (out.violation != Violation::kNone) {
      message = std::string("loading stopped: ") + violation_name(out.violation) + " exceeded (" +
                out.error + ")";
    }
    diags.error("lua.load", file, line, 0, message);
    return nullptr;
  }
  if (!declared_ok) return nullptr;
  const size_t rules = inst->host_->decls.size();
  inst->host_->function_refs.assign(rules, LUA_NOREF);
  inst->host_->state_refs.assign(rules, LUA_NOREF);
  inst->host_->stores.assign(rules, nullptr);
  if (!inst->run_setup(index_declared_rules, "index the declared rules", diags)) return nullptr;
  inst->vm_->collect();
  return inst;
}

CallOutcome LuaFileInstance::evaluate(size_t rule, const Event& event, int64_t now_ms,
                                      bool& matched) {
  matched = false;
  RuleHost& host = *host_;
  lua_State* L = vm_->state();
  const bool stateful = host.decls[rule].info.stateful;
  host.event = &event;
  host.rule = static_cast<int>(rule);
  host.now_ms = now_ms;
  host.alerts.clear();
  CallOutcome out;
  const int nargs = push_rule_call(L, static_cast<int>(rule), stateful);
  if (nargs < 0) {
    out.violation = Violation::kMemory;
    out.error = "Lua stack cannot grow";
  } else {
    out = vm_->call(nargs, 1, host.limits.instruction_budget, host.limits.wall_time);
    if (out.ok) {
      matched = !stateful && lua_toboolean(L, -1);
      lua_pop(L, 1);
    }
  }
  host.event = nullptr;
  host.rule = -1;
  if (!out.ok) {
    // A failed call's output is not trusted: no alerts from it.
    host.alerts.clear();
    split_error_position(file_, out.error, out.line);
    vm_->collect();
  }
  return out;
}

}  // namespace tripline::lua
