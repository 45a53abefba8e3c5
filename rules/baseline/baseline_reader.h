#pragma once
#include <yaml-cpp/yaml.h>

#include <string>

#include "core/diagnostic.h"
#include "rules/sigma/sigma_ast.h"

namespace tripline::baseline {

// Reads a `baseline:` document (Tripline extension, docs/rule-writing.md "Baselines"):
//
//   title: AccessDenied spike per principal
//   id: <uuid>
//   level: medium
//   baseline:
//     type: rate_spike                 # rate_spike | first_seen | ratio
//     rules: [aws-access-denied]       # ids or names of the rules whose matches count
//     group-by: [userIdentity.arn]
//     window: 5m
//     ...type-specific keys...
//   tests: [...]
//
// Errors carry file:line:col and codes rules.baseline / config.*; returns false on any.
bool read_baseline(const YAML::Node& doc, const std::string& file, Diagnostics& diags,
                   sigma::Baseline& out);

}  // namespace tripline::baseline
