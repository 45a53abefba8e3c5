#include "rules/sigma/pattern.h"

namespace tripline::sigma {
namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace

void ascii_lower(std::string_view in, std::string& out) {
  out.resize(in.size());
  for (size_t i = 0; i < in.size(); ++i) out[i] = fold(in[i]);
}

std::string ascii_lower(std::string_view in) {
  std::string out;
  ascii_lower(in, out);
  return out;
}

Pattern::Pattern(const SigmaString& s, bool cased) : cased_(cased) {
  using Part = SigmaString::Part;
  size_t stars = 0;
  bool any_char = false;
  for (const Part& p : s.parts) {
    stars += p.kind == Part::kStar;
    any_char |= p.kind == Part::kAnyChar;
  }
  const auto lit = [&](const std::string& t) { return cased_ ? t : ascii_lower(t); };

  if (s.parts.empty()) {
    kind_ = Kind::kExact;
    return;
  }
  if (!any_char) {
    const size_t n = s.parts.size();
    if (stars == 0) {
      kind_ = Kind::kExact;
      needle_ = lit(s.parts[0].text);
      return;
    }
    if (stars == n) {
      kind_ = Kind::kAnything;
      return;
    }
    if (stars == 1 && n == 2) {
      const bool star_first = s.parts[0].kind == Part::kStar;
      kind_ = star_first ? Kind::kSuffix : Kind::kPrefix;
      needle_ = lit(s.parts[star_first ? 1 : 0].text);
      return;
    }
    if (stars == 2 && n == 3 && s.parts[0].kind == Part::kStar &&
        s.parts[2].kind == Part::kStar) {
      kind_ = Kind::kContains;
      needle_ = lit(s.parts[1].text);
      return;
    }
  }
  kind_ = Kind::kGlob;
  anchored_start_ = s.parts.front().kind != Part::kStar;
  anchored_end_ = s.parts.back().kind != Part::kStar;
  Segment cur;
  bool open = false;
  for (const Part& p : s.parts) {
    if (p.kind == Part::kStar) {
      if (open) segments_.push_back(std::move(cur));
      cur = Segment{};
      open = false;
      continue;
    }
    open = true;
    if (p.kind == Part::kLiteral) {
      const std::string t = lit(p.text);
      cur.text += t;
      cur.any.insert(cur.any.end(), t.size(), false);
    } else {
      cur.text.push_back('\0');
      cur.any.push_back(true);
      cur.has_any = true;
    }
  }
  if (open) segments_.push_back(std::move(cur));
}

bool Pattern::match_prepared(std::string_view s) const {
  switch (kind_) {
    case Kind::kExact:
      return s == needle_;
    case Kind::kPrefix:
      return s.size() >= needle_.size() && s.compare(0, needle_.size(), needle_) == 0;
    case Kind::kSuffix:
      return s.size() >= needle_.size() &&
             s.compare(s.size() - needle_.size(), needle_.size(), needle_) == 0;
    case Kind::kContains:
      return s.find(needle_) != std::string_view::npos;
    case Kind::kAnything:
      return true;
    case Kind::kGlob:
      return match_glob(s);
  }
  return false;
}

namespace {

// lower(s) == lowered, where `lowered` is ascii_lower'd already.
bool equals_folded(std::string_view s, std::string_view lowered) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (fold(s[i]) != lowered[i]) return false;
  }
  return true;
}

}  // namespace

bool Pattern::match_folding(std::string_view s) const {
  switch (kind_) {
    case Kind::kExact:
      return s.size() == needle_.size() && equals_folded(s, needle_);
    case Kind::kPrefix:
      return s.size() >= needle_.size() && equals_folded(s.substr(0, needle_.size()), needle_);
    case Kind::kSuffix:
      return s.size() >= needle_.size() &&
             equals_folded(s.substr(s.size() - needle_.size()), needle_);
    case Kind::kAnything:
      return true;
    case Kind::kContains:
    case Kind::kGlob:
      break;
  }
  return match_prepared(ascii_lower(s));
}

bool Pattern::segment_at(const Segment& seg, std::string_view s, size_t pos, size_t& end) {
  for (size_t j = 0; j < seg.text.size(); ++j) {
    if (pos >= s.size()) return false;
    if (seg.any[j]) {
      ++pos;
      while (pos < s.size() && is_continuation(s[pos])) ++pos;
    } else {
      if (s[pos] != seg.text[j]) return false;
      ++pos;
    }
  }
  end = pos;
  return true;
}

bool Pattern::find_segment(const Segment& seg, std::string_view s, size_t from, size_t& begin,
                           size_t& end) {
  if (!seg.has_any) {
    const size_t at = s.find(seg.text, from);
    if (at == std::string_view::npos) return false;
    begin = at;
    end = at + seg.text.size();
    return true;
  }
  for (size_t start = from; start < s.size(); ++start) {
    if (is_continuation(s[start])) continue;
    if (segment_at(seg, s, start, end)) {
      begin = start;
      return true;
    }
  }
  return false;
}

bool Pattern::match_glob(std::string_view s) const {
  // Leftmost placement of each middle segment is optimal: segments are separated by stars and
  // each has one length per start position.
  size_t pos = 0;
  const size_t k = segments_.size();
  for (size_t i = 0; i < k; ++i) {
    const Segment& seg = segments_[i];
    const bool last = i + 1 == k;
    if (i == 0 && anchored_start_) {
      size_t end = 0;
      if (!segment_at(seg, s, 0, end)) return false;
      if (last && anchored_end_) return end == s.size();
      pos = end;
      continue;
    }
    if (last && anchored_end_) {
      if (!seg.has_any) {
        if (s.size() < pos + seg.text.size()) return false;
        return s.compare(s.size() - seg.text.size(), seg.text.size(), seg.text) == 0;
      }
      for (size_t start = pos; start < s.size(); ++start) {
        size_t end = 0;
        if (!is_continuation(s[start]) && segment_at(seg, s, start, end) && end == s.size()) {
          return true;
        }
      }
      return false;
    }
    size_t begin = 0, end = 0;
    if (!find_segment(seg, s, pos, begin, end)) return false;
    pos = end;
  }
  return true;
}

}  // namespace tripline::sigma
