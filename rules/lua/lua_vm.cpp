#include "rules/lua/lua_vm.h"

#include <cstdlib>
#include <cstring>

#include "core/log.h"

namespace tripline::lua {
namespace {

// A Lua error outside protected mode: only reachable through a bug in the bindings (every
// entry into the state goes through lua_pcall). There is no way to continue from here.
int on_panic(lua_State* L) {
  const char* msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "non-string error";
  log::error("lua state panic", {{"error", msg}});
  std::abort();
}

// Lua's luaO_chunkid for "@file": the file name, or "..." and its tail when too long.
std::string short_source(const std::string& file) {
  constexpr size_t kIdSize = LUA_IDSIZE;
  if (file.size() + 1 <= kIdSize) return file;
  return "..." + file.substr(file.size() - (kIdSize - 4));
}

bool strip_position(const std::string& prefix, std::string& message, int& line) {
  if (prefix.empty() || message.compare(0, prefix.size(), prefix) != 0) return false;
  size_t i = prefix.size();
  if (i >= message.size() || message[i] != ':') return false;
  ++i;
  int n = 0;
  const size_t digits = i;
  while (i < message.size() && message[i] >= '0' && message[i] <= '9' && n < 100000000) {
    n = n * 10 + (message[i] - '0');
    ++i;
  }
  if (i == digits || i + 1 >= message.size() || message[i] != ':' || message[i + 1] != ' ') {
    return false;
  }
  line = n;
  message.erase(0, i + 2);
  return true;
}

}  // namespace

const char* violation_name(Violation v) {
  switch (v) {
    case Violation::kNone:
      return "none";
    case Violation::kInstructions:
      return "instruction budget";
    case Violation::kWallTime:
      return "wall-clock limit";
    case Violation::kMemory:
      return "memory cap";
  }
  return "unknown";
}

void split_error_position(const std::string& file, std::string& message, int& line) {
  if (!strip_position(file, message, line)) strip_position(short_source(file), message, line);
}

LuaVm::LuaVm(uint64_t memory_cap) : mem_cap_(memory_cap) {}

std::unique_ptr<LuaVm> LuaVm::create(uint64_t memory_cap) {
  std::unique_ptr<LuaVm> vm(new LuaVm(memory_cap));
  vm->L_ = lua_newstate(&LuaVm::allocate, vm.get());
  if (!vm->L_) return nullptr;
  *static_cast<LuaVm**>(lua_getextraspace(vm->L_)) = vm.get();
  lua_atpanic(vm->L_, on_panic);
  lua_sethook(vm->L_, &LuaVm::hook, LUA_MASKCOUNT, kHookInterval);
  // The message handler of every call lives at the bottom of the stack for the state's life
  // (a light C function on a fresh stack: no allocation).
  lua_pushcfunction(vm->L_, &LuaVm::message_handler);
  return vm;
}

LuaVm::~LuaVm() {
  if (L_) {
    active_ = false;
    lua_close(L_);
  }
}

void* LuaVm::allocate(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* vm = static_cast<LuaVm*>(ud);
  // For a fresh block Lua passes the object type in osize, not a size.
  const size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    std::free(ptr);
    vm->mem_used_ -= old;
    return nullptr;
  }
  if (nsize > old) {
    const uint64_t grow = nsize - old;
    if (vm->mem_used_ + grow > vm->mem_cap_) {
      if (vm->active_) vm->trip(Violation::kMemory);
      return nullptr;  // Lua raises "not enough memory" (after an emergency collection)
    }
    if (vm->active_) {
      vm->used_ += grow >> kAllocShift;
      if (vm->used_ > vm->limit_) vm->trip(Violation::kInstructions);
    }
  }
  void* p = std::realloc(ptr, nsize);
  if (!p) return nsize <= old ? ptr : nullptr;  // Lua assumes shrinking never fails
  vm->mem_used_ = vm->mem_used_ - old + nsize;
  if (vm->mem_used_ > vm->mem_peak_) vm->mem_peak_ = vm->mem_used_;
  return p;
}

void LuaVm::trip(Violation v) {
  if (tripped_ != Violation::kNone) return;
  tripped_ = v;
  // From now on every instruction raises: a pcall in the rule catches one error, the next
  // instruction after it raises again, until the call unwinds to the engine.
  lua_sethook(L_, &LuaVm::hook, LUA_MASKCOUNT, 1);
}

