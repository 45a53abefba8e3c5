#include <cctype>

#include "core/json_writer.h"
#include "rules/sigma/reader_parts.h"

namespace tripline::sigma {
namespace {

bool is_json_number(const std::string& s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (std::isdigit(static_cast<unsigned char>(s[i]))) {
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t digits = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == digits) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t digits = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == digits) return false;
  }
  return i == s.size();
}

void write_yaml(JsonWriter& w, const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) {
    w.null();
  } else if (node.IsMap()) {
    w.begin_object();
    for (auto it = node.begin(); it != node.end(); ++it) {
      w.key(it->first.Scalar());
      write_yaml(w, it->second);
    }
    w.end_object();
  } else if (node.IsSequence()) {
    w.begin_array();
    for (const YAML::Node& item : node) write_yaml(w, item);
    w.end_array();
  } else {
    const std::string& s = node.Scalar();
    if (node.Tag() == "!") {
      w.value(s);
    } else if (s == "true" || s == "True" || s == "TRUE") {
      w.value(true);
    } else if (s == "false" || s == "False" || s == "FALSE") {
      w.value(false);
    } else if (is_json_number(s)) {
      w.raw_json(s);
    } else {
      w.value(s);
    }
  }
}

bool read_event(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                std::vector<TestEvent>& out) {
  TestEvent ev;
  ev.mark = mark_at(node, file);
  if (node.IsMap()) {
    ev.text = yaml_to_json(node);
  } else if (node.IsScalar()) {
    ev.text = node.Scalar();  // a JSON document written as a string
  } else {
    error_at(diags, ev.mark, "rules.test", "a test event must be a mapping or a JSON string");
    return false;
  }
  out.push_back(std::move(ev));
  return true;
}

bool read_one_test(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                   TestCase& tc) {
  const size_t errors_before = diags.error_count();
  tc.mark = mark_at(node, file);
  YamlMap m(node, "test", file, diags);
  if (!m.valid()) return false;
  m.get("name", tc.name, true);
  int sources = 0;
  if (YAML::Node n = m.node("event"); n.IsDefined() && !n.IsNull()) {
    ++sources;
    read_event(n, file, diags, tc.events);
  }
  if (YAML::Node n = m.node("events"); n.IsDefined() && !n.IsNull()) {
    ++sources;
    if (!n.IsSequence() || n.size() == 0) {
      m.error("events", "rules.test", "test events must be a non-empty list");
    } else {
      for (const YAML::Node& e : n) read_event(e, file, diags, tc.events);
    }
  }
  if (YAML::Node n = m.node("log"); n.IsDefined() && !n.IsNull()) {
    ++sources;
    std::vector<std::string> lines;
    if (m.get("log", lines)) {
      for (size_t i = 0; i < lines.size(); ++i) {
        const YAML::Node line = n.IsSequence() ? n[i] : n;
        tc.events.push_back({lines[i], true, mark_at(line, file)});
      }
    }
  }
  if (sources != 1) {
    m.error("", "rules.test", "test '" + tc.name + "' needs exactly one of event, events, log");
  }
  std::string expect;
  const bool has_expect = m.get_enum("expect", expect, {"match", "no_match"});
  const bool has_count = m.get("expect_alerts", tc.expect_alerts);
  if (has_expect == has_count) {
    m.error("", "rules.test",
            "test '" + tc.name + "' needs exactly one of expect (match|no_match), expect_alerts");
  } else if (has_count) {
    tc.expect = TestCase::Expect::kAlerts;
  } else {
    tc.expect = expect == "match" ? TestCase::Expect::kMatch : TestCase::Expect::kNoMatch;
  }
  m.get("format", tc.format);
  if (YAML::Node n = m.node("logsource"); n.IsDefined() && !n.IsNull()) {
    LogSourceSpec ls;
    if (read_logsource(n, file, diags, ls)) tc.logsource = ls.logsource;
  }
  m.finish();
  return diags.error_count() == errors_before;
}

}  // namespace

std::string yaml_to_json(const YAML::Node& node) {
  JsonWriter w;
  write_yaml(w, node);
  return w.take();
}

bool read_tests(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                std::vector<TestCase>& out) {
  if (!node.IsSequence()) {
    error_at(diags, mark_at(node, file), "rules.test", "tests must be a list of test cases");
    return false;
  }
  bool ok = true;
  for (const YAML::Node& item : node) {
    TestCase tc;
    if (read_one_test(item, file, diags, tc)) {
      out.push_back(std::move(tc));
    } else {
      ok = false;
    }
  }
  return ok;
}

}  // namespace tripline::sigma
