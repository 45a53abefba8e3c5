#pragma once
#include <string>
#include <string_view>

namespace tripline::sigma {

// A rule id derived from its title for rules without `id:` ("SSH brute force" → "ssh-brute-force");
// `fallback` when the title has no letters or digits.
std::string rule_slug(std::string_view title, std::string_view fallback);

}  // namespace tripline::sigma