void LuaVm::hook(lua_State* L, lua_Debug*) {
  LuaVm* vm = from(L);
  if (!vm->active_) return;
  if (vm->tripped_ == Violation::kNone) {
    vm->used_ += kHookInterval;
    if (vm->used_ > vm->limit_) {
      vm->trip(Violation::kInstructions);
    } else if (vm->check_deadline()) {
      return;
    }
  }
  vm->raise_limit();
}

bool LuaVm::charge(uint64_t units) {
  if (!active_) return true;
  used_ += units;
  if (tripped_ != Violation::kNone) return false;
  if (used_ > limit_) {
    trip(Violation::kInstructions);
    return false;
  }
  if (units >= 4096) return check_deadline();
  return true;
}

bool LuaVm::check_deadline() {
  if (!active_) return true;
  if (tripped_ != Violation::kNone) return false;
  const auto now = std::chrono::steady_clock::now();
  if (!deadline_set_) {
    deadline_ = now + wall_;
    deadline_set_ = true;
    return true;
  }
  if (now < deadline_) return true;
  trip(Violation::kWallTime);
  return false;
}

uint64_t LuaVm::budget_left() const {
  if (!active_) return UINT64_MAX / 2;
  if (tripped_ != Violation::kNone || used_ >= limit_) return 0;
  return limit_ - used_;
}

void LuaVm::raise_limit() {
  // The message is built without allocating beyond a short string; under a tripped memory cap
  // Lua turns a failed allocation into its preallocated "not enough memory" error instead.
  switch (tripped_) {
    case Violation::kMemory:
      luaL_error(L_, "memory cap of %I bytes exceeded", static_cast<lua_Integer>(mem_cap_));
      break;
    case Violation::kWallTime:
      luaL_error(L_, "wall-clock limit exceeded");
      break;
    default:
      luaL_error(L_, "instruction budget of %I units exceeded", static_cast<lua_Integer>(limit_));
      break;
  }
  std::abort();  // luaL_error does not return
}

void LuaVm::raise_memory_limit() {
  if (active_) trip(Violation::kMemory);
  raise_limit();
}

int LuaVm::message_handler(lua_State* L) {
  lua_Debug ar;
  for (int level = 1; lua_getstack(L, level, &ar); ++level) {
    if (lua_getinfo(L, "l", &ar) && ar.currentline > 0) {
      from(L)->note_error_line(ar.currentline);
      break;
    }
  }
  return 1;  // the error object, unchanged
}

CallOutcome LuaVm::call(int nargs, int nresults, uint64_t budget, std::chrono::milliseconds wall) {
  CallOutcome out;
  const int fn_index = lua_gettop(L_) - nargs;
  used_ = 0;
  limit_ = budget;
  wall_ = wall;
  deadline_set_ = false;
  tripped_ = Violation::kNone;
  error_line_ = 0;
  active_ = true;
  const int status = lua_pcall(L_, nargs, nresults, kMessageHandlerIndex);
  active_ = false;
  // A trip left the hook firing on every instruction; back to the normal interval.
  if (tripped_ != Violation::kNone) lua_sethook(L_, &LuaVm::hook, LUA_MASKCOUNT, kHookInterval);
  out.violation = tripped_;
  if (status == LUA_OK) {
    if (tripped_ == Violation::kNone) {
      out.ok = true;
      return out;
    }
    lua_settop(L_, fn_index - 1);
  } else {
    if (lua_type(L_, -1) == LUA_TSTRING) {
      size_t len = 0;
      const char* s = lua_tolstring(L_, -1, &len);
      out.error.assign(s, len);
    } else if (status == LUA_ERRMEM) {
      out.error = "not enough memory";
    } else {
      out.error = std::string("(error object is a ") + luaL_typename(L_, -1) + " value)";
    }
    lua_settop(L_, fn_index - 1);
    out.line = error_line_;
    // Errors end up in logs, metrics-adjacent fields and alerts: a rule cannot make them huge.
    if (out.error.size() > kMaxErrorBytes) {
      out.error.resize(kMaxErrorBytes);
      out.error += "...";
    }
  }
  if (tripped_ != Violation::kNone) {
    // Whatever the rule made of it, the limit is what stopped the call.
    switch (tripped_) {
      case Violation::kMemory:
        out.error = "memory cap of " + std::to_string(mem_cap_) + " bytes exceeded";
        break;
      case Violation::kWallTime:
        out.error = "wall-clock limit exceeded";
        break;
      default:
        out.error = "instruction budget of " + std::to_string(limit_) + " units exceeded";
        break;
    }
  }
  return out;
}

void LuaVm::collect() { lua_gc(L_, LUA_GCCOLLECT); }

}  // namespace tripline::lua
