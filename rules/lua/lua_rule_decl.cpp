// Reading rule{...} declarations (with their `tests`) and alert{...} calls. Everything here uses
// raw, non-raising access (lua_raw.h): these frames own std::strings and vectors.
#include <simdjson.h>

#include <algorithm>
#include <cstdio>

#include "config/yaml_map.h"
#include "rules/lua/lua_host.h"
#include "rules/lua/lua_json.h"
#include "rules/lua/lua_raw.h"

namespace tripline {

const char* level_for_sev(Sev sev) {
  switch (sev) {
    case Sev::kSev0:
      return "critical";
    case Sev::kSev1:
      return "high";
    case Sev::kSev2:
      return "medium";
    case Sev::kSev3:
      return "low";
    case Sev::kSev4:
      return "informational";
  }
  return "medium";
}

namespace lua {
namespace {

bool read_string(lua_State* L, int idx, std::string& out) {
  std::string_view s;
  if (!raw_string(L, idx, s)) return false;
  out.assign(s);
  return true;
}

// A sequence of strings (a lone string counts as a list of one).
bool read_string_list(lua_State* L, int idx, std::vector<std::string>& out) {
  std::string one;
  if (read_string(L, idx, one)) {
    out.push_back(std::move(one));
    return true;
  }
  if (lua_type(L, idx) != LUA_TTABLE) return false;
  const lua_Integer n = raw_sequence_length(L, idx);
  if (n < 0 || !lua_checkstack(L, 2)) return false;
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, idx, i);
    std::string s;
    const bool ok = read_string(L, -1, s);
    lua_pop(L, 1);
    if (!ok) return false;
    out.push_back(std::move(s));
  }
  return true;
}

// The string form of a scalar (alert group and field values).
bool scalar_text(lua_State* L, int idx, std::string& out) {
  switch (lua_type(L, idx)) {
    case LUA_TSTRING:
      return read_string(L, idx, out);
    case LUA_TBOOLEAN:
      out = lua_toboolean(L, idx) ? "true" : "false";
      return true;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        out = std::to_string(lua_tointeger(L, idx));
      } else {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.14g", static_cast<double>(lua_tonumber(L, idx)));
        out = buf;
      }
      return true;
    default:
      return false;
  }
}

bool read_logsource(lua_State* L, int idx, LogSource& out, std::string& error) {
  if (lua_type(L, idx) != LUA_TTABLE) {
    error = "logsource must be a table { product = ..., service = ..., category = ... }";
    return false;
  }
  bool ok = true;
  raw_for_each(L, idx, [&](int k, int v) {
    std::string_view key;
    std::string* member = nullptr;
    if (raw_string(L, k, key)) {
      if (key == "product") member = &out.product;
      if (key == "service") member = &out.service;
      if (key == "category") member = &out.category;
    }
    if (!member) {
      error = "logsource takes product, service and category";
      ok = false;
    } else if (!read_string(L, v, *member)) {
      error = "logsource." + std::string(key) + " must be a string";
      ok = false;
    }
    return ok;
  });
  return ok;
}

// A duration as text ("10m", "30s") or a number of seconds.
bool read_duration(lua_State* L, int idx, std::chrono::milliseconds& out) {
  if (lua_type(L, idx) == LUA_TNUMBER) {
    const double seconds = lua_tonumber(L, idx);
    if (!(seconds > 0) || seconds > 1e9) return false;
    out = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
    return true;
  }
  std::string text;
  return read_string(L, idx, text) && YamlMap::parse_duration(text, out) && out.count() > 0;
}

bool read_throttle(lua_State* L, int idx, LuaThrottle& out, std::string& error) {
  if (lua_type(L, idx) != LUA_TTABLE) {
    if (read_duration(L, idx, out.window)) return true;
    error = "throttle must be a duration such as \"10m\" or { window = ..., max_alerts = ... }";
    return false;
  }
  bool ok = true;
  bool has_window = false;
  raw_for_each(L, idx, [&](int k, int v) {
    std::string_view key;
    raw_string(L, k, key);
    if (key == "window") {
      has_window = true;
      if (!read_duration(L, v, out.window)) {
        error = "throttle.window must be a positive duration";
        ok = false;
      }
    } else if (key == "max_alerts") {
      if (!lua_isinteger(L, v) || lua_tointeger(L, v) < 1) {
        error = "throttle.max_alerts must be a whole number >= 1";
        ok = false;
      } else {
        out.max_alerts = static_cast<uint64_t>(lua_tointeger(L, v));
      }
    } else {
      error = "throttle takes window and max_alerts";
      ok = false;
    }
    return ok;
  });
  if (ok && !has_window) {
    error = "throttle needs a window";
    ok = false;
  }
  return ok;
}

