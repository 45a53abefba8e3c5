#pragma once
#include <string>
#include <string_view>

namespace tripline {

// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 when it is invalid
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
size_t utf8_sequence_length(std::string_view s, size_t i);
// `s` with every invalid byte replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s);

}  // namespace tripline
