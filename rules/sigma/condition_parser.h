#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "rules/sigma/sigma_ast.h"

namespace tripline::sigma {

// Parsed Sigma condition, before search identifiers are resolved.
//   expr   := and ('or' and)*          precedence: or < and < not < x of < ( )
//   and    := unary ('and' unary)*
//   unary  := 'not' unary | '(' expr ')' | quant | IDENT
//   quant  := (NUMBER | 'all' | 'any') 'of' (PATTERN | 'them')
struct ConditionNode {
  enum class Kind { kAnd, kOr, kNot, kIdentifier, kOf } kind = Kind::kIdentifier;
  std::string name;   // identifier, or the `x of` pattern ("them" for all identifiers)
  int count = 1;      // kOf: how many must hold; 0 means all
  std::vector<ConditionNode> children;
  int column = 0;     // 1-based column in the condition text
};

// Errors (with the column of the offending token) go to `diags` at `cond.mark`. The deprecated
// aggregation syntax (`| count() by x > 5`, `near`) is rejected with a pointer to correlation
// rules. `max_depth` bounds nesting so hostile input cannot exhaust the stack.
std::optional<ConditionNode> parse_condition(const Condition& cond, Diagnostics& diags,
                                             int max_depth = 64);

}  // namespace tripline::sigma