bool read_test_event(lua_State* L, int idx, LuaRuleTest& test, std::string& error) {
  LuaTestEvent ev;
  if (read_string(L, idx, ev.text)) {
    test.events.push_back(std::move(ev));
    return true;
  }
  if (lua_type(L, idx) != LUA_TTABLE || raw_sequence_length(L, idx) > 0) {
    error = "a test event is a table of fields or a JSON string";
    return false;
  }
  JsonWriter w;
  if (!write_lua_json(L, idx, w, error)) return false;
  ev.text = w.take();
  test.events.push_back(std::move(ev));
  return true;
}

bool read_test(lua_State* L, int idx, LuaRuleTest& test, std::string& error) {
  if (lua_type(L, idx) != LUA_TTABLE) {
    error = "each test is a table";
    return false;
  }
  int sources = 0;
  bool has_expect = false;
  bool has_count = false;
  bool ok = true;
  const auto fail = [&](std::string message) {
    if (ok) error = std::move(message);
    ok = false;
    return false;
  };
  raw_for_each(L, idx, [&](int k, int v) {
    std::string_view key;
    if (!raw_string(L, k, key)) return fail("test keys are names");
    if (key == "name") {
      if (!read_string(L, v, test.name)) return fail("test name must be a string");
    } else if (key == "event") {
      ++sources;
      if (!read_test_event(L, v, test, error)) return fail(error);
    } else if (key == "events") {
      ++sources;
      const lua_Integer n = lua_type(L, v) == LUA_TTABLE ? raw_sequence_length(L, v) : -1;
      if (n <= 0) return fail("test events must be a non-empty list");
      for (lua_Integer i = 1; i <= n; ++i) {
        lua_rawgeti(L, v, i);
        const bool item_ok = read_test_event(L, lua_gettop(L), test, error);
        lua_pop(L, 1);
        if (!item_ok) return fail(error);
      }
    } else if (key == "log") {
      ++sources;
      std::vector<std::string> lines;
      if (!read_string_list(L, v, lines) || lines.empty()) {
        return fail("test log must be a line or a list of lines");
      }
      for (std::string& line : lines) test.events.push_back({std::move(line), true});
    } else if (key == "expect") {
      std::string expect;
      read_string(L, v, expect);
      if (expect == "match") {
        test.expect = LuaRuleTest::Expect::kMatch;
      } else if (expect == "no_match") {
        test.expect = LuaRuleTest::Expect::kNoMatch;
      } else {
        return fail("expect must be \"match\" or \"no_match\"");
      }
      has_expect = true;
    } else if (key == "expect_alerts") {
      if (!lua_isinteger(L, v) || lua_tointeger(L, v) < 0) {
        return fail("expect_alerts must be a whole number >= 0");
      }
      test.expect_alerts = static_cast<uint64_t>(lua_tointeger(L, v));
      has_count = true;
    } else if (key == "format") {
      if (!read_string(L, v, test.format)) return fail("test format must be a string");
    } else if (key == "logsource") {
      LogSource ls;
      if (!read_logsource(L, v, ls, error)) return fail(error);
      test.logsource = ls;
    } else {
      return fail("unknown test key '" + std::string(key) +
                  "' (known: name, event, events, log, expect, expect_alerts, format, logsource)");
    }
    return true;
  });
  if (!ok) return false;
  if (test.name.empty()) {
    error = "a test needs a name";
    return false;
  }
  if (sources != 1) {
    error = "test '" + test.name + "' needs exactly one of event, events, log";
    return false;
  }
  if (has_expect == has_count) {
    error = "test '" + test.name + "' needs exactly one of expect (\"match\"|\"no_match\"), " +
            "expect_alerts";
    return false;
  }
  if (has_count) test.expect = LuaRuleTest::Expect::kAlerts;
  return true;
}

bool valid_rule_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':' || c == '/';
  });
}

// What one alert may carry: alerts travel to every sink, a rule must not make them huge.
constexpr size_t kMaxTitleBytes = 1024;
constexpr size_t kMaxValueBytes = 4096;
constexpr size_t kMaxPairs = 64;
constexpr size_t kMaxEventBytes = 256 * 1024;

