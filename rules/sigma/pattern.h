#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "rules/sigma/sigma_string.h"

namespace tripline::sigma {

// ASCII lower-casing (Sigma's case-insensitive matching; non-ASCII bytes compare exactly).
void ascii_lower(std::string_view in, std::string& out);
std::string ascii_lower(std::string_view in);

// A compiled Sigma string: exact, prefix, suffix and substring forms take fast paths; anything
// else is matched segment by segment (`*` between segments, `?` = one UTF-8 character).
// Case-insensitive patterns hold lower-cased text and are matched against lower-cased subjects.
class Pattern {
 public:
  enum class Kind : unsigned char { kExact, kPrefix, kSuffix, kContains, kAnything, kGlob };

  Pattern() = default;
  Pattern(const SigmaString& s, bool cased);

  // `text` is the subject as is, `lowered` its ascii_lower form (used unless cased).
  bool match(std::string_view text, std::string_view lowered) const {
    return match_prepared(cased_ ? text : lowered);
  }
  // Case-insensitive exact, prefix, suffix and anything patterns compared to `text` byte by byte,
  // folding as they go: no lower-cased copy of the subject. Other kinds need the copy.
  bool folds_in_place() const {
    return kind_ == Kind::kExact || kind_ == Kind::kPrefix || kind_ == Kind::kSuffix ||
           kind_ == Kind::kAnything;
  }
  bool match_folding(std::string_view text) const;
  bool cased() const { return cased_; }
  Kind kind() const { return kind_; }
  // The exact literal (lower-cased unless cased) when kind() == kExact.
  const std::string& literal() const { return needle_; }

 private:
  struct Segment {
    std::string text;           // literal bytes, '\0' marks a `?` position when has_any
    std::vector<bool> any;      // per byte of text: true where `?` stands
    bool has_any = false;
  };
  bool match_prepared(std::string_view s) const;
  bool match_glob(std::string_view s) const;
  static bool segment_at(const Segment& seg, std::string_view s, size_t pos, size_t& end);
  static bool find_segment(const Segment& seg, std::string_view s, size_t from, size_t& begin,
                           size_t& end);

  Kind kind_ = Kind::kExact;
  bool cased_ = false;
  std::string needle_;
  // kGlob: segments between stars; anchored at the start/end unless a star is there.
  std::vector<Segment> segments_;
  bool anchored_start_ = true;
  bool anchored_end_ = true;
};

}  // namespace tripline::sigma
