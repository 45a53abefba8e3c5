#include "rules/lua/lua_json.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "rules/lua/lua_raw.h"

namespace tripline::lua {
namespace {

constexpr int kMaxWriteDepth = 64;
char json_null_anchor;

int table_size_hint(size_t n) { return n > 1024 ? 1024 : static_cast<int>(n); }

bool write_value(lua_State* L, int idx, JsonWriter& out, std::string& error, int depth);

bool write_table(lua_State* L, int idx, JsonWriter& out, std::string& error, int depth) {
  if (depth >= kMaxWriteDepth) {
    error = "table nested too deeply (or cyclic)";
    return false;
  }
  if (!lua_checkstack(L, 4)) {
    error = "Lua stack cannot grow";
    return false;
  }
  const lua_Integer n = raw_sequence_length(L, idx);
  if (n > 0) {
    out.begin_array();
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L, idx, i);
      const bool ok = write_value(L, lua_gettop(L), out, error, depth + 1);
      lua_pop(L, 1);
      if (!ok) return false;
    }
    out.end_array();
    return true;
  }
  // An object: members are written in key order so the same table always gives the same text.
  std::vector<std::pair<std::string, std::string>> members;
  bool ok = true;
  const bool iterated = raw_for_each(L, idx, [&](int k, int v) {
    std::string_view key;
    if (!raw_string(L, k, key)) {
      error = std::string("table key of type ") + raw_type_name(L, k) +
              " (only string keys, or a sequence, convert to JSON)";
      ok = false;
      return false;
    }
    JsonWriter member;
    if (!write_value(L, v, member, error, depth + 1)) {
      ok = false;
      return false;
    }
    members.emplace_back(std::string(key), member.take());
    return true;
  });
  if (!iterated) error = "Lua stack cannot grow";
  if (!ok || !iterated) return false;
  std::sort(members.begin(), members.end());
  out.begin_object();
  for (const auto& [key, json] : members) out.key(key).raw_json(json);
  out.end_object();
  return true;
}

bool write_value(lua_State* L, int idx, JsonWriter& out, std::string& error, int depth) {
  switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
      std::string_view s;
      raw_string(L, idx, s);
      out.value(s);
      return true;
    }
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        out.value(static_cast<int64_t>(lua_tointeger(L, idx)));
        return true;
      }
      if (!std::isfinite(lua_tonumber(L, idx))) {
        error = "NaN and infinities have no JSON form";
        return false;
      }
      out.value(static_cast<double>(lua_tonumber(L, idx)));
      return true;
    case LUA_TBOOLEAN:
      out.value(lua_toboolean(L, idx) != 0);
      return true;
    case LUA_TLIGHTUSERDATA:
      if (lua_touserdata(L, idx) == json_null_token()) {
        out.null();
        return true;
      }
      break;
    case LUA_TTABLE:
      return write_table(L, lua_absindex(L, idx), out, error, depth);
    default:
      break;
  }
  error = std::string("a ") + raw_type_name(L, idx) + " value has no JSON form";
  return false;
}

}  // namespace

void* json_null_token() { return &json_null_anchor; }

void push_json_value(lua_State* L, simdjson::dom::element value) {
  luaL_checkstack(L, 3, "JSON nested too deeply");
  switch (value.type()) {
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object obj = value.get_object().value_unsafe();
      lua_createtable(L, 0, table_size_hint(obj.size()));
      for (simdjson::dom::key_value_pair field : obj) {
        if (field.value.is_null()) continue;  // absent and null read the same in Lua
        lua_pushlstring(L, field.key.data(), field.key.size());
        push_json_value(L, field.value);
        lua_rawset(L, -3);
      }
      return;
    }
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array arr = value.get_array().value_unsafe();
      lua_createtable(L, table_size_hint(arr.size()), 0);
      lua_Integer i = 0;
      for (simdjson::dom::element item : arr) {
        if (item.is_null()) {
          lua_pushlightuserdata(L, json_null_token());
        } else {
          push_json_value(L, item);
        }
        lua_rawseti(L, -2, ++i);
      }
      return;
    }
    case simdjson::dom::element_type::STRING: {
      std::string_view s = value.get_string().value_unsafe();
      lua_pushlstring(L, s.data(), s.size());
      return;
    }
    case simdjson::dom::element_type::INT64:
      lua_pushinteger(L, static_cast<lua_Integer>(value.get_int64().value_unsafe()));
      return;
    case simdjson::dom::element_type::UINT64:
      lua_pushnumber(L, static_cast<lua_Number>(value.get_uint64().value_unsafe()));
      return;
    case simdjson::dom::element_type::DOUBLE:
      lua_pushnumber(L, value.get_double().value_unsafe());
      return;
    case simdjson::dom::element_type::BOOL:
      lua_pushboolean(L, value.get_bool().value_unsafe());
      return;
    case simdjson::dom::element_type::NULL_VALUE:
      lua_pushlightuserdata(L, json_null_token());
      return;
  }
  lua_pushnil(L);
}

bool write_lua_json(lua_State* L, int idx, JsonWriter& out, std::string& error) {
  return write_value(L, lua_absindex(L, idx), out, error, 0);
}

}  // namespace tripline::lua