bool read_pairs(lua_State* L, int idx, std::vector<std::pair<std::string, std::string>>& out,
                const char* what, std::string& error) {
  if (lua_type(L, idx) != LUA_TTABLE) {
    error = std::string(what) + " must be a table of name = value";
    return false;
  }
  bool ok = true;
  raw_for_each(L, idx, [&](int k, int v) {
    std::string key;
    std::string value;
    if (!read_string(L, k, key)) {
      error = std::string(what) + " keys must be names";
      ok = false;
    } else if (!scalar_text(L, v, value)) {
      error = std::string(what) + "." + key + " must be a string, number or boolean";
      ok = false;
    } else if (key.size() > kMaxValueBytes || value.size() > kMaxValueBytes) {
      error = std::string(what) + " names and values are at most " +
              std::to_string(kMaxValueBytes) + " bytes";
      ok = false;
    } else if (out.size() >= kMaxPairs) {
      error = std::string(what) + " has more than " + std::to_string(kMaxPairs) + " entries";
      ok = false;
    } else {
      out.emplace_back(std::move(key), std::move(value));
    }
    return ok;
  });
  std::sort(out.begin(), out.end());
  return ok;
}

bool read_alert_event(lua_State* L, int idx, RuleHost& host, std::string& out, std::string& error) {
  if (lua_type(L, idx) == LUA_TUSERDATA && lua_touserdata(L, idx) == host.event_userdata) {
    out = render_event_json(*host.event);
    return true;
  }
  std::string_view text;
  if (raw_string(L, idx, text)) {
    // Alerts are JSON lines: keep the document on one line.
    simdjson::dom::element doc;
    if (host.json.parse(text.data(), text.size(), true).get(doc) != simdjson::SUCCESS) {
      error = "events items given as strings must be JSON documents";
      return false;
    }
    out.resize(text.size());
    size_t len = 0;
    if (simdjson::minify(text.data(), text.size(), out.data(), len) != simdjson::SUCCESS) {
      error = "events item could not be minified";
      return false;
    }
    out.resize(len);
    return true;
  }
  if (lua_type(L, idx) == LUA_TTABLE) {
    JsonWriter w;
    if (!write_lua_json(L, idx, w, error)) return false;
    out = w.take();
    return true;
  }
  error = "events items are the event, a table or a JSON string";
  return false;
}

}  // namespace

RuleDecl read_rule_decl(lua_State* L, int idx, RuleHost& host, int line) {
  RuleDecl d;
  d.info.file = host.file;
  d.info.mark = {host.file, line, 0};
  const auto problem = [&](const std::string& message) {
    host.load_problem(Diagnostic::Severity::kError, "lua.rule", line, message);
    d.valid = false;
  };
  std::string sev_text;
  bool has_match = false;
  bool has_on_event = false;
  bool has_logsource = false;
  std::vector<int> test_indices;
  raw_for_each(L, idx, [&](int k, int v) {
    std::string_view key;
    if (!raw_string(L, k, key)) {
      problem("rule{} takes named fields (id = ..., title = ...)");
      return true;
    }
    std::string error;
    if (key == "id") {
      if (!read_string(L, v, d.info.id)) problem("rule id must be a string");
    } else if (key == "title") {
      if (!read_string(L, v, d.info.title)) problem("rule title must be a string");
    } else if (key == "description") {
      if (!read_string(L, v, d.info.description)) problem("rule description must be a string");
    } else if (key == "runbook") {
      if (!read_string(L, v, d.info.runbook)) problem("rule runbook must be a string");
    } else if (key == "sev") {
      if (!read_string(L, v, sev_text)) problem("rule sev must be a string such as \"SEV1\"");
    } else if (key == "logsource") {
      has_logsource = true;
      if (!read_logsource(L, v, d.info.logsource, error)) problem(error);
    } else if (key == "tags") {
      if (!read_string_list(L, v, d.info.tags)) problem("rule tags must be a list of strings");
    } else if (key == "match") {
      has_match = true;
      if (lua_type(L, v) != LUA_TFUNCTION) problem("match must be a function(event)");
    } else if (key == "on_event") {
      has_on_event = true;
      if (lua_type(L, v) != LUA_TFUNCTION) problem("on_event must be a function(event, state)");
    } else if (key == "throttle") {
      LuaThrottle throttle;
      if (read_throttle(L, v, throttle, error)) {
        d.info.throttle = throttle;
      } else {
        problem(error);
      }
    } else if (key == "tests") {
      const lua_Integer n = lua_type(L, v) == LUA_TTABLE ? raw_sequence_length(L, v) : -1;
      if (n < 0) {
        problem("rule tests must be a list of test tables");
        return true;
      }
      for (lua_Integer i = 1; i <= n; ++i) {
        lua_rawgeti(L, v, i);
        LuaRuleTest test;
        test.mark = d.info.mark;
        if (read_test(L, lua_gettop(L), test, error)) {
          d.tests.push_back(std::move(test));
        } else {
          problem("tests[" + std::to_string(i) + "]: " + error);
        }
        lua_pop(L, 1);
      }
    } else if (key == "author" || key == "references" || key == "falsepositives" ||
               key == "status" || key == "date" || key == "modified") {
      // Sigma-style metadata: documentation only.
    } else {
      problem("unknown rule field '" + std::string(key) +
              "' (known: id, title, description, sev, logsource, tags, runbook, throttle, match, "
              "on_event, tests)");
    }
    return true;
  });
  if (d.info.id.empty()) {
    problem("rule{} needs an id");
  } else if (!valid_rule_id(d.info.id)) {
    problem("rule id '" + d.info.id + "' may use letters, digits and - _ . : / (at most 128)");
  }
  if (d.info.title.empty()) problem("rule '" + d.info.id + "' needs a title");
  if (sev_text.empty()) {
    problem("rule '" + d.info.id + "' needs a sev (SEV0..SEV4)");
  } else if (auto sev = parse_sev(sev_text)) {
    d.info.sev = *sev;
  } else {
    problem("rule sev '" + sev_text + "' is not one of SEV0..SEV4");
  }
  d.info.level = level_for_sev(d.info.sev);
  if (has_match == has_on_event) {
    problem("rule '" + d.info.id + "' needs exactly one of match = function(event) or " +
            "on_event = function(event, state)");
  }
  d.info.stateful = has_on_event;
  if (!has_logsource) {
    problem("rule '" + d.info.id + "' needs a logsource (e.g. { product = \"aws\" })");
  } else if (d.info.logsource.empty()) {
    host.load_problem(Diagnostic::Severity::kWarning, "lua.logsource", line,
                      "rule '" + d.info.id + "' has an empty logsource: it sees every event");
  }
  for (LuaRuleTest& t : d.tests) t.rule_id = d.info.id;
  return d;
}

