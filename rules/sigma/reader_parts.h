#pragma once
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "config/yaml_map.h"
#include "core/diagnostic.h"
#include "rules/sigma/sigma_ast.h"

namespace tripline::sigma {

// Pieces of the reader shared by its files (yaml_reader.cpp is the entry point).

inline SourceMark mark_at(const YAML::Node& node, const std::string& file) {
  return mark_of(node, file);
}
inline void error_at(Diagnostics& diags, const SourceMark& m, std::string code,
                     std::string message) {
  diags.error(std::move(code), m.file, m.line, m.column, std::move(message));
}
inline void warning_at(Diagnostics& diags, const SourceMark& m, std::string code,
                       std::string message) {
  diags.warning(std::move(code), m.file, m.line, m.column, std::move(message));
}

// Reports a key written twice in one mapping (YAML keeps both; which one wins differs between
// tools, so it is always an error). Returns false when there was one.
bool check_duplicate_keys(const YAML::Node& map, const std::string& what, const std::string& file,
                          Diagnostics& diags);

// Warns about keys outside `known` and marks them known so YamlMap does not report them again.
void warn_unknown_keys(YamlMap& m, const YAML::Node& node, const std::vector<std::string>& known,
                       const std::string& what, const std::string& file, Diagnostics& diags);

// A `logsource:` mapping (or "product/service/category").
bool read_logsource(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                    LogSourceSpec& out);

// `detection:` of a rule, or the body of a filter's `filter:` (`skip` names keys that are not
// search identifiers there, e.g. `rules`).
bool read_detection(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                    Detection& out, const std::vector<std::string>& skip = {});

// `tests:` (Tripline extension).
bool read_tests(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                std::vector<TestCase>& out);

// `throttle:` (Tripline extension): a duration or {window, max_alerts}.
void read_throttle(const YAML::Node& node, const std::string& file, Diagnostics& diags,
                   std::optional<Throttle>& out);

// YAML node → JSON text. Plain scalars that look like JSON numbers, booleans or null keep that
// type; quoted scalars are strings.
std::string yaml_to_json(const YAML::Node& node);

// Filters, correlation rules and logsource mappings.
bool read_filter(const YAML::Node& doc, const std::string& file, Diagnostics& diags, Filter& out);
bool read_correlation(const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                      Correlation& out);
bool read_mapping(const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                  LogSourceMapping& out);

// Title, id, name, status, ... shared by rules, filters and correlations.
void read_header(YamlMap& m, const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                 DocumentHeader& out);

}  // namespace tripline::sigma
