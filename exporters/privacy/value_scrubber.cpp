#include "exporters/privacy/value_scrubber.h"

#include <algorithm>
#include <cctype>

namespace tripline {
namespace {

bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || u == '_' || u >= 0x80;
}

}  // namespace

void ValueScrubber::add(std::string_view raw, std::string replacement, bool is_pseudonym) {
  if (raw.empty()) return;
  auto [it, inserted] = exact_.try_emplace(std::string(raw), Entry{replacement, is_pseudonym});
  if (!inserted) {
    if (is_pseudonym && !it->second.pseudonym) it->second = Entry{std::move(replacement), true};
    return;
  }
  if (raw.size() < 2) return;
  auto& bucket = by_first_byte_[static_cast<unsigned char>(raw[0])];
  bucket.push_back({std::string(raw), raw.size() < min_substring_});
  std::stable_sort(bucket.begin(), bucket.end(), [](const Candidate& a, const Candidate& b) {
    return a.value.size() > b.value.size();
  });
}

const std::string* ValueScrubber::exact(std::string_view s) const {
  if (exact_.empty()) return nullptr;
  auto it = exact_.find(std::string(s));
  return it == exact_.end() ? nullptr : &it->second.replacement;
}

std::string ValueScrubber::scrub(std::string_view s) const {
  if (const std::string* whole = exact(s)) return *whole;
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto& bucket = by_first_byte_[static_cast<unsigned char>(s[i])];
    const std::string* hit = nullptr;
    for (const Candidate& c : bucket) {
      if (s.compare(i, c.value.size(), c.value) != 0) continue;
      const size_t end = i + c.value.size();
      if (c.whole_word &&
          ((i > 0 && is_word_byte(s[i - 1])) || (end < s.size() && is_word_byte(s[end])))) {
        continue;
      }
      hit = &c.value;
      break;
    }
    if (hit) {
      out += exact_.find(*hit)->second.replacement;
      i += hit->size();
    } else {
      out.push_back(s[i]);
      ++i;
    }
  }
  return out;
}

}  // namespace tripline
