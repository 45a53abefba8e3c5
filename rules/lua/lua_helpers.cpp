// Helpers of the rule API: re_match (RE2), cidr_match, json_decode (simdjson), url_decode,
// parse_time (core/time_util.h), log (core/log.h), json_null.
#include <algorithm>
#include <chrono>

#include "core/log.h"
#include "core/time_util.h"
#include "rules/lua/ip_cidr.h"
#include "rules/lua/lua_guard.h"
#include "rules/lua/lua_host.h"
#include "rules/lua/lua_json.h"

namespace tripline::lua {
namespace {

constexpr int kMaxReGroups = 16;
constexpr size_t kMaxLogMessage = 1024;

void charge_or_raise(lua_State* L, uint64_t units) {
  LuaVm* vm = LuaVm::from(L);
  if (!vm->charge(units)) vm->raise_limit();
}

// re_match(s, pattern) → false | true, capture1, ...   (unanchored; RE2 syntax; linear time)
int api_re_match(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  size_t lp = 0;
  const char* p = luaL_checklstring(L, 2, &lp);
  if (lua_isnoneornil(L, 1)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  size_t ls = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const RE2* re = nullptr;
  if (!cpp_guard(host.error, [&] { re = host.regex(std::string_view(p, lp)); }) || !re) {
    return luaL_error(L, "re_match: %s", host.error.c_str());
  }
  // RE2 runs in time linear in the subject; charge it like a scan of the subject.
  charge_or_raise(L, ls / 16 + 1);
  const int groups = std::min(re->NumberOfCapturingGroups(), kMaxReGroups);
  re2::StringPiece found[kMaxReGroups + 1];
  const bool matched =
      re->Match(re2::StringPiece(s, ls), 0, ls, RE2::UNANCHORED, found, groups + 1);
  if (!matched) {
    lua_pushboolean(L, 0);
    return 1;
  }
  luaL_checkstack(L, groups + 1, "too many captures");
  lua_pushboolean(L, 1);
  for (int i = 1; i <= groups; ++i) {
    if (found[i].data() == nullptr) {
      lua_pushnil(L);
    } else {
      lua_pushlstring(L, found[i].data(), found[i].size());
    }
  }
  return groups + 1;
}

bool network_matches(lua_State* L, int idx, const IpAddress& ip) {
  size_t len = 0;
  const char* text = lua_tolstring(L, idx, &len);
  const auto net = parse_network(std::string_view(text, len));
  if (!net) luaL_error(L, "cidr_match: '%s' is not an address or network", text);
  return network_contains(*net, ip);
}

// cidr_match(ip, "10.0.0.0/8" | {"10.0.0.0/8", "192.168.0.0/16", ...}) → boolean
int api_cidr_match(lua_State* L) {
  const int net_type = lua_type(L, 2);
  if (net_type != LUA_TSTRING && net_type != LUA_TTABLE) {
    return luaL_error(L, "cidr_match: the network is a string or a list of strings");
  }
  if (lua_type(L, 1) != LUA_TSTRING) {
    lua_pushboolean(L, 0);  // absent or non-text addresses are in no network
    return 1;
  }
  size_t len = 0;
  const char* text = lua_tolstring(L, 1, &len);
  const auto ip = parse_ip(std::string_view(text, len));
  if (!ip) {
    lua_pushboolean(L, 0);
    return 1;
  }
  if (net_type == LUA_TSTRING) {
    lua_pushboolean(L, network_matches(L, 2, *ip));
    return 1;
  }
  const auto n = static_cast<lua_Integer>(lua_rawlen(L, 2));
  charge_or_raise(L, static_cast<uint64_t>(n));
  for (lua_Integer i = 1; i <= n; ++i) {
    if (lua_rawgeti(L, 2, i) != LUA_TSTRING) {
      return luaL_error(L, "cidr_match: network #%d is not a string", static_cast<int>(i));
    }
    const bool in = network_matches(L, -1, *ip);
    lua_pop(L, 1);
    if (in) {
      lua_pushboolean(L, 1);
      return 1;
    }
  }
  lua_pushboolean(L, 0);
  return 1;
}

// json_decode(s) → value | nil, error
int api_json_decode(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  if (lua_type(L, 1) != LUA_TSTRING) {
    lua_pushnil(L);
    lua_pushliteral(L, "json_decode expects a string");
    return 2;
  }
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  if (len > host.limits.json_max_bytes) {
    lua_pushnil(L);
    lua_pushfstring(L, "document larger than %I bytes",
                    static_cast<lua_Integer>(host.limits.json_max_bytes));
    return 2;
  }
  charge_or_raise(L, len / 16 + 1);
  simdjson::dom::element doc;
  simdjson::error_code err = simdjson::SUCCESS;
  if (!cpp_guard(host.error, [&] { err = host.json.parse(s, len, true).get(doc); })) {
    return luaL_error(L, "json_decode: %s", host.error.c_str());
  }
  if (err != simdjson::SUCCESS) {
    lua_pushnil(L);
    lua_pushstring(L, simdjson::error_message(err));
    return 2;
  }
  push_json_value(L, doc);
  return 1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// url_decode(s [, plus_as_space = true]) → string (nil for nil). %XX escapes become bytes; a '%'
// not followed by two hex digits stays as written.
int api_url_decode(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_pushnil(L);
    return 1;
  }
  size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  const bool plus_as_space = lua_isnoneornil(L, 2) || lua_toboolean(L, 2);
  charge_or_raise(L, len / 16 + 1);
  luaL_Buffer b;
  char* out = luaL_buffinitsize(L, &b, len);
  size_t n = 0;
  for (size_t i = 0; i < len; ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < len) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out[n++] = (c == '+' && plus_as_space) ? ' ' : c;
  }
  luaL_pushresultsize(&b, n);
  return 1;
}

// parse_time(s) → seconds since the epoch (integer when whole) | nil. Numbers pass through.
int api_parse_time(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  if (lua_type(L, 1) == LUA_TNUMBER) {
    lua_settop(L, 1);
    return 1;
  }
  if (lua_type(L, 1) != LUA_TSTRING) {
    lua_pushnil(L);
    return 1;
  }
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  std::optional<TimePoint> t;
  if (!cpp_guard(host.error, [&] { t = parse_rfc3339(std::string_view(s, len)); })) {
    return luaL_error(L, "parse_time: %s", host.error.c_str());
  }
  if (!t) {
    lua_pushnil(L);
    return 1;
  }
  const int64_t ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t->time_since_epoch()).count();
  if (ns % 1'000'000'000 == 0) {
    lua_pushinteger(L, ns / 1'000'000'000);
  } else {
    lua_pushnumber(L, static_cast<double>(ns) / 1e9);
  }
  return 1;
}

// log(msg): one structured line on the agent's log, rate-limited per rule-file instance.
int api_log(lua_State* L) {
  RuleHost& host = RuleHost::of(L);
  size_t len = 0;
  const char* msg = luaL_tolstring(L, 1, &len);
  const std::string_view text(msg, std::min(len, kMaxLogMessage));
  cpp_guard(host.error, [&] {
    if (!host.allow_log_line()) return;
    // A rule's message may quote event fields, which privacy filters only on their way to a
    // sink: like every event payload it belongs at debug level (core/log.h).
    log::debug("lua rule log",
              {{"rule_id", host.current_rule_id()}, {"file", host.file}, {"message", text}});
  });
  return 0;
}

}  // namespace

void add_helpers(lua_State* L, int table) {
  table = lua_absindex(L, table);
  static constexpr luaL_Reg kHelpers[] = {{"re_match", api_re_match},
                                          {"cidr_match", api_cidr_match},
                                          {"json_decode", api_json_decode},
                                          {"url_decode", api_url_decode},
                                          {"parse_time", api_parse_time},
                                          {"log", api_log},
                                          {nullptr, nullptr}};
  for (const luaL_Reg* r = kHelpers; r->name; ++r) {
    lua_pushcfunction(L, r->func);
    lua_setfield(L, table, r->name);
  }
  lua_pushlightuserdata(L, json_null_token());
  lua_setfield(L, table, "json_null");
}

const RE2* RuleHost::regex(std::string_view pattern) {
  if (auto it = regexes_.find(pattern); it != regexes_.end()) return it->second.get();
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(static_cast<int64_t>(limits.regex_max_mem));
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    error = "invalid pattern: " + re->error();
    return nullptr;
  }
  // Patterns are normally literals in the rule; a rule building them from event data would
  // grow the cache without end, so it starts over when full.
  if (regexes_.size() >= kMaxRegexes) regexes_.clear();
  const RE2* out = re.get();
  regexes_.emplace(std::string(pattern), std::move(re));
  return out;
}

const FieldPath& RuleHost::field_path(const char* name, size_t len) {
  FieldSlot& slot = field_paths_[(reinterpret_cast<uintptr_t>(name) >> 4) % field_paths_.size()];
  if (slot.name == name && slot.text == std::string_view(name, len)) return slot.path;
  slot.name = nullptr;
  slot.text.assign(name, len);
  slot.path = FieldPath(slot.text);
  slot.name = name;
  return slot.path;
}

bool RuleHost::allow_log_line() {
  const auto now = std::chrono::steady_clock::now();
  if (now - log_window_ >= std::chrono::minutes(1)) {
    if (log_dropped_ > 0) {
      log::warn("lua rule log lines dropped",
                {{"file", file}, {"dropped", std::to_string(log_dropped_)}});
    }
    log_window_ = now;
    log_lines_ = 0;
    log_dropped_ = 0;
  }
  if (log_lines_ >= limits.log_lines_per_minute) {
    ++log_dropped_;
    return false;
  }
  ++log_lines_;
  return true;
}

}  // namespace tripline::lua
