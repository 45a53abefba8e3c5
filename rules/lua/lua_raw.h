#pragma once
#include <lua.hpp>

#include <string>
#include <string_view>

namespace tripline::lua {

// Reading Lua values from C++ without ever raising a Lua error. A Lua error is a longjmp, which
// must not cross a C++ frame holding objects with destructors; the loader and the alert builder
// keep std::strings and vectors on their stack, so they read tables only through these: raw
// access (no metamethods run), no string conversion, and stack room checked up front.

// The string at `idx` when it is one (numbers are not converted: that would allocate).
inline bool raw_string(lua_State* L, int idx, std::string_view& out) {
  if (lua_type(L, idx) != LUA_TSTRING) return false;
  size_t len = 0;
  const char* s = lua_tolstring(L, idx, &len);
  out = {s, len};
  return true;
}

// Calls f(key_index, value_index) for every pair of the table at `idx` (absolute indices; the
// key is a string only when lua_type says so). Stops early when f returns false. Returns false
// when the stack cannot hold the iteration (nothing was visited then).
template <typename F>
bool raw_for_each(lua_State* L, int idx, F&& f) {
  idx = lua_absindex(L, idx);
  if (!lua_checkstack(L, 4)) return false;
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    const int top = lua_gettop(L);
    const bool go_on = f(top - 1, top);
    lua_settop(L, top - 1);  // keep the key for lua_next
    if (!go_on) {
      lua_pop(L, 1);
      break;
    }
  }
  return true;
}

// Length of a sequence 1..n with nothing else in the table; -1 when the table has other keys.
inline lua_Integer raw_sequence_length(lua_State* L, int idx) {
  idx = lua_absindex(L, idx);
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, idx));
  lua_Integer count = 0;
  bool only_sequence = true;
  raw_for_each(L, idx, [&](int k, int) {
    lua_Integer key = 0;
    if (lua_type(L, k) != LUA_TNUMBER || !lua_isinteger(L, k) || (key = lua_tointeger(L, k)) < 1 ||
        key > n) {
      only_sequence = false;
      return false;
    }
    ++count;
    return true;
  });
  return only_sequence && count == n ? n : -1;
}

// A short description of a value's type for error messages ("string", "table", ...).
inline const char* raw_type_name(lua_State* L, int idx) {
  return lua_typename(L, lua_type(L, idx));
}

}  // namespace tripline::lua
