// The rule API of DESIGN §5 "Lua rule file": rule{...}, alert{...}, the `event` object and the
// `state` object. Helpers (re_match, ...) live in lua_helpers.cpp.
#include <cmath>
#include <cstring>

#include "rules/lua/lua_guard.h"
#include "rules/lua/lua_host.h"
#include "rules/lua/lua_json.h"
#include "rules/lua/lua_sandbox.h"

namespace tripline::lua {
namespace {

// Registry keys (addresses: lookups never allocate a key string).
char kEventKey;
char kStateMetaKey;
char kDeclsKey;

struct StateHandle {
  int rule;
};

// ---- rule{...} -------------------------------------------------------------------------------

int api_rule(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  if (!host.loading) {
    return luaL_error(L, "rule{} declares rules while the file loads, not from a rule function");
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  if (host.decls.size() >= RuleHost::kMaxRulesPerFile) {
    return luaL_error(L, "rule{} declares more than %d rules in one file",
                      static_cast<int>(RuleHost::kMaxRulesPerFile));
  }
  lua_settop(L, 1);
  int line = 0;
  lua_Debug ar;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar)) line = ar.currentline;
  // Keep the declaration (and the functions in it) alive; index_declared_rules reads it back.
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kDeclsKey);
  lua_pushvalue(L, 1);
  lua_rawseti(L, -2, static_cast<lua_Integer>(lua_rawlen(L, -2)) + 1);
  lua_pop(L, 1);
  if (!cpp_guard(host.error, [&] { host.decls.push_back(read_rule_decl(L, 1, host, line)); })) {
    return luaL_error(L, "rule: %s", host.error.c_str());
  }
  return 0;
}

// ---- alert{...} ------------------------------------------------------------------------------

int api_alert(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  if (!host.event)
    return luaL_error(L, "alert{} can only be called while a rule evaluates an event");
  luaL_checktype(L, 1, LUA_TTABLE);
  if (host.alerts.size() >= host.limits.max_alerts_per_event) {
    return luaL_error(L, "more than %d alerts for one event",
                      static_cast<int>(host.limits.max_alerts_per_event));
  }
  bool ok = false;
  const bool no_exception = cpp_guard(host.error, [&] {
    AlertSpec spec;
    std::string error;
    if (read_alert_spec(L, 1, host, spec, error)) {
      host.alerts.push_back(std::move(spec));
      ok = true;
    } else {
      host.error = std::move(error);
    }
  });
  if (!no_exception || !ok) return luaL_error(L, "alert: %s", host.error.c_str());
  return 0;
}

// ---- event -----------------------------------------------------------------------------------

void push_field(lua_State* L, RuleHost& host, const FieldValue& v) {
  switch (v.type) {
    case FieldType::kString:
      lua_pushlstring(L, v.text.data(), v.text.size());
      return;
    case FieldType::kNumber:
      if (lua_stringtonumber(L, v.text.c_str()) == 0)
        lua_pushlstring(L, v.text.data(), v.text.size());
      return;
    case FieldType::kBool:
      lua_pushboolean(L, v.text == "true");
      return;
    case FieldType::kObject:
    case FieldType::kArray: {
      if (!host.vm.charge(v.text.size() / 16)) host.vm.raise_limit();
      simdjson::dom::element doc;
      if (host.json.parse(v.text.data(), v.text.size(), true).get(doc) != simdjson::SUCCESS) {
        lua_pushlstring(L, v.text.data(), v.text.size());
      } else {
        push_json_value(L, doc);
      }
      return;
    }
    case FieldType::kNull:
    case FieldType::kMissing:
      break;
  }
  lua_pushnil(L);
}

int event_index(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  if (!host.event) return luaL_error(L, "this event is no longer being evaluated");
  if (lua_type(L, 2) != LUA_TSTRING) {
    return luaL_error(L, "event fields are read by name, e.g. event[\"user.name\"]");
  }
  size_t len = 0;
  const char* key = lua_tolstring(L, 2, &len);
  if (len == 3 && std::memcmp(key, "raw", 3) == 0) {
    const std::string_view raw = host.event->raw();
    lua_pushlstring(L, raw.data(), raw.size());
    return 1;
  }
  const FieldValue* v = nullptr;
  if (!cpp_guard(host.error, [&] { v = host.event->find(host.field_path(key, len)); })) {
    return luaL_error(L, "event: %s", host.error.c_str());
  }
  if (!v) {
    lua_pushnil(L);
  } else {
    push_field(L, host, *v);
  }
  return 1;
}

