// Conformance: every condition form, precedence, and the errors conditions can have.
#include <gtest/gtest.h>

#include "tests/rules/sigma/sigma_test_util.h"

namespace tripline::sigma::testing {
namespace {

// Three selections on fields a, b, c (each must equal "1"), a filter on f, and `cond`.
std::string abc(const std::string& cond) {
  return "    sel_a:\n        a: '1'\n    sel_b:\n        b: '1'\n    sel_c:\n        c: '1'\n"
         "    filter:\n        f: '1'\n    condition: " +
         cond + "\n";
}

// Events named by the fields set to "1".
std::string ones_event(const std::string& ones) {
  std::string json = "{";
  for (char c : ones) {
    if (json.size() > 1) json += ",";
    json += std::string("\"") + c + "\":\"1\"";
  }
  return json + "}";
}

TEST(SigmaConditions, AndOrNot) {
  RuleProbe p(abc("sel_a and not filter"));
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(ones_event("a")));
  EXPECT_FALSE(p.matches(ones_event("af")));
  RuleProbe q(abc("sel_a or sel_b"));
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q.matches(ones_event("b")));
  EXPECT_FALSE(q.matches(ones_event("c")));
}

TEST(SigmaConditions, AndBindsTighterThanOr) {
  RuleProbe p(abc("sel_a or sel_b and sel_c"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(ones_event("a")));
  EXPECT_FALSE(p.matches(ones_event("b")));
  EXPECT_TRUE(p.matches(ones_event("bc")));
}

TEST(SigmaConditions, NotBindsTighterThanAnd) {
  RuleProbe p(abc("not sel_a and sel_b"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(ones_event("b")));
  EXPECT_FALSE(p.matches(ones_event("ab")));
  EXPECT_FALSE(p.matches(ones_event("")));
}

TEST(SigmaConditions, ParenthesesGroup) {
  RuleProbe p(abc("(sel_a or sel_b) and sel_c"));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p.matches(ones_event("a")));
  EXPECT_TRUE(p.matches(ones_event("ac")));
  EXPECT_TRUE(p.matches(ones_event("bc")));
  RuleProbe q(abc("not (sel_a or sel_b)"));
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q.matches(ones_event("c")));
  EXPECT_FALSE(q.matches(ones_event("b")));
}

TEST(SigmaConditions, OneOfPattern) {
  RuleProbe p(abc("1 of sel_* and not filter"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(ones_event("c")));
  EXPECT_FALSE(p.matches(ones_event("cf")));
  EXPECT_FALSE(p.matches(ones_event("f")));
}

TEST(SigmaConditions, AllOfPattern) {
  RuleProbe p(abc("all of sel_*"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(ones_event("abc")));
  EXPECT_FALSE(p.matches(ones_event("ab")));
}

TEST(SigmaConditions, PatternWithWildcardInTheMiddle) {
  RuleProbe p("    sel_x_one:\n        a: '1'\n    sel_y_one:\n        b: '1'\n"
              "    sel_x_two:\n        c: '1'\n    condition: all of sel_*_one\n");
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(ones_event("ab")));
  EXPECT_FALSE(p.matches(ones_event("ac")));
}

TEST(SigmaConditions, OneOfThem) {
  RuleProbe p(abc("1 of them"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(ones_event("f")));
  EXPECT_FALSE(p.matches(ones_event("x")));
}

TEST(SigmaConditions, AllOfThemSkipsUnderscoreIdentifiers) {
  RuleProbe p("    sel:\n        a: '1'\n    _helper:\n        z: '1'\n"
              "    condition: all of them\n");
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(ones_event("a")));
  EXPECT_FALSE(p.matches(ones_event("z")));
}

TEST(SigmaConditions, CountOfPatternNeedsThatMany) {
  RuleProbe p(abc("2 of sel_*"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(ones_event("ac")));
  EXPECT_FALSE(p.matches(ones_event("c")));
}

TEST(SigmaConditions, AListOfConditionsIsOrLinked) {
  RuleProbe p("    sel_a:\n        a: '1'\n    sel_b:\n        b: '1'\n"
              "    condition:\n        - sel_a\n        - sel_b\n");
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(ones_event("b")));
  EXPECT_FALSE(p.matches(ones_event("c")));
}

TEST(SigmaConditions, KeywordsAreCaseInsensitive) {
  RuleProbe p(abc("sel_a AND NOT filter"));
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(ones_event("a")));
  EXPECT_FALSE(p.matches(ones_event("af")));
}

TEST(SigmaConditions, UnknownIdentifierPointsAtItsColumn) {
  RuleProbe p(abc("sel_a and sel_d"));
  EXPECT_FALSE(p.ok());
  const Diagnostic* d = p.compiled().find("rules.unknown-identifier");
  ASSERT_NE(d, nullptr) << p.compiled().dump();
  EXPECT_EQ(d->line, 15);
  EXPECT_EQ(d->column, 26);  // "    condition: " is 15 columns, "sel_a and " 10 more
}

TEST(SigmaConditions, PatternMatchingNothingIsAnError) {
  RuleProbe p(abc("1 of nothing*"));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.unknown-identifier"));
}

TEST(SigmaConditions, AggregationIsRejectedTowardsCorrelationRules) {
  RuleProbe p(abc("sel_a | count() by b > 5"));
  EXPECT_FALSE(p.ok());
  const Diagnostic* d = p.compiled().find("rules.deprecated-aggregation");
  ASSERT_NE(d, nullptr) << p.compiled().dump();
  EXPECT_NE(d->message.find("correlation rule"), std::string::npos);
  RuleProbe near(abc("sel_a near sel_b"));
  EXPECT_TRUE(near.compiled().has_code("rules.deprecated-aggregation"));
}

TEST(SigmaConditions, SyntaxErrors) {
  for (const char* bad : {"sel_a and", "(sel_a or sel_b", "sel_a or or sel_b", "sel_a sel_b",
                          "all of", "them", ")"}) {
    RuleProbe p(abc(std::string("'") + bad + "'"));
    EXPECT_FALSE(p.ok()) << bad;
    EXPECT_TRUE(p.compiled().has_code("rules.condition")) << bad << "\n" << p.compiled().dump();
  }
}

TEST(SigmaConditions, NestingIsBounded) {
  std::string deep(200, '(');
  deep += "sel_a" + std::string(200, ')');
  RuleProbe p(abc(deep));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.condition"));
}

TEST(SigmaConditions, UnusedIdentifierIsAWarning) {
  RuleProbe p(abc("sel_a"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.unused-identifier"));
}

TEST(SigmaConditions, MissingConditionIsAnError) {
  RuleProbe p("    sel_a:\n        a: '1'\n");
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.missing-condition"));
}

}  // namespace
}  // namespace tripline::sigma::testing
