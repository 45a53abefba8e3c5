// Conformance: wildcards and their escapes, case rules, null and empty values, keywords, lists
// and maps, arrays and nested fields.
#include <gtest/gtest.h>

#include "rules/sigma/pattern.h"
#include "tests/rules/sigma/sigma_test_util.h"

namespace tripline::sigma::testing {
namespace {

std::string value_rule(const std::string& body) {
  return "    selection:\n" + body + "    condition: selection\n";
}

bool glob(const std::string& pattern, const std::string& text, bool cased = false) {
  const Pattern p(SigmaString::parse(pattern), cased);
  return p.match(text, ascii_lower(text));
}

TEST(SigmaWildcards, FoldingInPlaceAgreesWithMatchingTheLowerCasedCopy) {
  // Case-insensitive exact/prefix/suffix patterns skip the lower-cased copy of the subject.
  const std::vector<std::string> patterns = {"Failed_",   "failed_*", "*_Failure", "pam_AUTH",
                                             "*",         "",         "a*b",       "*mid*",
                                             "\xc3\x89t\xc3\xa9*", "x?z"};
  const std::vector<std::string> subjects = {"",          "failed_password", "FAILED_",
                                             "Failed_",   "pam_auth_failure", "PAM_AUTH",
                                             "pam_auth ", "xfailed_",         "\xc3\x89t\xc3\xa9 ok",
                                             "\xc3\xa9t\xc3\xa9 ok", "aXb", "x\xc3\xa9z",
                                             "_FAILURE",  "[failed_]"};
  size_t folded = 0;
  for (const std::string& pattern : patterns) {
    const Pattern p(SigmaString::parse(pattern), false);
    if (!p.folds_in_place()) continue;
    ++folded;
    for (const std::string& text : subjects) {
      EXPECT_EQ(p.match_folding(text), p.match(text, ascii_lower(text)))
          << "pattern [" << pattern << "] subject [" << text << "]";
    }
  }
  EXPECT_GE(folded, 6u);
}

TEST(SigmaWildcards, StarMatchesAnyRunIncludingEmpty) {
  EXPECT_TRUE(glob("a*c", "ac"));
  EXPECT_TRUE(glob("a*c", "abbbc"));
  EXPECT_TRUE(glob("*", ""));
  EXPECT_TRUE(glob("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(glob("a*c", "abd"));
  EXPECT_FALSE(glob("a*b*c", "acb"));
}

TEST(SigmaWildcards, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_TRUE(glob("prog?.exe", "progA.exe"));
  EXPECT_FALSE(glob("prog?.exe", "prog.exe"));
  EXPECT_FALSE(glob("prog?.exe", "progAB.exe"));
  EXPECT_TRUE(glob("prog?.exe", "prog\xc3\xa9.exe"));  // one UTF-8 character, two bytes
  EXPECT_TRUE(glob("*a?c*", "xxabcxx"));
}

TEST(SigmaWildcards, EscapedWildcardsAreLiteral) {
  EXPECT_TRUE(glob("a\\*b", "a*b"));
  EXPECT_FALSE(glob("a\\*b", "aXb"));
  EXPECT_TRUE(glob("a\\?b", "a?b"));
  EXPECT_FALSE(glob("a\\?b", "aXb"));
}

TEST(SigmaWildcards, BackslashRules) {
  // A plain backslash not before a wildcard stays; `\\` is one backslash.
  EXPECT_TRUE(glob("C:\\Windows\\System32", "c:\\windows\\system32"));
  EXPECT_TRUE(glob("C:\\\\Windows", "C:\\Windows"));
  // `\\*` is a backslash followed by a wildcard.
  EXPECT_TRUE(glob("dir\\\\*", "dir\\anything"));
  EXPECT_FALSE(glob("dir\\\\*", "dirX"));
  // `\\\*` is a backslash and a literal star.
  EXPECT_TRUE(glob("a\\\\\\*", "a\\*"));
  EXPECT_FALSE(glob("a\\\\\\*", "a\\x"));
  // Four backslashes are two.
  EXPECT_TRUE(glob("\\\\\\\\server", "\\\\server"));
}

TEST(SigmaWildcards, WildcardsApplyInFieldValues) {
  RuleProbe p(value_rule("        Image: '*\\\\evil?.exe'\n"));
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(R"({"Image":"C:\\temp\\evil1.exe"})"));
  EXPECT_FALSE(p.matches(R"({"Image":"C:\\temp\\evil12.exe"})"));
}

TEST(SigmaCase, PlainValuesAreCaseInsensitive) {
  RuleProbe p(value_rule("        eventName: ConsoleLogin\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"eventName":"CONSOLELOGIN"})"));
  EXPECT_TRUE(p.matches(R"({"eventName":"consolelogin"})"));
  EXPECT_FALSE(p.matches(R"({"eventName":"ConsoleLogin2"})"));
}

TEST(SigmaValues, NumbersCompareByTheirText) {
  RuleProbe p(value_rule("        EventID: 4688\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"EventID":4688})"));
  EXPECT_TRUE(p.matches(R"({"EventID":"4688"})"));
  EXPECT_FALSE(p.matches(R"({"EventID":46880})"));
}

TEST(SigmaValues, BooleansCompareByTheirText) {
  RuleProbe p(value_rule("        responseElements.ConsoleLogin: 'Failure'\n        mfa: false\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"responseElements":{"ConsoleLogin":"Failure"},"mfa":false})"));
  EXPECT_FALSE(p.matches(R"({"responseElements":{"ConsoleLogin":"Failure"},"mfa":true})"));
}

TEST(SigmaValues, NullMatchesAbsentOrJsonNull) {
  RuleProbe p(value_rule("        PasswordLastSet: null\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"Other":1})"));
  EXPECT_TRUE(p.matches(R"({"PasswordLastSet":null})"));
  EXPECT_FALSE(p.matches(R"({"PasswordLastSet":""})"));
  EXPECT_FALSE(p.matches(R"({"PasswordLastSet":"x"})"));
}

TEST(SigmaValues, QuotedNullIsAString) {
  RuleProbe p(value_rule("        Field: 'null'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"Field":"null"})"));
  EXPECT_FALSE(p.matches(R"({"Other":1})"));
}

TEST(SigmaValues, EmptyValueMatchesOnlyTheEmptyString) {
  RuleProbe p(value_rule("        Field: ''\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"Field":""})"));
  EXPECT_FALSE(p.matches(R"({"Field":" "})"));
  EXPECT_FALSE(p.matches(R"({"Other":""})"));
  EXPECT_FALSE(p.matches(R"({"Field":null})"));
}

TEST(SigmaValues, NotNullThroughANegatedSelection) {
  RuleProbe p("    selection:\n        EventID: 4738\n    filter:\n        PasswordLastSet: null\n"
              "    condition: selection and not filter\n");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"EventID":4738,"PasswordLastSet":"2024"})"));
  EXPECT_FALSE(p.matches(R"({"EventID":4738})"));
}

TEST(SigmaValues, NullTakesNoModifiers) {
  RuleProbe p(value_rule("        Field|contains: null\n"));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.null-modifier"));
}

TEST(SigmaValues, MapsAreAndLinked) {
  RuleProbe p(value_rule("        eventSource: iam.amazonaws.com\n        eventName: CreateUser\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"eventSource":"iam.amazonaws.com","eventName":"CreateUser"})"));
  EXPECT_FALSE(p.matches(R"({"eventSource":"iam.amazonaws.com","eventName":"GetUser"})"));
  EXPECT_FALSE(p.matches(R"({"eventName":"CreateUser"})"));
}

TEST(SigmaValues, ListsOfMapsAreOrLinked) {
  RuleProbe p(value_rule("        - Image|endswith: '\\example.exe'\n"
                  "        - Description|contains: 'Test executable'\n"));
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(R"({"Image":"C:\\example.exe"})"));
  EXPECT_TRUE(p.matches(R"({"Description":"a Test executable here"})"));
  EXPECT_FALSE(p.matches(R"({"Image":"C:\\other.exe","Description":"x"})"));
}

