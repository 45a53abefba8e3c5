#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace tripline::sigma {

// A Sigma string value after wildcard parsing: literal bytes and the wildcards `*` and `?`.
// Value modifiers (contains, wide, base64, windash, ...) transform it before it is compiled into
// a Pattern.
struct SigmaString {
  struct Part {
    enum Kind : unsigned char { kLiteral, kStar, kAnyChar } kind = kLiteral;
    std::string text;  // kLiteral only
  };
  std::vector<Part> parts;

  // Parses Sigma escaping: `\*` `\?` `\\` escape, any other backslash is literal, unescaped `*`
  // and `?` are wildcards.
  static SigmaString parse(std::string_view raw);
  static SigmaString literal(std::string_view text);

  bool has_wildcards() const;
  bool empty() const { return parts.empty(); }
  // Literal text when there are no wildcards.
  std::string plain() const;
  // Debug/diagnostic form with wildcards shown as * and ?.
  std::string display() const;

  void append_literal(std::string_view s);
  void prepend_star();
  void append_star();
  bool starts_with_star() const { return !parts.empty() && parts.front().kind == Part::kStar; }
  bool ends_with_star() const { return !parts.empty() && parts.back().kind == Part::kStar; }
};

// Encodings of the literal parts (wildcards kept). Input is UTF-8.
enum class Utf16 { kLe, kBe, kLeBom };
SigmaString encode_utf16(const SigmaString& s, Utf16 form);

std::string base64_encode(std::string_view bytes);
// The three shifted encodings Sigma's base64offset modifier produces.
std::vector<std::string> base64_offsets(std::string_view bytes);

// Every spelling of Windows command-line dashes (`-`, `/`, en dash, em dash, horizontal bar) at
// the positions Sigma's windash modifier rewrites (a dash or slash that starts a word). At most
// `limit` variants; returns false when more would be needed.
bool windash_variants(const SigmaString& s, size_t limit, std::vector<SigmaString>& out);

// Placeholder expansion (`expand` modifier): `%name%` is replaced by each configured value
// (parsed as Sigma strings, wildcards allowed); `\%` is a literal percent. Several placeholders
// multiply. Returns false with `missing` naming the first placeholder without values.
struct PlaceholderLookup {
  virtual ~PlaceholderLookup() = default;
  virtual const std::vector<std::string>* find(const std::string& name) const = 0;
};
bool expand_placeholders(std::string_view raw, const PlaceholderLookup& lookup, size_t limit,
                         std::vector<SigmaString>& out, std::string& missing);

}  // namespace tripline::sigma
