#pragma once
#include <re2/re2.h>
#include <simdjson.h>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/alert.h"
#include "core/diagnostic.h"
#include "core/event.h"
#include "rules/lua/lua_limits.h"
#include "rules/lua/lua_rule_types.h"
#include "rules/lua/lua_vm.h"
#include "rules/lua/rule_state_store.h"

namespace tripline::lua {

// What one alert{...} call asked for.
struct AlertSpec {
  std::string title;  // empty: the rule's title
  std::optional<Sev> sev;
  std::vector<std::pair<std::string, std::string>> group;   // sorted by key
  std::vector<std::pair<std::string, std::string>> fields;  // sorted by key
  std::vector<std::string> events;  // JSON documents; empty: the event being evaluated
  uint64_t count = 1;
  std::string key;  // optional identity: the same key gives the same alert_id
};

// One rule{...} declaration, as read at load.
struct RuleDecl {
  LuaRuleInfo info;
  std::vector<LuaRuleTest> tests;
  bool valid = true;
};

// The context of one lua_State running one rule file: what the API functions (rule, alert,
// event, state, helpers) reach through LuaVm::owner(). Used by one thread at a time, like the
// state itself.
class RuleHost {
 public:
  RuleHost(LuaVm& vm, std::string file, const LuaLimits& limits)
      : vm(vm), file(std::move(file)), limits(limits) {}

  static RuleHost& of(lua_State* L) { return *static_cast<RuleHost*>(LuaVm::from(L)->owner()); }

  LuaVm& vm;
  const std::string file;
  const LuaLimits limits;  // a copy: the loader's options do not outlive the state

  // While the file's top level runs: rule{} appends here, problems go to load_diags.
  bool loading = false;
  std::vector<RuleDecl> decls;
  Diagnostics load_diags;
  // A top level that calls rule{} in a loop could report a problem per iteration (within the
  // load budget, hundreds of thousands): the first kMaxLoadProblems are kept, the rest counted
  // and reported as one summary, as compilers stop after their first errors.
  static constexpr size_t kMaxLoadProblems = 20;
  // Declarations are C++ copies outside the Lua memory cap, and every one runs on each event it
  // routes to: a file declaring more than this (a loop gone wrong) fails to load.
  static constexpr size_t kMaxRulesPerFile = 1000;
  size_t load_problems_dropped = 0;
  bool load_error_dropped = false;
  void load_problem(Diagnostic::Severity severity, const char* code, int line,
                    std::string message) {
    if (load_diags.items.size() >= kMaxLoadProblems) {
      ++load_problems_dropped;
      load_error_dropped |= severity == Diagnostic::Severity::kError;
      return;
    }
    if (severity == Diagnostic::Severity::kError) {
      load_diags.error(code, file, line, 0, std::move(message));
    } else {
      load_diags.warning(code, file, line, 0, std::move(message));
    }
  }

  // While a rule evaluates an event.
  const Event* event = nullptr;
  int rule = -1;
  int64_t now_ms = 0;                   // the event's time: the clock of state TTLs
  std::vector<RuleStateStore*> stores;  // by rule index; null for match rules
  std::vector<AlertSpec> alerts;
  // Registry references of each rule's function and `state` object (LUA_NOREF for none).
  std::vector<int> function_refs;
  std::vector<int> state_refs;

  // Working memory of the helpers, owned here so no C++ object sits in a frame a Lua error
  // could unwind.
  simdjson::dom::parser json;
  std::string error;  // text a C function raises once its C++ work is done
  StateValue value;
  void* event_userdata = nullptr;  // identity of the `event` object (alert{events = {event}})

  // The compiled pattern (cached; at most kMaxRegexes kept). Null with `error` set when the
  // pattern does not compile.
  const RE2* regex(std::string_view pattern);
  // The FieldPath of a field name, cached by the address of the Lua string (rules read the
  // same literal names for every event) and checked by content. May throw std::bad_alloc.
  const FieldPath& field_path(const char* name, size_t len);
  // Rate limit of log(): true while this minute's allowance lasts.
  bool allow_log_line();
  std::string_view current_rule_id() const {
    return rule >= 0 && rule < static_cast<int>(decls.size())
               ? std::string_view(decls[rule].info.id)
               : std::string_view();
  }

  static constexpr size_t kMaxRegexes = 256;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<RE2>, Hash, std::equal_to<>> regexes_;
  struct FieldSlot {
    const char* name = nullptr;
    std::string text;
    FieldPath path;
  };
  std::array<FieldSlot, 64> field_paths_;
  std::chrono::steady_clock::time_point log_window_{};
  uint32_t log_lines_ = 0;
  uint64_t log_dropped_ = 0;
};

// lua_CFunction: adds the rule API to the sandbox built-ins (rule, alert, re_match, cidr_match,
// json_decode, url_decode, parse_time, log, json_null) and creates the `event` object. Run
// through LuaVm::call after open_sandbox.
int open_rule_api(lua_State* L);
// lua_CFunction: after the top level ran, indexes every declared rule's function (and a
// `state` object for stateful rules) so an evaluation pushes them without allocating.
int index_declared_rules(lua_State* L);
// Pushes, without allocating, the function of rule `index` (0-based), the `event` object and,
// for stateful rules, its `state` object. Returns the number of arguments pushed after the
// function, or -1 when the stack cannot grow.
int push_rule_call(lua_State* L, int index, bool stateful);

// Adds the helper functions (re_match, cidr_match, json_decode, url_decode, parse_time, log,
// json_null) to the table at `table`.
void add_helpers(lua_State* L, int table);

// Reads the table of a rule{...} call (raw access; never raises). Problems are reported in
// host.load_diags at the call's line; returns the declaration (valid = false on errors).
RuleDecl read_rule_decl(lua_State* L, int idx, RuleHost& host, int line);

// Reads the table of an alert{...} call (raw access; never raises). False with `error`.
bool read_alert_spec(lua_State* L, int idx, RuleHost& host, AlertSpec& out, std::string& error);

}  // namespace tripline::lua
