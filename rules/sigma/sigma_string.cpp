#include "rules/sigma/sigma_string.h"

#include <openssl/evp.h>

#include <cctype>

namespace tripline::sigma {
namespace {

void push_literal(std::vector<SigmaString::Part>& parts, std::string_view s) {
  if (s.empty()) return;
  if (!parts.empty() && parts.back().kind == SigmaString::Part::kLiteral) {
    parts.back().text.append(s);
  } else {
    parts.push_back({SigmaString::Part::kLiteral, std::string(s)});
  }
}

void push_special(std::vector<SigmaString::Part>& parts, SigmaString::Part::Kind kind) {
  // Consecutive stars match what one star does.
  if (kind == SigmaString::Part::kStar && !parts.empty() &&
      parts.back().kind == SigmaString::Part::kStar) {
    return;
  }
  parts.push_back({kind, {}});
}

// Decodes one UTF-8 sequence at s[i]; invalid bytes decode as themselves (Latin-1) so that no
// input is rejected.
uint32_t next_code_point(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + static_cast<size_t>(len) > s.size()) {
    ++i;
    return b0;
  }
  uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += static_cast<size_t>(len);
  return cp;
}

void put_unit(std::string& out, uint16_t unit, Utf16 form) {
  const char lo = static_cast<char>(unit & 0xFF);
  const char hi = static_cast<char>(unit >> 8);
  if (form == Utf16::kBe) {
    out.push_back(hi);
    out.push_back(lo);
  } else {
    out.push_back(lo);
    out.push_back(hi);
  }
}

std::string utf16_bytes(std::string_view utf8, Utf16 form) {
  std::string out;
  out.reserve(utf8.size() * 2);
  for (size_t i = 0; i < utf8.size();) {
    const uint32_t cp = next_code_point(utf8, i);
    if (cp >= 0x10000) {
      const uint32_t v = cp - 0x10000;
      put_unit(out, static_cast<uint16_t>(0xD800 + (v >> 10)), form);
      put_unit(out, static_cast<uint16_t>(0xDC00 + (v & 0x3FF)), form);
    } else {
      put_unit(out, static_cast<uint16_t>(cp), form);
    }
  }
  return out;
}

bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;
}

}  // namespace

SigmaString SigmaString::parse(std::string_view raw) {
  SigmaString s;
  std::string lit;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size() &&
        (raw[i + 1] == '*' || raw[i + 1] == '?' || raw[i + 1] == '\\')) {
      lit.push_back(raw[i + 1]);
      ++i;
    } else if (c == '*' || c == '?') {
      push_literal(s.parts, lit);
      lit.clear();
      push_special(s.parts, c == '*' ? Part::kStar : Part::kAnyChar);
    } else {
      lit.push_back(c);
    }
  }
  push_literal(s.parts, lit);
  return s;
}

SigmaString SigmaString::literal(std::string_view text) {
  SigmaString s;
  push_literal(s.parts, text);
  return s;
}

bool SigmaString::has_wildcards() const {
  for (const Part& p : parts) {
    if (p.kind != Part::kLiteral) return true;
  }
  return false;
}

std::string SigmaString::plain() const {
  std::string out;
  for (const Part& p : parts) {
    if (p.kind == Part::kLiteral) out += p.text;
  }
  return out;
}

std::string SigmaString::display() const {
  std::string out;
  for (const Part& p : parts) {
    out += p.kind == Part::kLiteral ? p.text : p.kind == Part::kStar ? "*" : "?";
  }
  return out;
}

void SigmaString::append_literal(std::string_view s) { push_literal(parts, s); }

void SigmaString::prepend_star() {
  if (!starts_with_star()) parts.insert(parts.begin(), Part{Part::kStar, {}});
}

void SigmaString::append_star() { push_special(parts, Part::kStar); }

