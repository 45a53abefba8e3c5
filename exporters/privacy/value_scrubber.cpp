#include "exporters/privacy/value_scrubber.h"

#include <algorithm>

namespace tripline {

void ValueScrubber::add(std::string_view raw, std::string replacement, bool is_pseudonym) {
  if (raw.empty()) return;
  auto [it, inserted] = exact_.try_emplace(std::string(raw), Entry{replacement, is_pseudonym});
  if (!inserted) {
    if (is_pseudonym && !it->second.pseudonym) it->second = Entry{std::move(replacement), true};
    return;
  }
  if (raw.size() < min_substring_) return;
  auto& bucket = by_first_byte_[static_cast<unsigned char>(raw[0])];
  bucket.emplace_back(raw);
  std::stable_sort(bucket.begin(), bucket.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
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
    for (const std::string& candidate : bucket) {
      if (s.compare(i, candidate.size(), candidate) == 0) {
        hit = &candidate;
        break;
      }
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
