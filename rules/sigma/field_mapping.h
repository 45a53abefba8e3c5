#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/diagnostic.h"
#include "rules/sigma/sigma_ast.h"

namespace tripline::sigma {

// Logsource knowledge: how Sigma field names map onto each logsource's events, and which
// logsources an event of another logsource also counts as (sshd lines are auth events too).
// Built from the mapping YAML compiled into the binary (config/logsources/) plus any
// `logsource_mapping:` documents among the loaded rules, which take precedence.
class LogSourceCatalog {
 public:
  // The built-in mappings only.
  static LogSourceCatalog builtin(Diagnostics& diags);

  void add(LogSourceMapping mapping);  // later additions win over earlier ones

  // Event paths for a rule field. Mappings whose logsource the rule's lies within are consulted
  // from the most specific: an exact field entry first, then prefix rewrites; the field name
  // itself when nothing maps it.
  std::vector<std::string> paths_for(const LogSource& rule, const std::string& taxonomy,
                                     const std::string& field) const;

  // Whether a rule asking for `rule` sees events of `event`: each non-empty member must be
  // equal, directly or through a logsource the event's implies.
  bool routes(const LogSource& rule, const LogSource& event) const;

  // Built-in mapping documents (name, YAML text).
  static const std::vector<std::pair<std::string, std::string>>& embedded_files();

 private:
  std::vector<const LogSourceMapping*> applicable(const LogSource& rule,
                                                  const std::string& taxonomy) const;
  std::vector<LogSourceMapping> mappings_;
};

// `inner` lies within `outer`: every member `outer` sets, `inner` sets to the same value.
bool logsource_within(const LogSource& inner, const LogSource& outer);

}  // namespace tripline::sigma
