#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tripline {

// One SD-PARAM of an RFC 5424 SD-ELEMENT; `value` is unescaped.
struct SdParam {
  std::string_view sd_id;
  std::string_view name;
  std::string value;
};

// Parses RFC 5424 STRUCTURED-DATA at the start of `s`: the NILVALUE "-" or one or more
// "[SD-ID (SP PARAM-NAME="VALUE")*]". In values, \" \\ and \] are unescaped and any other
// backslash is kept (RFC 5424 §6.3.3); a bare ']' inside quotes is taken as text, since common
// senders do not escape it. Returns the characters consumed, or 0 when `s` does not start with
// well-formed structured data (then `out` may hold the params read so far).
size_t parse_structured_data(std::string_view s, std::vector<SdParam>& out);

}  // namespace tripline
