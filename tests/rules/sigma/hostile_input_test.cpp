// Broken and hostile rule text never crashes the reader or the compiler: every mutation of the
// default packs either loads or yields diagnostics.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/rules/sigma/sigma_test_util.h"

namespace tripline::sigma::testing {
namespace {

std::string pack_text() {
  std::string all;
  for (const auto& e : std::filesystem::directory_iterator(
           std::filesystem::path(TRIPLINE_SOURCE_DIR) / "config" / "rules.d")) {
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str() + "\n---\n";
  }
  return all;
}

TEST(SigmaHostileInput, MutatedRuleFilesNeverCrash) {
  const std::string base = pack_text();
  ASSERT_GT(base.size(), 1000u);
  static const char kBytes[] = {'|', '*', '?', '\\', '%', ':', '-', '[', '{', '}', ']', '\n',
                                ' ', '\'', '"', '(', ')', '#', '&', '!', '\0', '\xff'};
  std::mt19937 rng(1234);
  size_t loaded = 0, rejected = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text = base;
    const int edits = 1 + round % 8;
    for (int i = 0; i < edits; ++i) {
      std::uniform_int_distribution<size_t> pos(0, text.size() - 1);
      switch (rng() % 4) {
        case 0: text[pos(rng)] = kBytes[rng() % sizeof kBytes]; break;
        case 1: text.erase(pos(rng), 1 + rng() % 20); break;
        case 2: text.insert(pos(rng), std::string(1 + rng() % 4, kBytes[rng() % sizeof kBytes])); break;
        case 3: text.resize(pos(rng)); break;
      }
      if (text.empty()) text = "x";
    }
    Compiled c = compile_text(text);
    (c.set ? loaded : rejected)++;
    if (!c.set) {
      EXPECT_TRUE(c.diags.has_errors());
    }
  }
  EXPECT_GT(rejected, 0u);
  std::printf("mutations: %zu loaded, %zu rejected with diagnostics\n", loaded, rejected);
}

TEST(SigmaHostileInput, PathologicalValuesStayBounded) {
  // Deep YAML, many windash slots, huge wildcard runs, long conditions.
  const std::string deep = "title: t\nlogsource: {product: x}\ndetection: " +
                           std::string(5000, '[') + std::string(5000, ']') + "\n";
  EXPECT_EQ(compile_text(deep).set, nullptr);
  RuleProbe windash("    s:\n        c|windash: ' -a -b -c -d -e -f -g -h'\n    condition: s\n");
  EXPECT_FALSE(windash.ok());
  EXPECT_TRUE(windash.compiled().has_code("rules.limit"));
  RuleProbe stars("    s:\n        c: '" + std::string(2000, '*') + "a?" + std::string(2000, '*') +
                  "'\n    condition: s\n");
  ASSERT_TRUE(stars.ok());
  EXPECT_TRUE(stars.matches(R"({"c":"xxaxx"})"));
  std::string cond = "s";
  for (int i = 0; i < 3000; ++i) cond += " or s";
  RuleProbe wide("    s:\n        c: a\n    condition: " + cond + "\n");
  EXPECT_TRUE(wide.ok());
  RuleProbe glob_heavy("    s:\n        c: '*a*a*a*a*a*a*a*a*a*a*b'\n    condition: s\n");
  ASSERT_TRUE(glob_heavy.ok());
  EXPECT_FALSE(glob_heavy.matches("{\"c\":\"" + std::string(100000, 'a') + "\"}"));
}

}  // namespace
}  // namespace tripline::sigma::testing
