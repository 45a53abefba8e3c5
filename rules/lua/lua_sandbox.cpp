#include "rules/lua/lua_sandbox.h"

#include <bit>
#include <cstdint>

#include "rules/lua/lua_vm.h"

namespace tripline::lua {
namespace {

// Registry keys (addresses, so lookups never allocate a key string).
char kBuiltinsKey;
char kEnvKey;
char kProtectedKey;

// What a charged C function costs, in budget units, before it runs.
enum class Cost : lua_Integer {
  kArgBytes,    // bytes of argument 1 / 16
  kStringArgs,  // bytes of every string argument / 16
  kTableLen,    // border of the table in argument 1
  kSort,        // n log n of the table in argument 1
  kMove,        // elements moved by table.move(a, f, e, ...)
  kUnpack,      // values table.unpack(t, i, j) pushes
};

uint64_t table_length(lua_State* L) {
  return lua_type(L, 1) == LUA_TTABLE ? static_cast<uint64_t>(lua_rawlen(L, 1)) : 0;
}

uint64_t range_count(lua_State* L, int first_arg, lua_Integer default_first,
                     lua_Integer default_last) {
  int ok = 0;
  lua_Integer f = lua_tointegerx(L, first_arg, &ok);
  if (!ok) f = default_first;
  lua_Integer e = lua_tointegerx(L, first_arg + 1, &ok);
  if (!ok) e = default_last;
  if (e < f) return 0;
  const auto span = static_cast<uint64_t>(e) - static_cast<uint64_t>(f);
  return span >= UINT64_MAX / 4 ? UINT64_MAX / 4 : span + 1;
}

uint64_t cost_of(lua_State* L, Cost kind) {
  switch (kind) {
    case Cost::kArgBytes:
      return lua_type(L, 1) == LUA_TSTRING ? lua_rawlen(L, 1) / 16 : 0;
    case Cost::kStringArgs: {
      uint64_t bytes = 0;
      for (int i = 1, n = lua_gettop(L); i <= n; ++i) {
        if (lua_type(L, i) == LUA_TSTRING) bytes += lua_rawlen(L, i);
      }
      return bytes / 16;
    }
    case Cost::kTableLen:
      return table_length(L);
    case Cost::kSort: {
      const uint64_t n = table_length(L);
      return n * static_cast<uint64_t>(std::bit_width(n) + 1);
    }
    case Cost::kMove:
      return range_count(L, 2, 1, 0);
    case Cost::kUnpack:
      return range_count(L, 2, 1, static_cast<lua_Integer>(table_length(L)));
  }
  return 0;
}

// upvalue 1: the library function; upvalue 2: its Cost.
int charged_call(lua_State* L) {
  const auto kind = static_cast<Cost>(lua_tointeger(L, lua_upvalueindex(2)));
  LuaVm* vm = LuaVm::from(L);
  if (!vm->charge(cost_of(L, kind) + 1)) vm->raise_limit();
  const int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, LUA_MULTRET);
  return lua_gettop(L);
}

// string.rep: the stock one loops n times even when the result is empty, and sizes its buffer
// before any allocation could be refused.
int safe_rep(lua_State* L) {
  size_t l = 0;
  size_t lsep = 0;
  luaL_checklstring(L, 1, &l);
  const lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  LuaVm* vm = LuaVm::from(L);
  const uint64_t unit = l + lsep;
  if (unit > vm->memory_cap() / static_cast<uint64_t>(n)) vm->raise_memory_limit();
  if (!vm->charge(unit * static_cast<uint64_t>(n) / 16)) vm->raise_limit();
  const int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, 1);
  return 1;
}

// The message handler of xpcall runs before the error unwinds. When the error comes from the
// budget hook that is still inside the hook, where Lua disables hooks: a handler looping there
// would never be stopped. Once a limit tripped, the user's handler is skipped.
int guarded_message_handler(lua_State* L) {
  if (LuaVm::from(L)->tripped() != Violation::kNone) return 1;  // the error, unchanged
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// xpcall(f, handler, ...) as the stock one, with the handler guarded.
int safe_xpcall(lua_State* L) {
  const int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded_message_handler, 1);
  lua_replace(L, 2);
  lua_pushboolean(L, 1);  // first result when f succeeds
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);  // true and f go below f's arguments
  if (lua_pcall(L, n - 2, LUA_MULTRET, 2) != LUA_OK) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - 2;
}

