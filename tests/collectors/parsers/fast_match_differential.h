#pragma once
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/parsers/fast_groups.h"
#include "collectors/parsers/re2_match.h"

namespace tripline::fast_match_test {

using FastFn = bool (*)(std::string_view, FastGroups&);

struct Counts {
  size_t decided = 0;
  size_t re2_matches = 0;
};

// The fast path must agree with RE2 group for group (value and set/unset) whenever it decides.
inline void expect_same_as_re2(const RE2& re, FastFn fast, const std::string& m, Counts& counts) {
  ReGroups<7> g;
  const bool re2_matched = g.full_match(re, m);
  counts.re2_matches += re2_matched;
  FastGroups f;
  if (!fast(m, f)) return;
  ++counts.decided;
  ASSERT_TRUE(re2_matched) << "fast path matched what RE2 rejects: [" << m << "]";
  const int groups = re.NumberOfCapturingGroups();
  for (int i = 1; i <= groups; ++i) {
    EXPECT_EQ(f.matched(i), g.matched(i)) << "group " << i << " of [" << m << "]";
    EXPECT_EQ(f.group[static_cast<size_t>(i)], g[i]) << "group " << i << " of [" << m << "]";
    if (f.matched(i) && g.matched(i)) {
      // Same bytes of the same text, not just equal strings.
      EXPECT_EQ(f.group[static_cast<size_t>(i)].data(), g[i].data())
          << "group " << i << " of [" << m << "]";
    }
  }
}

// n lines of `head`, every other one followed by one of `starts` (the way real lines go on), then
// up to nine random `pieces`: text the matchers must decide exactly or leave to RE2.
inline std::vector<std::string> random_lines(std::string_view head, size_t n,
                                             const std::vector<std::string>& starts,
                                             const std::vector<std::string>& pieces,
                                             unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<size_t> pick_start(0, starts.size() - 1);
  std::uniform_int_distribution<int> len(0, 9);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string line(head);
    if (i % 2 == 0) line += starts[pick_start(rng)];
    const int k = len(rng);
    for (int j = 0; j < k; ++j) line += pieces[pick(rng)];
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace tripline::fast_match_test
