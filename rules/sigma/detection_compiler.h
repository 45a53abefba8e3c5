#pragma once
#include <string>

#include "core/diagnostic.h"
#include "rules/sigma/engine_limits.h"
#include "rules/sigma/eval_tree.h"
#include "rules/sigma/field_mapping.h"
#include "rules/sigma/sigma_ast.h"
#include "rules/sigma/sigma_string.h"

namespace tripline::sigma {

// What compiling one detection needs to know besides the detection itself.
struct CompileEnv {
  const LogSourceCatalog& catalog;
  LogSource logsource;   // the rule's: selects the field mapping
  std::string taxonomy;
  const PlaceholderLookup& placeholders;
  // A placeholder without configured values: an error (agent, check) or a warning and a value
  // that matches nothing (lint, where no deployment config is known).
  bool placeholders_required = true;
  const EngineLimits& limits;
};

// Detection → evaluation tree: search identifiers compiled once each, the condition(s) parsed
// and resolved against them. Returns null after reporting errors.
NodePtr compile_detection(const Detection& detection, const CompileEnv& env, Diagnostics& diags);

// One `field|modifiers: values` (or a keyword list when the field name is empty).
NodePtr compile_field(const FieldSpec& spec, const CompileEnv& env, Diagnostics& diags);
// A list of keywords searched in the raw event (OR-linked).
NodePtr compile_keywords(const std::vector<Value>& keywords, const CompileEnv& env,
                         Diagnostics& diags);

}  // namespace tripline::sigma
