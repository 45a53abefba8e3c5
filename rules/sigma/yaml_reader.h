#pragma once
#include <string>

#include "core/diagnostic.h"
#include "rules/sigma/sigma_ast.h"

namespace tripline::sigma {

// Reads every YAML document of a rule file into `out`: detection rules, filters, correlation
// rules and logsource mappings, told apart by their top-level keys. Structural problems are
// errors with file:line:col; unknown top-level keys are warnings (Sigma allows custom fields).
// A document with errors is left out of `out`; the others still are.
void read_file(const std::string& path, DocumentSet& out, Diagnostics& diags);
void read_text(const std::string& text, const std::string& file, DocumentSet& out,
               Diagnostics& diags);

}  // namespace tripline::sigma
