#include "collectors/parsers/syslog_structured_data.h"

namespace tripline {
namespace {

// SD-NAME: printable US-ASCII except '=', SP, ']' and '"'. RFC 5424 caps it at 32 characters.
size_t sd_name_length(std::string_view s, size_t i) {
  size_t n = 0;
  while (i + n < s.size() && n <= 32) {
    const unsigned char c = static_cast<unsigned char>(s[i + n]);
    if (c <= 32 || c >= 127 || c == '=' || c == ']' || c == '"') break;
    ++n;
  }
  return n > 32 ? 0 : n;
}

// Reads a quoted PARAM-VALUE starting at the opening quote; returns the index after the closing
// quote, or 0 when the value is not terminated.
size_t read_value(std::string_view s, size_t i, std::string& out) {
  ++i;  // opening quote
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') return i + 1;
    if (c == '\\' && i + 1 < s.size()) {
      const char next = s[i + 1];
      if (next == '"' || next == '\\' || next == ']') {
        out.push_back(next);
        i += 2;
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
  return 0;
}

}  // namespace

size_t parse_structured_data(std::string_view s, std::vector<SdParam>& out) {
  if (s.empty()) return 0;
  if (s[0] == '-') return (s.size() == 1 || s[1] == ' ') ? 1 : 0;
  size_t i = 0;
  while (i < s.size() && s[i] == '[') {
    ++i;
    const size_t id_len = sd_name_length(s, i);
    if (id_len == 0) return 0;
    const std::string_view sd_id = s.substr(i, id_len);
    i += id_len;
    while (true) {
      if (i >= s.size()) return 0;
      if (s[i] == ']') {
        ++i;
        break;
      }
      if (s[i] != ' ') return 0;
      while (i < s.size() && s[i] == ' ') ++i;
      if (i < s.size() && s[i] == ']') continue;
      const size_t name_len = sd_name_length(s, i);
      if (name_len == 0) return 0;
      SdParam param{sd_id, s.substr(i, name_len), {}};
      i += name_len;
      if (i + 1 >= s.size() || s[i] != '=' || s[i + 1] != '"') return 0;
      i = read_value(s, i + 1, param.value);
      if (i == 0) return 0;
      out.push_back(std::move(param));
    }
  }
  return i;
}

}  // namespace tripline
