#pragma once
#include <gtest/gtest.h>

#include <string>

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

}  // namespace tripline::fast_match_test
