#include "agent/replay_options.h"

#include <sstream>

#include "collectors/parsers/parser_factory.h"

namespace tripline {

bool parse_logsource_arg(const std::string& text, LogSource& out) {
  out = {};
  if (text.empty()) return false;
  if (text.find('=') == std::string::npos) {
    std::stringstream ss(text);
    std::getline(ss, out.product, '/');
    std::getline(ss, out.service, '/');
    std::getline(ss, out.category, '/');
    return !out.product.empty();
  }
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    const size_t eq = part.find('=');
    if (eq == std::string::npos) return false;
    const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "product") out.product = value;
    else if (key == "service") out.service = value;
    else if (key == "category") out.category = value;
    else return false;
  }
  return !out.empty();
}

bool parse_replay_options(const std::vector<std::string>& args, ReplayOptions& out,
                          std::string& error) {
  auto value_of = [&](size_t& i, const std::string& flag, std::string& value) {
    const std::string& a = args[i];
    if (a.rfind(flag + "=", 0) == 0) {
      value = a.substr(flag.size() + 1);
      return true;
    }
    if (a == flag) {
      if (i + 1 >= args.size()) {
        error = flag + " needs a value";
        return false;
      }
      value = args[++i];
      return true;
    }
    return false;
  };
  bool only_files = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string value;
    if (only_files) {
      out.files.push_back(a);
    } else if (a == "--") {
      only_files = true;
    } else if (value_of(i, "--rules", value)) {
      out.rule_paths.push_back(value);
    } else if (value_of(i, "--config", value) || value_of(i, "-c", value)) {
      out.config_path = value;
    } else if (value_of(i, "--format", value)) {
      bool known = value == "auto" || value == "syslog";
      for (const auto& f : parser_formats()) known = known || f == value;
      if (!known) {
        error = "unknown --format '" + value + "'";
        return false;
      }
      out.format = value;
    } else if (value_of(i, "--logsource", value)) {
      LogSource ls;
      if (!parse_logsource_arg(value, ls)) {
        error = "bad --logsource '" + value + "'";
        return false;
      }
      out.logsource = ls;
    } else if (a == "--no-progress") {
      out.progress = false;
    } else if (!error.empty()) {
      return false;
    } else if (a.size() > 1 && a[0] == '-') {
      error = "unknown option '" + a + "'";
      return false;
    } else {
      out.files.push_back(a);
    }
    if (!error.empty()) return false;
  }
  if (out.rule_paths.empty() && out.config_path.empty()) error = "--rules is required";
  else if (out.files.empty()) error = "no input FILE given";
  return error.empty();
}

}  // namespace tripline
