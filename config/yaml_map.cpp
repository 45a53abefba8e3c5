#include "config/yaml_map.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace tripline {

SourceMark mark_of(const YAML::Node& node, const std::string& file) {
  const YAML::Mark m = node.Mark();
  return {file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0};
}

YamlMap::YamlMap(const YAML::Node& node, std::string what, std::string file, Diagnostics& diags,
                 std::initializer_list<std::string> already_known)
    : node_(node), what_(std::move(what)), file_(std::move(file)), diags_(diags),
      known_(already_known) {
  if (!node_.IsMap()) {
    const SourceMark m = tripline::mark_of(node_, file_);
    diags_.error("config.type", file_, m.line, m.column, what_ + " must be a mapping");
    valid_ = false;
  }
}

YamlMap::~YamlMap() { finish(); }

bool YamlMap::has(const std::string& key) const {
  const YAML::Node& n = node_;
  return valid_ && n[key].IsDefined();
}

SourceMark YamlMap::mark() const { return tripline::mark_of(node_, file_); }

SourceMark YamlMap::mark_of(const std::string& key) const {
  if (!valid_) return mark();
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.Scalar() == key) return tripline::mark_of(it->first, file_);
  }
  return mark();
}

void YamlMap::error(const std::string& key, const std::string& code, const std::string& message) {
  const SourceMark m = key.empty() ? mark() : mark_of(key);
  diags_.error(code, file_, m.line, m.column, message);
}

void YamlMap::type_error(const std::string& key, const char* expected) {
  const YAML::Node& n = node_;
  const SourceMark m = valid_ && n[key].IsDefined() ? tripline::mark_of(n[key], file_) : mark();
  diags_.error("config.type", file_, m.line, m.column,
               what_ + "." + key + " must be " + expected);
}

const YAML::Node* YamlMap::lookup(const std::string& key, bool required) {
  known_.insert(key);
  if (!valid_) return nullptr;
  const YAML::Node& n = node_;
  const YAML::Node value = n[key];  // a missing key yields an invalid node: never reset() to it
  if (!value.IsDefined() || value.IsNull()) {
    if (required) {
      const SourceMark m = mark();
      diags_.error("config.missing-key", file_, m.line, m.column,
                   what_ + ": required key '" + key + "' is missing");
    }
    return nullptr;
  }
  scratch_.reset(value);
  return &scratch_;
}

bool YamlMap::get(const std::string& key, std::string& out, bool required) {
  const YAML::Node* n = lookup(key, required);
  if (!n) return false;
  if (!n->IsScalar()) {
    type_error(key, "a string");
    return false;
  }
  out = n->Scalar();
  return true;
}

bool YamlMap::get(const std::string& key, bool& out, bool required) {
  const YAML::Node* n = lookup(key, required);
  if (!n) return false;
  if (!n->IsScalar() || !YAML::convert<bool>::decode(*n, out)) {
    type_error(key, "true or false");
    return false;
  }
  return true;
}

bool YamlMap::get(const std::string& key, int& out, bool required) {
  const YAML::Node* n = lookup(key, required);
  if (!n) return false;
  const std::string& s = n->Scalar();
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!n->IsScalar() || ec != std::errc() || p != s.data() + s.size()) {
    type_error(key, "an integer");
    return false;
  }
  out = v;
  return true;
}

bool YamlMap::get(const std::string& key, uint64_t& out, bool required) {
  const YAML::Node* n = lookup(key, required);
  if (!n) return false;
  const std::string& s = n->Scalar();
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!n->IsScalar() || ec != std::errc() || p != s.data() + s.size()) {
    type_error(key, "a non-negative integer");
    return false;
  }
  out = v;
  return true;
}

bool YamlMap::get(const std::string& key, double& out, bool required) {
  const YAML::Node* n = lookup(key, required);
  if (!n) return false;
  if (!n->IsScalar() || !YAML::convert<double>::decode(*n, out)) {
    type_error(key, "a number");
    return false;
  }
  return true;
}

bool YamlMap::get(const std::string& key, std::vector<std::string>& out, bool required) {
  const YAML::Node* n = lookup(key, required);
  if (!n) return false;
  if (n->IsScalar()) {
    out = {n->Scalar()};
    return true;
  }
  if (!n->IsSequence()) {
    type_error(key, "a list of strings");
    return false;
  }
  out.clear();
  for (const auto& item : *n) {
    if (!item.IsScalar()) {
      type_error(key, "a list of strings");
      return false;
    }
    out.push_back(item.Scalar());
  }
  return true;
}

