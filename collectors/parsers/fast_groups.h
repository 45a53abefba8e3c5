#pragma once
#include <array>
#include <cstddef>
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

// Scanning steps the fast matchers share (a namespace of their own: parsers keep local helpers
// of the same names).
namespace fast_scan {
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
// The end of the token (run of non-space bytes) that starts at i.
inline size_t token_end(std::string_view s, size_t i) {
  while (i < s.size() && s[i] != ' ') ++i;
  return i;
}
}  // namespace fast_scan

}  // namespace tripline
