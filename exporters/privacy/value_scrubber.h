#pragma once
#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tripline {

// Replaces known raw values wherever else they appear in an alert: a user name hashed in
// `user.name` also sits inside `event.original`, `message` and maybe the title a rule built. A
// value at least `min_substring` bytes long is replaced inside longer strings too; a shorter one
// only where it is the whole string (a port "22" must not eat every "22" in a line).
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
  std::array<std::vector<std::string>, 256> by_first_byte_;
};

}  // namespace tripline