SigmaString encode_utf16(const SigmaString& s, Utf16 form) {
  SigmaString out;
  if (form == Utf16::kLeBom) out.append_literal(std::string("\xFF\xFE", 2));
  const Utf16 units = form == Utf16::kBe ? Utf16::kBe : Utf16::kLe;
  for (const auto& p : s.parts) {
    if (p.kind == SigmaString::Part::kLiteral) {
      out.append_literal(utf16_bytes(p.text, units));
    } else {
      push_special(out.parts, p.kind);
    }
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::vector<std::string> base64_offsets(std::string_view bytes) {
  // Same slicing as pySigma: shift the value by 0..2 bytes and cut the characters that depend on
  // the unknown neighbouring bytes.
  static constexpr size_t kStart[3] = {0, 2, 3};
  static constexpr int kEndCut[3] = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    std::string shifted(i, ' ');
    shifted.append(bytes);
    std::string enc = base64_encode(shifted);
    const size_t cut = static_cast<size_t>(kEndCut[(bytes.size() + i) % 3]);
    const size_t end = enc.size() >= cut ? enc.size() - cut : 0;
    out.push_back(kStart[i] < end ? enc.substr(kStart[i], end - kStart[i]) : std::string());
  }
  return out;
}

bool windash_variants(const SigmaString& s, size_t limit, std::vector<SigmaString>& out) {
  static const char* const kDashes[] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
  // Split every literal part at the rewritten positions: pieces alternate text / dash slot.
  struct Piece {
    SigmaString::Part part;
    bool dash = false;
  };
  std::vector<Piece> pieces;
  size_t slots = 0;
  for (const auto& p : s.parts) {
    if (p.kind != SigmaString::Part::kLiteral) {
      pieces.push_back({p, false});
      continue;
    }
    const std::string& t = p.text;
    std::string cur;
    for (size_t i = 0; i < t.size(); ++i) {
      const bool before_word = i > 0 && is_word_byte(t[i - 1]);
      const bool after_word = i + 1 < t.size() && is_word_byte(t[i + 1]);
      if ((t[i] == '-' || t[i] == '/') && !before_word && after_word) {
        if (!cur.empty()) pieces.push_back({{SigmaString::Part::kLiteral, cur}, false});
        cur.clear();
        pieces.push_back({{}, true});
        ++slots;
      } else {
        cur.push_back(t[i]);
      }
    }
    if (!cur.empty()) pieces.push_back({{SigmaString::Part::kLiteral, cur}, false});
  }
  size_t total = 1;
  for (size_t i = 0; i < slots; ++i) {
    total *= 5;
    if (total > limit) return false;
  }
  for (size_t n = 0; n < total; ++n) {
    SigmaString v;
    size_t code = n;
    for (const Piece& piece : pieces) {
      if (piece.dash) {
        v.append_literal(kDashes[code % 5]);
        code /= 5;
      } else if (piece.part.kind == SigmaString::Part::kLiteral) {
        v.append_literal(piece.part.text);
      } else {
        push_special(v.parts, piece.part.kind);
      }
    }
    out.push_back(std::move(v));
  }
  return true;
}

bool expand_placeholders(std::string_view raw, const PlaceholderLookup& lookup, size_t limit,
                         std::vector<SigmaString>& out, std::string& missing) {
  // Segments alternate raw Sigma text and placeholder names.
  std::vector<std::pair<bool, std::string>> segments;  // (is_placeholder, text)
  std::string cur;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == '%') {
      cur.push_back('%');
      ++i;
      continue;
    }
    if (raw[i] == '%') {
      const size_t close = raw.find('%', i + 1);
      if (close != std::string_view::npos && close > i + 1) {
        segments.emplace_back(false, cur);
        cur.clear();
        segments.emplace_back(true, std::string(raw.substr(i + 1, close - i - 1)));
        i = close;
        continue;
      }
    }
    cur.push_back(raw[i]);
  }
  segments.emplace_back(false, cur);

  std::vector<SigmaString> acc = {SigmaString{}};
  for (const auto& [is_placeholder, text] : segments) {
    std::vector<SigmaString> choices;
    if (!is_placeholder) {
      choices.push_back(SigmaString::parse(text));
    } else {
      const std::vector<std::string>* values = lookup.find(text);
      if (!values || values->empty()) {
        missing = text;
        return false;
      }
      for (const std::string& v : *values) choices.push_back(SigmaString::parse(v));
    }
    std::vector<SigmaString> next;
    for (const SigmaString& a : acc) {
      for (const SigmaString& c : choices) {
        SigmaString joined = a;
        for (const auto& p : c.parts) {
          if (p.kind == SigmaString::Part::kLiteral) {
            joined.append_literal(p.text);
          } else {
            push_special(joined.parts, p.kind);
          }
        }
        next.push_back(std::move(joined));
        if (next.size() > limit) {
          missing.clear();
          return false;
        }
      }
    }
    acc = std::move(next);
  }
  out.insert(out.end(), acc.begin(), acc.end());
  return true;
}

}  // namespace tripline::sigma