TEST(SigmaValues, NestedFieldsAndFlattenedKeys) {
  RuleProbe p(value_rule("        userIdentity.type: Root\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"userIdentity":{"type":"Root"}})"));
  EXPECT_TRUE(p.matches(R"({"userIdentity.type":"Root"})"));
  EXPECT_FALSE(p.matches(R"({"userIdentity":{"type":"IAMUser"}})"));
}

TEST(SigmaValues, ArrayFieldsMatchWhenAnElementDoes) {
  RuleProbe p(value_rule("        groups|contains: admin\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"groups":["dev","system:admins"]})"));
  EXPECT_FALSE(p.matches(R"({"groups":["dev","ops"]})"));
}

TEST(SigmaValues, ObjectFieldsMatchAgainstTheirJsonText) {
  RuleProbe p(value_rule("        requestParameters|contains: '\"enable\":false'\n"));
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(R"({"requestParameters":{"name":"x","enable":false}})"));
  EXPECT_FALSE(p.matches(R"({"requestParameters":{"enable":true}})"));
}

TEST(SigmaKeywords, KeywordListsSearchTheRawMessage) {
  RuleProbe p("    keywords:\n        - 'Failed password'\n        - 'Invalid user'\n"
              "    condition: keywords\n");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches_text("sshd[1]: failed password for root from 1.2.3.4"));
  EXPECT_TRUE(p.matches_text("sshd[1]: Invalid user bob from 1.2.3.4"));
  EXPECT_FALSE(p.matches_text("sshd[1]: Accepted publickey for root"));
}

TEST(SigmaKeywords, AllModifierNeedsEveryKeyword) {
  RuleProbe p("    keywords:\n        '|all':\n            - 'OabVirtualDirectory'\n"
              "            - ' -ExternalUrl '\n    condition: keywords\n");
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches_text("Set-OabVirtualDirectory -ExternalUrl http://x"));
  EXPECT_FALSE(p.matches_text("Set-OabVirtualDirectory -InternalUrl http://x"));
}

TEST(SigmaKeywords, JsonEventsMatchTheEscapedSpelling) {
  RuleProbe p("    keywords:\n        - 'C:\\Windows\\Temp'\n    condition: keywords\n");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"path":"c:\\windows\\temp\\x"})"));
  EXPECT_FALSE(p.matches(R"({"path":"c:\\windows\\system32"})"));
}

TEST(SigmaKeywords, ScalarIdentifierIsOneKeyword) {
  RuleProbe p("    keyword: 'event::clear'\n    condition: keyword\n");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches_text("mimikatz # event::clear"));
  EXPECT_FALSE(p.matches_text("event clear"));
}

}  // namespace
}  // namespace tripline::sigma::testing