bool is_protected(lua_State* L, int idx) {
  idx = lua_absindex(L, idx);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kProtectedKey);
  lua_pushvalue(L, idx);
  const bool found = lua_rawget(L, -2) != LUA_TNIL;
  lua_pop(L, 2);
  return found;
}

int safe_rawset(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (is_protected(L, 1)) return luaL_error(L, "rawset: the sandbox tables are read-only");
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

// upvalue 1: the stock setmetatable (which already refuses locked metatables).
int safe_setmetatable(lua_State* L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) {
      return luaL_error(L, "setmetatable: __gc metamethods are not available in the sandbox");
    }
    lua_pop(L, 1);
  }
  if (lua_type(L, 1) == LUA_TTABLE && is_protected(L, 1)) {
    return luaL_error(L, "cannot change a protected metatable");
  }
  const int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, 1);
  return 1;
}

// __newindex of the environment: (proxy, key, value); upvalue 1: the user globals table.
int env_newindex(lua_State* L) {
  const char* name = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kBuiltinsKey);
  lua_pushvalue(L, 2);
  if (lua_rawget(L, -2) != LUA_TNIL) {
    return luaL_error(L, "cannot redefine the built-in '%s'", name);
  }
  if (LuaVm::from(L)->globals_frozen()) {
    return luaL_error(L, "globals are read-only after load (assignment to '%s')", name);
  }
  lua_settop(L, 3);
  lua_rawset(L, lua_upvalueindex(1));
  return 0;
}

int readonly_newindex(lua_State* L) {
  const char* name = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
  return luaL_error(L, "library tables are read-only (assignment to '%s')", name);
}

// Registers `table` (at -1) as protected and replaces it by an empty read-only proxy whose
// reads fall through to it.
void make_proxy(lua_State* L) {
  const int inner = lua_gettop(L);
  lua_newtable(L);           // proxy
  lua_createtable(L, 0, 3);  // its metatable
  lua_pushvalue(L, inner);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readonly_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  protect_table(L, -1);
  lua_replace(L, inner);
}

void copy_fields(lua_State* L, int from, int to, const char* const* names) {
  for (const char* const* n = names; *n; ++n) {
    lua_getfield(L, from, *n);
    lua_setfield(L, to, *n);
  }
}

void wrap_charged(lua_State* L, int from, int to, const char* name, Cost cost) {
  lua_getfield(L, from, name);
  lua_pushinteger(L, static_cast<lua_Integer>(cost));
  lua_pushcclosure(L, charged_call, 2);
  lua_setfield(L, to, name);
}

int open_library(lua_State* L, const char* name, lua_CFunction open) {
  luaL_requiref(L, name, open, 0);
  return lua_gettop(L);
}

}  // namespace

void protect_table(lua_State* L, int idx) {
  idx = lua_absindex(L, idx);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kProtectedKey);
  lua_pushvalue(L, idx);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

void push_builtins(lua_State* L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &kBuiltinsKey); }

void push_environment(lua_State* L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &kEnvKey); }