bool YamlMap::parse_duration(const std::string& text, std::chrono::milliseconds& out) {
  double value = 0;
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  if (i == 0) return false;
  try {
    value = std::stod(text.substr(0, i));
  } catch (...) {
    return false;
  }
  const std::string unit = text.substr(i);
  double ms;
  if (unit.empty() || unit == "s") ms = value * 1000;
  else if (unit == "ms") ms = value;
  else if (unit == "m") ms = value * 60000;
  else if (unit == "h") ms = value * 3600000;
  else if (unit == "d") ms = value * 86400000;
  else return false;
  // Past int64 milliseconds (~292 million years) the conversion would be undefined: no duration.
  if (!std::isfinite(ms) || ms < 0 || ms >= static_cast<double>(std::numeric_limits<int64_t>::max())) {
    return false;
  }
  out = std::chrono::milliseconds(static_cast<int64_t>(ms));
  return true;
}

bool YamlMap::parse_size(const std::string& text, uint64_t& out) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0) return false;
  uint64_t value = 0;
  std::from_chars(text.data(), text.data() + i, value);
  std::string unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  static const std::pair<const char*, uint64_t> kUnits[] = {
      {"", 1},          {"B", 1},          {"KiB", 1ULL << 10}, {"MiB", 1ULL << 20},
      {"GiB", 1ULL << 30}, {"kB", 1000},   {"KB", 1000},        {"MB", 1000000},
      {"GB", 1000000000}};
  for (const auto& [name, mult] : kUnits) {
    if (unit == name) {
      out = value * mult;
      return true;
    }
  }
  return false;
}

bool YamlMap::get_duration(const std::string& key, std::chrono::milliseconds& out, bool required) {
  std::string s;
  if (!get(key, s, required)) return false;
  if (!parse_duration(s, out)) {
    type_error(key, "a duration such as 250ms, 30s, 5m, 2h");
    return false;
  }
  return true;
}

bool YamlMap::get_size(const std::string& key, uint64_t& out, bool required) {
  std::string s;
  if (!get(key, s, required)) return false;
  if (!parse_size(s, out)) {
    type_error(key, "a size such as 512, 64KiB, 10MiB");
    return false;
  }
  return true;
}

bool YamlMap::get_secret(const std::string& key, std::string& out, bool required) {
  const std::string file_key = key + "_file";
  std::string path;
  const bool inline_given = get(key, out, false);
  const bool file_given = get(file_key, path, false);
  if (inline_given && file_given) {
    error(key, "config.conflict", what_ + ": give either '" + key + "' or '" + file_key + "'");
    return false;
  }
  if (file_given) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error(file_key, "config.secret-file",
            what_ + "." + file_key + ": cannot read secret file " + path);
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return true;
  }
  if (!inline_given && required) {
    const SourceMark m = mark();
    diags_.error("config.missing-key", file_, m.line, m.column,
                 what_ + ": '" + key + "' or '" + file_key + "' is required");
  }
  return inline_given;
}

bool YamlMap::get_enum(const std::string& key, std::string& out,
                       const std::vector<std::string>& allowed, bool required) {
  std::string s;
  if (!get(key, s, required)) return false;
  for (const auto& a : allowed) {
    if (a == s) {
      out = s;
      return true;
    }
  }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : "|") + a;
  type_error(key, ("one of " + list).c_str());
  return false;
}

bool YamlMap::get_string_map(const std::string& key,
                             std::vector<std::pair<std::string, std::string>>& out) {
  const YAML::Node* n = lookup(key, false);
  if (!n) return false;
  if (!n->IsMap()) {
    type_error(key, "a mapping of names to strings");
    return false;
  }
  out.clear();
  for (auto it = n->begin(); it != n->end(); ++it) {
    if (!it->second.IsScalar()) {
      type_error(key + "." + it->first.Scalar(), "a string");
      return false;
    }
    out.emplace_back(it->first.Scalar(), it->second.Scalar());
  }
  return true;
}

YAML::Node YamlMap::node(const std::string& key) {
  known_.insert(key);
  const YAML::Node& n = node_;
  // Absent keys come back as a null node, never as yaml-cpp's invalid node that throws on use.
  if (!valid_ || !n[key].IsDefined()) return YAML::Node();
  return n[key];
}

void YamlMap::finish() {
  if (finished_ || !valid_) return;
  finished_ = true;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (!known_.count(key)) {
      const SourceMark m = tripline::mark_of(it->first, file_);
      diags_.error("config.unknown-key", file_, m.line, m.column,
                   what_ + ": unknown key '" + key + "'");
    }
  }
}

}  // namespace tripline