int event_newindex(lua_State* L) { return luaL_error(L, "events are read-only"); }

int event_tostring(lua_State* L) {
  lua_pushliteral(L, "event");
  return 1;
}

// ---- state -----------------------------------------------------------------------------------

RuleStateStore* state_of(lua_State* L, RuleHost& host) {
  auto* handle = static_cast<StateHandle*>(lua_touserdata(L, 1));
  bool ours = false;
  if (handle && lua_getmetatable(L, 1)) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kStateMetaKey);
    ours = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
  }
  if (!ours) luaL_error(L, "state methods are called as state:get(...), state:set(...)");
  if (!host.event) luaL_error(L, "state is only usable while the rule evaluates an event");
  if (handle->rule != host.rule) luaL_error(L, "this state belongs to another rule");
  return host.stores[static_cast<size_t>(handle->rule)];
}

std::string_view state_key(lua_State* L, RuleHost& host) {
  const int t = lua_type(L, 2);
  if (t != LUA_TSTRING && t != LUA_TNUMBER) luaL_error(L, "state keys are strings");
  size_t len = 0;
  const char* s = lua_tolstring(L, 2, &len);
  if (len > host.limits.state_max_key_bytes) {
    luaL_error(L, "state key longer than %d bytes",
               static_cast<int>(host.limits.state_max_key_bytes));
  }
  return {s, len};
}

int64_t ttl_ms_arg(lua_State* L, int idx) {
  if (lua_isnoneornil(L, idx)) return 0;
  const lua_Number seconds = luaL_checknumber(L, idx);
  if (!(seconds > 0)) luaL_error(L, "ttl must be a positive number of seconds");
  return seconds > 1e12 ? INT64_MAX / 4 : static_cast<int64_t>(std::ceil(seconds * 1000));
}

void push_state_value(lua_State* L, const StateValue& v) {
  switch (v.type) {
    case StateValue::Type::kBool:
      lua_pushboolean(L, v.b);
      return;
    case StateValue::Type::kInt:
      lua_pushinteger(L, v.i);
      return;
    case StateValue::Type::kFloat:
      lua_pushnumber(L, v.f);
      return;
    case StateValue::Type::kString:
      lua_pushlstring(L, v.s.data(), v.s.size());
      return;
    case StateValue::Type::kNil:
      break;
  }
  lua_pushnil(L);
}

// The Lua value at idx as a StateValue in host.value (numbers and booleans only when
// `numbers_only`). Returns an error text or null.
const char* read_state_value(lua_State* L, int idx, RuleHost& host, bool numbers_only) {
  StateValue& v = host.value;
  switch (lua_type(L, idx)) {
    case LUA_TNIL:
    case LUA_TNONE:
      if (numbers_only) return "incr adds a number";
      v.type = StateValue::Type::kNil;
      return nullptr;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        v.type = StateValue::Type::kInt;
        v.i = lua_tointeger(L, idx);
      } else {
        v.type = StateValue::Type::kFloat;
        v.f = lua_tonumber(L, idx);
      }
      return nullptr;
    case LUA_TBOOLEAN:
      if (numbers_only) return "incr adds a number";
      v.type = StateValue::Type::kBool;
      v.b = lua_toboolean(L, idx) != 0;
      return nullptr;
    case LUA_TSTRING: {
      if (numbers_only) return "incr adds a number";
      size_t len = 0;
      const char* s = lua_tolstring(L, idx, &len);
      if (len > host.limits.state_max_value_bytes) return "state value too long";
      v.type = StateValue::Type::kString;
      if (!cpp_guard(host.error, [&] { v.s.assign(s, len); })) return host.error.c_str();
      return nullptr;
    }
    default:
      return "state values are strings, numbers or booleans";
  }
}

int state_get(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  RuleStateStore* store = state_of(L, host);
  const std::string_view key = state_key(L, host);
  bool found = false;
  if (!cpp_guard(host.error, [&] { found = store->get(key, host.now_ms, host.value); })) {
    return luaL_error(L, "state: %s", host.error.c_str());
  }
  if (found) {
    push_state_value(L, host.value);
  } else {
    lua_pushnil(L);
  }
  return 1;
}

