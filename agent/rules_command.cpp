// `tripline rules lint|test PATH...`: compile rule files and directories, report problems with
// file:line:col and stable codes, and run the tests embedded in rules.
#include <iostream>
#include <optional>

#include "agent/commands.h"
#include "agent/config_source.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "rules/lua/lua_rule_tests.h"
#include "rules/rule_loader.h"
#include "rules/sigma/rule_tests.h"

namespace tripline {
namespace {

constexpr const char* kUsage =
    "usage: tripline rules lint [--json] [--errors-only] [-c CONFIG] PATH...\n"
    "       tripline rules test [-v] [-c CONFIG] PATH...\n"
    "  -c CONFIG      take rules.placeholders, rules.severity and rules.limits from CONFIG\n"
    "  --json         lint: one JSON report on stdout\n"
    "  --errors-only  lint: do not print warnings\n"
    "  -v             test: list every test case, not only failures\n";

struct RulesArgs {
  std::string action;
  std::vector<std::string> paths;
  std::optional<std::string> config;
  bool json = false;
  bool errors_only = false;
  bool verbose = false;
};

bool parse_args(const std::vector<std::string>& args, RulesArgs& out, std::string& error) {
  if (args.empty()) {
    error = "missing action (lint or test)";
    return false;
  }
  out.action = args[0];
  if (out.action != "lint" && out.action != "test") {
    error = "unknown action '" + out.action + "'";
    return false;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json" && out.action == "lint") {
      out.json = true;
    } else if (a == "--errors-only" && out.action == "lint") {
      out.errors_only = true;
    } else if ((a == "-v" || a == "--verbose") && out.action == "test") {
      out.verbose = true;
    } else if (a == "-c" || a == "--config") {
      if (i + 1 >= args.size()) {
        error = a + " needs a file";
        return false;
      }
      out.config = args[++i];
    } else if (a.rfind("--config=", 0) == 0) {
      out.config = a.substr(9);
    } else if (a == "--") {
      out.paths.insert(out.paths.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    } else if (!a.empty() && a[0] == '-') {
      error = "unknown option '" + a + "'";
      return false;
    } else {
      out.paths.push_back(a);
    }
  }
  if (out.paths.empty()) {
    error = "no rule files or directories given";
    return false;
  }
  return true;
}

// The rules section of a config (placeholders, severity, limits), with the paths from the
// command line instead of its own.
bool rules_config(const RulesArgs& args, RulesConfig& out, Diagnostics& diags) {
  if (args.config) {
    Config config = load_config_file(*args.config, diags);
    if (diags.has_errors()) return false;
    out = config.rules;
  }
  out.paths = args.paths;
  if (out.mark.file.empty()) out.mark.file = "<command line>";
  return true;
}

int lint(const RulesArgs& args) {
  Diagnostics config_diags;
  RulesConfig config;
  if (!rules_config(args, config, config_diags)) {
    for (const Diagnostic& d : config_diags.items) std::cerr << d.to_string() << "\n";
    return kExitFailure;
  }
  RuleLoadOptions options;
  options.placeholders_required = args.config.has_value();
  RuleLoadResult r = load_rules(config, "", options);
  const size_t errors = r.diagnostics.error_count();
  const size_t warnings = r.diagnostics.items.size() - errors;
  if (args.json) {
    JsonWriter w;
    w.begin_object();
    w.key("files").value(static_cast<uint64_t>(r.file_count));
    w.key("rules").value(static_cast<uint64_t>(r.rule_count));
    w.key("errors").value(static_cast<uint64_t>(errors));
    w.key("warnings").value(static_cast<uint64_t>(warnings));
    w.key("diagnostics").begin_array();
    for (const Diagnostic& d : r.diagnostics.items) {
      if (args.errors_only && d.severity != Diagnostic::Severity::kError) continue;
      w.raw_json(d.to_json());
    }
    w.end_array();
    w.end_object();
    std::cout << w.str() << "\n";
  } else {
    for (const Diagnostic& d : r.diagnostics.items) {
      if (args.errors_only && d.severity != Diagnostic::Severity::kError) continue;
      std::cout << d.to_string() << "\n";
    }
    std::cerr << "lint: " << r.file_count << " files, " << r.rule_count << " rules, " << errors
              << " errors, " << warnings << " warnings\n";
  }
  return errors ? kExitFailure : kExitOk;
}

int test(const RulesArgs& args) {
  // Rule authors see their Lua rules' log() lines (debug level: they may quote events).
  if (args.verbose) log::set_level(log::Level::kDebug);
  Diagnostics config_diags;
  RulesConfig config;
  if (!rules_config(args, config, config_diags)) {
    for (const Diagnostic& d : config_diags.items) std::cerr << d.to_string() << "\n";
    return kExitFailure;
  }
  RuleLoadResult r = load_rules(config, "", RuleLoadOptions{});
  for (const Diagnostic& d : r.diagnostics.items) {
    if (d.severity == Diagnostic::Severity::kError) std::cerr << d.to_string() << "\n";
  }
  if (!r.rule_set) {
    std::cerr << "rules test: the rules do not load (" << r.diagnostics.error_count()
              << " errors); no test ran\n";
    return kExitFailure;
  }
  const sigma::TestReport report = sigma::run_rule_tests(*r.rule_set);
  // Lua rules' `tests` tables run next to the YAML `tests:`, under one summary.
  LuaTestReport lua;
  if (r.lua_rules) lua = run_lua_rule_tests(*r.lua_rules);
  std::cout << sigma::format_report(report, args.verbose, false)
            << format_lua_test_report(lua, args.verbose, false) << "rules test: "
            << report.rules + lua.rules << " rules, "
            << report.passed + report.failed + lua.passed + lua.failed << " tests, "
            << report.passed + lua.passed << " passed, " << report.failed + lua.failed
            << " failed, " << report.rules_without_tests + lua.rules_without_tests
            << " rules without tests\n";
  return report.failed || lua.failed ? kExitFailure : kExitOk;
}

}  // namespace

int rules_command(const std::vector<std::string>& args) {
  RulesArgs parsed;
  std::string error;
  if (!parse_args(args, parsed, error)) {
    std::cerr << "tripline rules: " << error << "\n" << kUsage;
    return kExitUsage;
  }
  return parsed.action == "lint" ? lint(parsed) : test(parsed);
}

}  // namespace tripline
