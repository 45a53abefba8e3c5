#include "core/json_writer.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "core/utf8.h"

namespace tripline {
namespace {

// Bytes that can be copied as they are: printable ASCII other than '"' and '\\'. Strings are
// mostly runs of these, appended in one piece.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x7F; ++c) t[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

// Whether all 8 bytes at p are plain (kPlain), tested on one word at a time: no byte below
// 0x20, none with the high bit set, and none equal to '"', '\\' or 0x7F.
bool plain_word(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  const auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const uint64_t below_space = (x - 0x20 * kOnes) & ~x & kHigh;
  const uint64_t special = has_zero(x ^ ('"' * kOnes)) | has_zero(x ^ ('\\' * kOnes)) |
                           has_zero(x ^ (0x7F * kOnes));
  return ((x & kHigh) | below_space | special) == 0;
}

// The end of the run of plain bytes that starts at data[from], at most n.
size_t plain_run_end(const char* data, size_t from, size_t n) {
  size_t run = from;
  while (run + 8 <= n && plain_word(data + run)) run += 8;
  while (run < n && kPlain[static_cast<unsigned char>(data[run])]) ++run;
  return run;
}

// Keys and most values are short and need no escaping: the separator before them, the quoted
// text and a key's colon go out in one append (an alert line has dozens of them). False, with
// nothing written, for text that is longer or needs escaping.
constexpr size_t kShortText = 56;
bool append_short_plain(std::string& out, bool comma, std::string_view s, bool colon) {
  if (s.size() > kShortText || plain_run_end(s.data(), 0, s.size()) != s.size()) return false;
  char buf[kShortText + 4];
  char* p = buf;
  if (comma) *p++ = ',';
  *p++ = '"';
  std::memcpy(p, s.data(), s.size());
  p += s.size();
  *p++ = '"';
  if (colon) *p++ = ':';
  out.append(buf, static_cast<size_t>(p - buf));
  return true;
}

}  // namespace

void JsonWriter::append_escaped(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  const char* const data = s.data();
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const size_t run = plain_run_end(data, i, n);
    if (run != i) {
      out.append(data + i, run - i);
      i = run;
      if (i == n) break;
    }
    const auto c = static_cast<unsigned char>(data[i]);
    if (c >= 0x80) {
      const size_t len = utf8_sequence_length(s, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(data + i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, sizeof esc);
      }
    }
    ++i;
  }
  out.push_back('"');
}

void JsonWriter::before_value() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  if (!append_short_plain(out_, need_comma_, k, /*colon=*/true)) {
    before_value();
    append_escaped(out_, k);
    out_.push_back(':');
  }
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  if (append_short_plain(out_, need_comma_, s, /*colon=*/false)) {
    need_comma_ = true;
    return *this;
  }
  before_value();
  append_escaped(out_, s);
  return *this;
}

JsonWriter& JsonWriter::value(int64_t n) {
  before_value();
  out_ += std::to_string(n);
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t n) {
  before_value();
  out_ += std::to_string(n);
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  before_value();
  if (!std::isfinite(d)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  out_ += buf;
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw_json(std::string_view json) {
  before_value();
  out_.append(json);
  return *this;
}

}  // namespace tripline
