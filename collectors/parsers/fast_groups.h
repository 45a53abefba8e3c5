#pragma once
#include <array>
#include <string_view>

namespace tripline {

// Submatches as RE2 reports them: group i is unset (null data) when it took no part.
struct FastGroups {
  std::array<std::string_view, 8> group{};
  bool matched(int i) const { return group[static_cast<size_t>(i)].data() != nullptr; }
};

// The bytes RE2's \s matches ([\t\n\f\r ]) other than the space, plus \v for good measure. With
// none of them present, `\S` is "not a space", `\s` is the space and `.` (which stops only at \n)
// is any byte: the fast matchers decide only such text.
inline bool only_space_whitespace(std::string_view s) {
  for (char c : s) {
    if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') return false;
  }
  return true;
}

}  // namespace tripline
