#pragma once
#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tripline {

// Replaces known raw values wherever else they appear in an alert: a user name hashed in
// `user.name` also sits inside `event.original`, `message` and maybe the title a rule built. A
// value at least `min_substring` bytes long is replaced anywhere inside longer strings; a shorter
// one only where it stands as a word of its own (a user "bob" in "for bob from", but not the
// "22" inside "2022"); a one-byte value only where it is the whole string.
// Replacement is one left-to-right pass over the input, longest match first, so a replacement is
// never scanned again (a token's hex cannot be mistaken for a raw value).
class ValueScrubber {
 public:
  explicit ValueScrubber(size_t min_substring) : min_substring_(min_substring) {}

  // A value to replace. A pseudonym (`keep_first` false) replaces an earlier marker for the same
  // value: a value both hashed somewhere and dropped elsewhere reads as its token everywhere.
  void add(std::string_view raw, std::string replacement, bool is_pseudonym);

  bool empty() const { return exact_.empty(); }
  // The replacement when `s` as a whole is a known value.
  const std::string* exact(std::string_view s) const;
  // `s` with every known value replaced.
  std::string scrub(std::string_view s) const;

 private:
  struct Entry {
    std::string replacement;
    bool pseudonym;
  };
  size_t min_substring_;
  std::unordered_map<std::string, Entry> exact_;
  // Substring candidates by first byte, longest first.
  struct Candidate {
    std::string value;
    bool whole_word;  // shorter than min_substring_: must stand between non-word bytes
  };
  std::array<std::vector<Candidate>, 256> by_first_byte_;
};

}  // namespace tripline