bool read_alert_spec(lua_State* L, int idx, RuleHost& host, AlertSpec& out, std::string& error) {
  bool ok = true;
  const auto fail = [&](std::string message) {
    if (ok) error = std::move(message);
    ok = false;
    return false;
  };
  raw_for_each(L, idx, [&](int k, int v) {
    std::string_view key;
    if (!raw_string(L, k, key)) return fail("alert{} takes named fields");
    std::string problem;
    if (key == "title") {
      if (!read_string(L, v, out.title)) return fail("title must be a string");
      if (out.title.size() > kMaxTitleBytes) {
        return fail("title longer than " + std::to_string(kMaxTitleBytes) + " bytes");
      }
    } else if (key == "sev") {
      std::string text;
      read_string(L, v, text);
      out.sev = parse_sev(text);
      if (!out.sev) return fail("sev must be one of SEV0..SEV4");
    } else if (key == "group") {
      if (!read_pairs(L, v, out.group, "group", problem)) return fail(problem);
    } else if (key == "fields") {
      if (!read_pairs(L, v, out.fields, "fields", problem)) return fail(problem);
    } else if (key == "events") {
      const lua_Integer n = lua_type(L, v) == LUA_TTABLE ? raw_sequence_length(L, v) : -1;
      if (n < 0) return fail("events must be a list");
      const lua_Integer keep =
          std::min<lua_Integer>(n, static_cast<lua_Integer>(host.limits.max_events_per_alert));
      for (lua_Integer i = 1; i <= keep; ++i) {
        lua_rawgeti(L, v, i);
        std::string json;
        const bool item_ok = read_alert_event(L, lua_gettop(L), host, json, problem);
        lua_pop(L, 1);
        if (!item_ok) return fail("events[" + std::to_string(i) + "]: " + problem);
        if (json.size() > kMaxEventBytes) {
          return fail("events[" + std::to_string(i) + "] is larger than " +
                      std::to_string(kMaxEventBytes) + " bytes");
        }
        out.events.push_back(std::move(json));
      }
    } else if (key == "count") {
      if (!lua_isinteger(L, v) || lua_tointeger(L, v) < 1) {
        return fail("count must be a whole number >= 1");
      }
      out.count = static_cast<uint64_t>(lua_tointeger(L, v));
    } else if (key == "key") {
      if (!scalar_text(L, v, out.key)) return fail("key must be a string or number");
      if (out.key.size() > kMaxValueBytes) return fail("key is too long");
    } else {
      return fail("unknown alert field '" + std::string(key) +
                  "' (known: title, sev, group, fields, events, count, key)");
    }
    return true;
  });
  return ok;
}

}  // namespace lua
}  // namespace tripline
