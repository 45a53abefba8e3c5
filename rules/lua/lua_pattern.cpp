#include "rules/lua/lua_pattern.h"

#include <cctype>
#include <cstdio>
#include <cstring>

namespace tripline::lua {
namespace {

constexpr char kEsc = '%';

bool class_matches(unsigned char c, unsigned char cls) {
  // Letters differ from their upper case only in bit 5, so `cls | 0x20` folds %A to %a without
  // a (locale-aware, out-of-line) tolower call; no other byte folds onto a class letter.
  bool res;
  switch (cls | 0x20) {
    case 'a':
      res = std::isalpha(c);
      break;
    case 'c':
      res = std::iscntrl(c);
      break;
    case 'd':
      res = std::isdigit(c);
      break;
    case 'g':
      res = std::isgraph(c);
      break;
    case 'l':
      res = std::islower(c);
      break;
    case 'p':
      res = std::ispunct(c);
      break;
    case 's':
      res = std::isspace(c);
      break;
    case 'u':
      res = std::isupper(c);
      break;
    case 'w':
      res = std::isalnum(c);
      break;
    case 'x':
      res = std::isxdigit(c);
      break;
    case 'z':
      res = c == 0;
      break;  // deprecated in 5.2, still honoured by 5.4
    default:
      return cls == c;  // %. %% %[ ...: the character itself
  }
  return (cls & 0x20) ? res : !res;  // upper-case class letters complement
}

}  // namespace

bool pattern_is_plain(const char* pattern, size_t len) {
  static constexpr const char kSpecials[] = "^$*+?.([%-";
  for (size_t i = 0; i < len; ++i) {
    if (std::memchr(kSpecials, pattern[i], sizeof(kSpecials) - 1)) return false;
  }
  return true;
}

PatternMatcher::PatternMatcher(const char* src, size_t src_len, const char* pattern,
                               size_t pattern_len, uint64_t step_limit)
    : src_init_(src),
      src_end_(src + src_len),
      p_end_(pattern + pattern_len),
      step_limit_(step_limit) {}

void PatternMatcher::reset() {
  level_ = 0;
  depth_left_ = kMaxDepth;
}

bool PatternMatcher::step() {
  if (++steps_ <= step_limit_) {
    if (steps_ < next_checkpoint_) return true;
    next_checkpoint_ = steps_ + kCheckpointSteps;
    if (!checkpoint_ || checkpoint_(checkpoint_ctx_)) return true;
  }
  if (status_ == Status::kOk) status_ = Status::kBudget;
  return false;
}

const char* PatternMatcher::fail(const char* message) {
  if (status_ == Status::kOk) {
    status_ = Status::kMalformed;
    error_ = message;
  }
  return nullptr;
}

const char* PatternMatcher::match_at(const char* s, const char* pattern_start) {
  if (status_ != Status::kOk) return nullptr;
  return do_match(s, pattern_start);
}

// The end of the single-character class starting at p (a char, %x, [set] or '.').
const char* PatternMatcher::class_end(const char* p) {
  const char c = *p++;
  if (c == kEsc) {
    if (p >= p_end_) return fail("malformed pattern (ends with '%')");
    return p + 1;
  }
  if (c == '[') {
    if (p < p_end_ && *p == '^') ++p;
    // The first character of a set is never its end: "[]]" is the set of ']'.
    do {
      if (p >= p_end_) return fail("malformed pattern (missing ']')");
      const char d = *p++;
      if (d == kEsc && p < p_end_) ++p;
    } while (p >= p_end_ || *p != ']');
    return p + 1;
  }
  return p;
}

bool PatternMatcher::match_bracket_class(unsigned char c, const char* p, const char* ec) const {
  bool found_means = true;
  if (*(p + 1) == '^') {
    found_means = false;
    ++p;
  }
  while (++p < ec) {
    if (*p == kEsc) {
      ++p;
      if (class_matches(c, static_cast<unsigned char>(*p))) return found_means;
    } else if (*(p + 1) == '-' && p + 2 < ec) {
      p += 2;
      if (static_cast<unsigned char>(*(p - 2)) <= c && c <= static_cast<unsigned char>(*p)) {
        return found_means;
      }
    } else if (static_cast<unsigned char>(*p) == c) {
      return found_means;
    }
  }
  return !found_means;
}

bool PatternMatcher::single_match(const char* s, const char* p, const char* ep) const {
  if (s >= src_end_) return false;
  const auto c = static_cast<unsigned char>(*s);
  switch (*p) {
    case '.':
      return true;
    case kEsc:
      return class_matches(c, static_cast<unsigned char>(*(p + 1)));
    case '[':
      return match_bracket_class(c, p, ep - 1);
    default:
      return static_cast<unsigned char>(*p) == c;
  }
}

const char* PatternMatcher::max_expand(const char* s, const char* p, const char* ep) {
  ptrdiff_t i = 0;
  while (single_match(s + i, p, ep)) {
    if (!step()) return nullptr;
    ++i;
  }
  // Longest first, then give back one character at a time.
  for (; i >= 0; --i) {
    const char* res = do_match(s + i, ep + 1);
    if (res || status_ != Status::kOk) return res;
  }
  return nullptr;
}

const char* PatternMatcher::min_expand(const char* s, const char* p, const char* ep) {
  for (;;) {
    const char* res = do_match(s, ep + 1);
    if (res || status_ != Status::kOk) return res;
    if (!single_match(s, p, ep)) return nullptr;
    if (!step()) return nullptr;
    ++s;
  }
}

const char* PatternMatcher::start_capture(const char* s, const char* p, ptrdiff_t what) {
  if (level_ >= kMaxCaptures) return fail("too many captures");
  captures_[level_] = {s, what};
  ++level_;
  const char* res = do_match(s, p);
  if (!res) --level_;
  return res;
}

const char* PatternMatcher::end_capture(const char* s, const char* p) {
  int open = level_ - 1;
  while (open >= 0 && captures_[open].len != kUnfinished) --open;
  if (open < 0) return fail("invalid pattern capture");
  captures_[open].len = s - captures_[open].init;
  const char* res = do_match(s, p);
  if (!res) captures_[open].len = kUnfinished;
  return res;
}

const char* PatternMatcher::match_balance(const char* s, const char* p) {
  if (p + 1 >= p_end_) return fail("malformed pattern (missing arguments to '%b')");
  if (s >= src_end_ || *s != *p) return nullptr;
  const char open = *p;
  const char close = *(p + 1);
  int depth = 1;
  while (++s < src_end_) {
    if (!step()) return nullptr;
    if (*s == close) {
      if (--depth == 0) return s + 1;
    } else if (*s == open) {
      ++depth;
    }
  }
  return nullptr;
}

const char* PatternMatcher::match_back_reference(const char* s, int index_char) {
  const int l = index_char - '1';
  if (l < 0 || l >= level_ || captures_[l].len == kUnfinished) {
    std::snprintf(error_buffer_, sizeof(error_buffer_), "invalid capture index %%%d", l + 1);
    return fail(error_buffer_);
  }
  const ptrdiff_t len = captures_[l].len;
  if (len < 0) return nullptr;  // a position capture has no text to repeat
  if (src_end_ - s < len) return nullptr;
  steps_ += static_cast<uint64_t>(len) / 16;
  if (std::memcmp(captures_[l].init, s, static_cast<size_t>(len)) != 0) return nullptr;
  return s + len;
}

const char* PatternMatcher::do_match(const char* s, const char* p) {
  if (!step()) return nullptr;
  if (depth_left_-- == 0) {
    ++depth_left_;
    return fail("pattern too complex");
  }
  for (;;) {
    if (p == p_end_) break;
    bool literal = false;
    switch (*p) {
      case '(':
        s = (p + 1 < p_end_ && *(p + 1) == ')') ? start_capture(s, p + 2, kPosition)
                                                : start_capture(s, p + 1, kUnfinished);
        goto done;
      case ')':
        s = end_capture(s, p + 1);
        goto done;
      case '$':
        if (p + 1 == p_end_) {
          s = s == src_end_ ? s : nullptr;
          goto done;
        }
        literal = true;
        break;
      case kEsc:
        if (p + 1 < p_end_) {
          const char next = *(p + 1);
          if (next == 'b') {
            s = match_balance(s, p + 2);
            if (s) {
              p += 4;
              continue;
            }
            goto done;
          }
          if (next == 'f') {
            p += 2;
            if (p >= p_end_ || *p != '[') {
              s = fail("missing '[' after '%f' in pattern");
              goto done;
            }
            const char* ep = class_end(p);
            if (!ep) {
              s = nullptr;
              goto done;
            }
            const auto previous = static_cast<unsigned char>(s == src_init_ ? '\0' : *(s - 1));
            const auto current = static_cast<unsigned char>(s < src_end_ ? *s : '\0');
            if (!match_bracket_class(previous, p, ep - 1) &&
                match_bracket_class(current, p, ep - 1)) {
              p = ep;
              continue;
            }
            s = nullptr;
            goto done;
          }
          if (next >= '0' && next <= '9') {
            s = match_back_reference(s, next);
            if (s) {
              p += 2;
              continue;
            }
            goto done;
          }
        }
        literal = true;
        break;
      default:
        literal = true;
        break;
    }
    if (literal) {
      const char* ep = class_end(p);
      if (!ep) {
        s = nullptr;
        goto done;
      }
      const char quantifier = ep < p_end_ ? *ep : '\0';
      if (!single_match(s, p, ep)) {
        if (quantifier == '*' || quantifier == '?' || quantifier == '-') {
          p = ep + 1;  // zero occurrences are acceptable
          continue;
        }
        s = nullptr;
        goto done;
      }
      switch (quantifier) {
        case '?': {
          const char* res = do_match(s + 1, ep + 1);
          if (res || status_ != Status::kOk) {
            s = res;
            goto done;
          }
          p = ep + 1;
          continue;
        }
        case '+':
          s = max_expand(s + 1, p, ep);
          goto done;
        case '*':
          s = max_expand(s, p, ep);
          goto done;
        case '-':
          s = min_expand(s, p, ep);
          goto done;
        default:
          ++s;
          p = ep;
          if (!step()) {
            s = nullptr;
            goto done;
          }
          continue;
      }
    }
  }
done:
  ++depth_left_;
  return status_ == Status::kOk ? s : nullptr;
}

}  // namespace tripline::lua
