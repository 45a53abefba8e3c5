#pragma once
#include <re2/re2.h>

#include <array>
#include <string_view>

#include "collectors/parsers/fast_groups.h"

namespace tripline {

// Line patterns are matched byte-wise (Latin-1): log lines carry arbitrary bytes and a name with
// invalid UTF-8 must still match `.` and `\S` rather than make the whole line unrecognised.
inline RE2::Options line_pattern_options() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  return o;
}

// Submatches of one whole-text RE2 match; group 0 is the text. Holds views into the text.
template <int MaxGroups>
class ReGroups {
 public:
  bool full_match(const RE2& re, std::string_view text) {
    int n = 1 + re.NumberOfCapturingGroups();
    if (n > MaxGroups + 1) n = MaxGroups + 1;
    groups_.fill(re2::StringPiece());
    return re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::ANCHOR_BOTH,
                    groups_.data(), n);
  }
  // Through an exact fast path (sshd_fast_match.h, pam_fast_match.h) when it decides, else RE2.
  bool full_match(const RE2& re, std::string_view text,
                  bool (*fast)(std::string_view, FastGroups&)) {
    FastGroups f;
    if (fast(text, f)) {
      assign(f.group);
      return true;
    }
    return full_match(re, text);
  }
  // Takes submatches found without RE2 (an exact fast path): null data marks an unset group.
  template <size_t N>
  void assign(const std::array<std::string_view, N>& groups) {
    groups_.fill(re2::StringPiece());
    for (size_t i = 0; i < N && i < groups_.size(); ++i) {
      groups_[i] = re2::StringPiece(groups[i].data(), groups[i].size());
    }
  }
  std::string_view operator[](int i) const { return {groups_[i].data(), groups_[i].size()}; }
  // False for an optional group that did not take part in the match.
  bool matched(int i) const { return groups_[i].data() != nullptr; }

 private:
  std::array<re2::StringPiece, MaxGroups + 1> groups_;
};

}  // namespace tripline