int open_sandbox(lua_State* L) {
  // Weak-keyed set of the tables rawset must refuse.
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kProtectedKey);

  const int base = open_library(L, "_G", luaopen_base);
  const int string = open_library(L, "string", luaopen_string);
  const int table = open_library(L, "table", luaopen_table);
  const int math = open_library(L, "math", luaopen_math);
  const int utf8 = open_library(L, "utf8", luaopen_utf8);
  const int os = open_library(L, "os", luaopen_os);

  lua_newtable(L);
  const int builtins = lua_gettop(L);

  static constexpr const char* kBase[] = {
      "assert", "error",  "getmetatable", "ipairs",   "next", "pairs",    "pcall", "rawequal",
      "rawget", "rawlen", "select",       "tostring", "type", "_VERSION", nullptr};
  copy_fields(L, base, builtins, kBase);
  wrap_charged(L, base, builtins, "tonumber", Cost::kArgBytes);
  lua_pushcfunction(L, safe_rawset);
  lua_setfield(L, builtins, "rawset");
  lua_pushcfunction(L, safe_xpcall);
  lua_setfield(L, builtins, "xpcall");
  lua_getfield(L, base, "setmetatable");
  lua_pushcclosure(L, safe_setmetatable, 1);
  lua_setfield(L, builtins, "setmetatable");

  // string: the methods strings see through their metatable are the same functions.
  lua_newtable(L);
  const int str = lua_gettop(L);
  static constexpr const char* kString[] = {"char", "format", "len",      "lower", "reverse",
                                            "sub",  "upper",  "packsize", nullptr};
  copy_fields(L, string, str, kString);
  wrap_charged(L, string, str, "byte", Cost::kArgBytes);
  wrap_charged(L, string, str, "pack", Cost::kStringArgs);
  wrap_charged(L, string, str, "unpack", Cost::kStringArgs);
  lua_getfield(L, string, "rep");
  lua_pushcclosure(L, safe_rep, 1);
  lua_setfield(L, str, "rep");
  add_pattern_functions(L, str);
  lua_pushliteral(L, "");
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, str);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);  // replaces the stock string metatable (whose __index has dump)
  lua_pop(L, 1);
  lua_pushvalue(L, str);
  make_proxy(L);
  lua_setfield(L, builtins, "string");
  lua_pop(L, 1);

  lua_newtable(L);
  const int tbl = lua_gettop(L);
  static constexpr const char* kTable[] = {"pack", nullptr};
  copy_fields(L, table, tbl, kTable);
  wrap_charged(L, table, tbl, "concat", Cost::kTableLen);
  wrap_charged(L, table, tbl, "insert", Cost::kTableLen);
  wrap_charged(L, table, tbl, "remove", Cost::kTableLen);
  wrap_charged(L, table, tbl, "move", Cost::kMove);
  wrap_charged(L, table, tbl, "sort", Cost::kSort);
  wrap_charged(L, table, tbl, "unpack", Cost::kUnpack);
  make_proxy(L);
  lua_setfield(L, builtins, "table");

  lua_newtable(L);
  const int m = lua_gettop(L);
  static constexpr const char* kMath[] = {
      "abs",       "ceil", "cos",    "deg",        "exp",  "floor",      "fmod",
      "huge",      "log",  "max",    "maxinteger", "min",  "mininteger", "modf",
      "pi",        "rad",  "random", "randomseed", "sin",  "sqrt",       "tan",
      "tointeger", "type", "ult",    "atan",       "asin", "acos",       nullptr};
  copy_fields(L, math, m, kMath);
  make_proxy(L);
  lua_setfield(L, builtins, "math");

  lua_newtable(L);
  const int u = lua_gettop(L);
  static constexpr const char* kUtf8[] = {"char", "charpattern", "codes", nullptr};
  copy_fields(L, utf8, u, kUtf8);
  wrap_charged(L, utf8, u, "codepoint", Cost::kArgBytes);
  wrap_charged(L, utf8, u, "len", Cost::kArgBytes);
  wrap_charged(L, utf8, u, "offset", Cost::kArgBytes);
  make_proxy(L);
  lua_setfield(L, builtins, "utf8");

  lua_newtable(L);
  static constexpr const char* kOs[] = {"time", "clock", nullptr};
  copy_fields(L, os, lua_gettop(L), kOs);
  make_proxy(L);
  lua_setfield(L, builtins, "os");

  protect_table(L, builtins);
  lua_pushvalue(L, builtins);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kBuiltinsKey);

  // _ENV: an empty proxy; reads go to the file's own globals, then to the built-ins.
  lua_newtable(L);
  const int globals = lua_gettop(L);
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, builtins);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, globals);
  protect_table(L, globals);

  lua_newtable(L);
  const int env = lua_gettop(L);
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, globals);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, globals);
  lua_pushcclosure(L, env_newindex, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, env);
  protect_table(L, env);
  lua_pushvalue(L, env);
  lua_setfield(L, builtins, "_G");
  lua_pushvalue(L, env);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kEnvKey);

  // The stock global table keeps load, dofile, print, ...: nothing may reach it. Empty it.
  lua_pushglobaltable(L);
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, -4);
  }
  lua_pop(L, 1);
  return 0;
}

}  // namespace tripline::lua