int state_set(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  RuleStateStore* store = state_of(L, host);
  const std::string_view key = state_key(L, host);
  const int64_t ttl = ttl_ms_arg(L, 4);
  if (const char* err = read_state_value(L, 3, host, false)) return luaL_error(L, "state: %s", err);
  if (!cpp_guard(host.error, [&] { store->set(key, host.value, host.now_ms, ttl); })) {
    return luaL_error(L, "state: %s", host.error.c_str());
  }
  return 0;
}

int state_incr(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  RuleStateStore* store = state_of(L, host);
  const std::string_view key = state_key(L, host);
  const int64_t ttl = ttl_ms_arg(L, 4);
  if (lua_isnoneornil(L, 3)) {
    host.value.type = StateValue::Type::kInt;
    host.value.i = 1;
  } else if (const char* err = read_state_value(L, 3, host, true)) {
    return luaL_error(L, "state: %s", err);
  }
  bool numeric = false;
  if (!cpp_guard(host.error, [&] {
        const StateValue delta = host.value;
        numeric = store->incr(key, delta, host.now_ms, ttl, host.value);
      })) {
    return luaL_error(L, "state: %s", host.error.c_str());
  }
  if (!numeric) return luaL_error(L, "state: the value of this key is not a number");
  push_state_value(L, host.value);
  return 1;
}

int state_newindex(lua_State* L) { return luaL_error(L, "state is read through get/set/incr"); }

}  // namespace

int open_rule_api(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  push_builtins(L);
  const int builtins = lua_gettop(L);
  lua_pushcfunction(L, api_rule);
  lua_setfield(L, builtins, "rule");
  lua_pushcfunction(L, api_alert);
  lua_setfield(L, builtins, "alert");
  add_helpers(L, builtins);

  // The one `event` object of this state: rules read whichever event is being evaluated.
  host.event_userdata = lua_newuserdatauv(L, 1, 0);
  lua_createtable(L, 0, 4);
  lua_pushcfunction(L, event_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, event_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, event_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kEventKey);

  lua_createtable(L, 0, 3);
  lua_createtable(L, 0, 3);
  lua_pushcfunction(L, state_get);
  lua_setfield(L, -2, "get");
  lua_pushcfunction(L, state_set);
  lua_setfield(L, -2, "set");
  lua_pushcfunction(L, state_incr);
  lua_setfield(L, -2, "incr");
  protect_table(L, -1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, state_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kStateMetaKey);

  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kDeclsKey);
  return 0;
}

int index_declared_rules(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kDeclsKey);
  const int decls = lua_gettop(L);
  const auto n = static_cast<lua_Integer>(lua_rawlen(L, decls));
  if (static_cast<size_t>(n) != host.function_refs.size()) {
    return luaL_error(L, "declared rules and their index disagree");
  }
  for (lua_Integer i = 1; i <= n; ++i) {
    const size_t r = static_cast<size_t>(i - 1);
    const bool stateful = host.decls[r].info.stateful;
    lua_rawgeti(L, decls, i);
    lua_pushstring(L, stateful ? "on_event" : "match");
    lua_rawget(L, -2);
    host.function_refs[r] = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 1);
    if (!stateful) continue;
    auto* handle = static_cast<StateHandle*>(lua_newuserdatauv(L, sizeof(StateHandle), 0));
    handle->rule = static_cast<int>(r);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kStateMetaKey);
    lua_setmetatable(L, -2);
    host.state_refs[r] = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  // The declarations (with their `tests`, possibly thousands of generated events) were read;
  // only the functions are needed from here on.
  lua_pushnil(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kDeclsKey);
  return 0;
}

int push_rule_call(lua_State* L, int index, bool stateful) {
  if (!lua_checkstack(L, 4)) return -1;
  const RuleHost& host = RuleHost::of(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, host.function_refs[static_cast<size_t>(index)]);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kEventKey);
  if (!stateful) return 1;
  lua_rawgeti(L, LUA_REGISTRYINDEX, host.state_refs[static_cast<size_t>(index)]);
  return 2;
}

}  // namespace tripline::lua
