#include "rules/sigma/rule_slug.h"

#include <cctype>

namespace tripline::sigma {

std::string rule_slug(std::string_view title, std::string_view fallback) {
  std::string out;
  for (char c : title) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out.push_back(static_cast<char>(std::tolower(u)));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? std::string(fallback) : out;
}

}  // namespace tripline::sigma
