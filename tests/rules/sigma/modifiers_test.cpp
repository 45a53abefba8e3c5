// Conformance: every Sigma value modifier, each with events that must and must not match.
#include <gtest/gtest.h>

#include "tests/rules/sigma/sigma_test_util.h"

namespace tripline::sigma::testing {
namespace {

std::string modifier_rule(const std::string& body) {
  return "    selection:\n" + body + "    condition: selection\n";
}

TEST(SigmaModifiers, ContainsMatchesAnywhereCaseInsensitively) {
  RuleProbe p(modifier_rule("        CommandLine|contains: 'mimikatz'\n"));
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(R"({"CommandLine":"run MimiKatz.exe now"})"));
  EXPECT_FALSE(p.matches(R"({"CommandLine":"mimi katz"})"));
  EXPECT_FALSE(p.matches(R"({"Other":"mimikatz"})"));
}

TEST(SigmaModifiers, StartswithAnchorsAtTheBeginning) {
  RuleProbe p(modifier_rule("        Image|startswith: 'C:\\Windows\\'\n"));
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(R"({"Image":"c:\\windows\\system32\\cmd.exe"})"));
  EXPECT_FALSE(p.matches(R"({"Image":"D:\\C:\\Windows\\x"})"));
}

TEST(SigmaModifiers, EndswithAnchorsAtTheEnd) {
  RuleProbe p(modifier_rule("        Image|endswith: '\\cmd.exe'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"Image":"C:\\Windows\\System32\\CMD.EXE"})"));
  EXPECT_FALSE(p.matches(R"({"Image":"C:\\cmd.exe.bak"})"));
}

TEST(SigmaModifiers, ListValuesAreOrLinked) {
  RuleProbe p(modifier_rule("        eventName:\n            - StopLogging\n            - DeleteTrail\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"eventName":"DeleteTrail"})"));
  EXPECT_TRUE(p.matches(R"({"eventName":"stoplogging"})"));
  EXPECT_FALSE(p.matches(R"({"eventName":"UpdateTrail"})"));
}

TEST(SigmaModifiers, AllLinksListValuesWithAnd) {
  RuleProbe p(modifier_rule("        CommandLine|contains|all:\n            - ' -enc '\n"
                  "            - 'powershell'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"CommandLine":"powershell.exe -enc AAAA"})"));
  EXPECT_FALSE(p.matches(R"({"CommandLine":"powershell.exe -nop"})"));
  EXPECT_FALSE(p.matches(R"({"CommandLine":"cmd -enc AAAA"})"));
}

TEST(SigmaModifiers, AllWithASingleValueWarns) {
  RuleProbe p(modifier_rule("        CommandLine|contains|all: 'x'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.all-single-value"));
}

TEST(SigmaModifiers, ReIsCaseSensitiveUnanchoredSearch) {
  RuleProbe p(modifier_rule("        CommandLine|re: 'ab[0-9]+c'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"CommandLine":"xxab123cxx"})"));
  EXPECT_FALSE(p.matches(R"({"CommandLine":"xxAB123Cxx"})"));
  EXPECT_FALSE(p.matches(R"({"CommandLine":"abc"})"));
}

TEST(SigmaModifiers, ReSubModifierIMakesItCaseInsensitive) {
  RuleProbe p(modifier_rule("        CommandLine|re|i: '^whoami$'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"CommandLine":"WHOAMI"})"));
  EXPECT_FALSE(p.matches(R"({"CommandLine":"whoami /all"})"));
}

TEST(SigmaModifiers, ReSubModifierMAnchorsAtLines) {
  RuleProbe with_m(modifier_rule("        Body|re|m: '^second$'\n"));
  RuleProbe without(modifier_rule("        Body|re: '^second$'\n"));
  ASSERT_TRUE(with_m.ok() && without.ok());
  EXPECT_TRUE(with_m.matches(R"({"Body":"first\nsecond\nthird"})"));
  EXPECT_FALSE(without.matches(R"({"Body":"first\nsecond\nthird"})"));
}

TEST(SigmaModifiers, ReSubModifierSLetsDotMatchNewlines) {
  RuleProbe with_s(modifier_rule("        Body|re|s: 'a.b'\n"));
  RuleProbe without(modifier_rule("        Body|re: 'a.b'\n"));
  ASSERT_TRUE(with_s.ok() && without.ok());
  EXPECT_TRUE(with_s.matches(R"({"Body":"a\nb"})"));
  EXPECT_FALSE(without.matches(R"({"Body":"a\nb"})"));
}

TEST(SigmaModifiers, RegexRe2CannotExpressIsALoadErrorWithPosition) {
  RuleProbe p(modifier_rule("        CommandLine|re: 'foo(?!bar)'\n"));
  EXPECT_FALSE(p.ok());
  const Diagnostic* d = p.compiled().find("rules.regex");
  ASSERT_NE(d, nullptr) << p.compiled().dump();
  EXPECT_EQ(d->line, 8);
  EXPECT_EQ(d->column, 25);
}

TEST(SigmaModifiers, RegexFlagsWithoutReAreRejected) {
  RuleProbe p(modifier_rule("        CommandLine|contains|i: 'x'\n"));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.modifier"));
}

TEST(SigmaModifiers, CidrMatchesIpv4Networks) {
  RuleProbe p(modifier_rule("        SourceIp|cidr:\n            - '10.0.0.0/8'\n            - '192.168.1.0/24'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"SourceIp":"10.200.3.4"})"));
  EXPECT_TRUE(p.matches(R"({"SourceIp":"192.168.1.77"})"));
  EXPECT_TRUE(p.matches(R"({"SourceIp":"::ffff:10.1.1.1"})"));
  EXPECT_FALSE(p.matches(R"({"SourceIp":"192.168.2.1"})"));
  EXPECT_FALSE(p.matches(R"({"SourceIp":"not an ip"})"));
}

TEST(SigmaModifiers, CidrMatchesIpv6Networks) {
  RuleProbe p(modifier_rule("        SourceIp|cidr: '2001:db8::/32'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"SourceIp":"2001:db8:1::5"})"));
  EXPECT_TRUE(p.matches(R"({"SourceIp":"2001:DB8::1"})"));
  EXPECT_FALSE(p.matches(R"({"SourceIp":"2001:db9::1"})"));
  EXPECT_FALSE(p.matches(R"({"SourceIp":"10.0.0.1"})"));
}

TEST(SigmaModifiers, CidrRejectsAnInvalidRange) {
  RuleProbe p(modifier_rule("        SourceIp|cidr: '10.0.0.0/33'\n"));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.cidr"));
}

TEST(SigmaModifiers, Base64MatchesTheEncodedValue) {
  RuleProbe p(modifier_rule("        Data|base64: 'secret'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"Data":"c2VjcmV0"})"));
  EXPECT_FALSE(p.matches(R"({"Data":"C2VJCMV0"})"));  // base64 is case-significant
  EXPECT_FALSE(p.matches(R"({"Data":"secret"})"));
}

TEST(SigmaModifiers, Base64offsetFindsTheValueAtEveryAlignment) {
  RuleProbe p(modifier_rule("        Data|base64offset|contains: 'http://'\n"));
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(R"({"Data":"aHR0cDovL2V2aWw="})"));          // offset 0
  EXPECT_TRUE(p.matches(R"({"Data":"WGh0dHA6Ly9ldmls"})"));          // offset 1
  EXPECT_TRUE(p.matches(R"({"Data":"WFlodHRwOi8vZXZpbA=="})"));      // offset 2
  EXPECT_TRUE(p.matches(R"({"Data":"WFlaaHR0cDovL2V2aWxYWA=="})"));  // offset 3
  EXPECT_FALSE(p.matches(R"({"Data":"ZnRwOi8vZXZpbA=="})"));         // ftp://evil
}

TEST(SigmaModifiers, Base64RefusesWildcards) {
  RuleProbe p(modifier_rule("        Data|contains|base64: 'abc'\n"));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.modifier"));
}

TEST(SigmaModifiers, WideBase64offsetFindsUtf16PowerShell) {
  RuleProbe p(modifier_rule("        CommandLine|wide|base64offset|contains: 'IEX ('\n"));
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(R"({"CommandLine":"powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAeAA="})"));
  EXPECT_TRUE(p.matches(R"({"CommandLine":"-e YQBJAEUAWAAgACgATgBlAHcALQBPAGIAagBlAGMAdAB4AA=="})"));
  EXPECT_TRUE(p.matches(R"({"CommandLine":"-e YQBiAEkARQBYACAAKABOAGUAdwAtAE8AYgBqAGUAYwB0AHgA"})"));
  EXPECT_FALSE(p.matches(R"({"CommandLine":"powershell -enc dwBoAG8AYQBtAGkA"})"));
}

TEST(SigmaModifiers, Utf16leAndWideEncodeLittleEndian) {
  for (const char* mod : {"utf16le", "wide"}) {
    RuleProbe p(modifier_rule(std::string("        Data|") + mod + "|base64: 'whoami'\n"));
    ASSERT_TRUE(p.ok()) << mod;
    EXPECT_TRUE(p.matches(R"({"Data":"dwBoAG8AYQBtAGkA"})")) << mod;
    EXPECT_FALSE(p.matches(R"({"Data":"AHcAaABvAGEAbQBp"})")) << mod;
  }
}

TEST(SigmaModifiers, Utf16beEncodesBigEndian) {
  RuleProbe p(modifier_rule("        Data|utf16be|base64: 'whoami'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"Data":"AHcAaABvAGEAbQBp"})"));
  EXPECT_FALSE(p.matches(R"({"Data":"dwBoAG8AYQBtAGkA"})"));
}

TEST(SigmaModifiers, Utf16PrependsAByteOrderMark) {
  RuleProbe p(modifier_rule("        Data|utf16|base64: 'whoami'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"Data":"//53AGgAbwBhAG0AaQA="})"));
  EXPECT_FALSE(p.matches(R"({"Data":"dwBoAG8AYQBtAGkA"})"));
}

TEST(SigmaModifiers, WindashAcceptsEveryDashSpelling) {
  RuleProbe p(modifier_rule("        CommandLine|windash|contains: ' -exec bypass'\n"));
  ASSERT_TRUE(p.ok());
  for (const char* dash : {"-", "/", "\u2013", "\u2014", "\u2015"}) {
    EXPECT_TRUE(p.matches(std::string(R"({"CommandLine":"ps.exe )") + dash + R"(exec bypass"})"))
        << dash;
  }
  EXPECT_FALSE(p.matches(R"({"CommandLine":"ps.exe +exec bypass"})"));
}

TEST(SigmaModifiers, WindashLeavesDashesInsideWordsAlone) {
  RuleProbe p(modifier_rule("        CommandLine|windash: 'a-b'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"CommandLine":"a-b"})"));
  EXPECT_FALSE(p.matches(R"({"CommandLine":"a/b"})"));
}

TEST(SigmaModifiers, ExistsTrueAndFalse) {
  RuleProbe yes(modifier_rule("        PasswordLastSet|exists: true\n"));
  RuleProbe no(modifier_rule("        PasswordLastSet|exists: false\n"));
  ASSERT_TRUE(yes.ok() && no.ok());
  EXPECT_TRUE(yes.matches(R"({"PasswordLastSet":""})"));
  EXPECT_TRUE(yes.matches(R"({"PasswordLastSet":null})"));
  EXPECT_FALSE(yes.matches(R"({"Other":1})"));
  EXPECT_TRUE(no.matches(R"({"Other":1})"));
  EXPECT_FALSE(no.matches(R"({"PasswordLastSet":"x"})"));
}

TEST(SigmaModifiers, ExistsNeedsABoolean) {
  RuleProbe p(modifier_rule("        Field|exists: maybe\n"));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.exists"));
}

TEST(SigmaModifiers, NumericComparisons) {
  RuleProbe gt(modifier_rule("        Count|gt: 10\n"));
  RuleProbe gte(modifier_rule("        Count|gte: 10\n"));
  RuleProbe lt(modifier_rule("        Count|lt: 10\n"));
  RuleProbe lte(modifier_rule("        Count|lte: 10.5\n"));
  ASSERT_TRUE(gt.ok() && gte.ok() && lt.ok() && lte.ok());
  EXPECT_TRUE(gt.matches(R"({"Count":11})"));
  EXPECT_FALSE(gt.matches(R"({"Count":10})"));
  EXPECT_TRUE(gte.matches(R"({"Count":10})"));
  EXPECT_TRUE(gte.matches(R"({"Count":"12"})"));  // numeric strings compare as numbers
  EXPECT_FALSE(gte.matches(R"({"Count":9.99})"));
  EXPECT_TRUE(lt.matches(R"({"Count":-3})"));
  EXPECT_FALSE(lt.matches(R"({"Count":10})"));
  EXPECT_TRUE(lte.matches(R"({"Count":10.5})"));
  EXPECT_FALSE(lte.matches(R"({"Count":"eleven"})"));
  EXPECT_FALSE(lte.matches(R"({"Other":1})"));
}

TEST(SigmaModifiers, ComparisonNeedsANumber) {
  RuleProbe p(modifier_rule("        Count|gt: ten\n"));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.number"));
}

TEST(SigmaModifiers, FieldrefComparesTwoFieldsOfTheEvent) {
  RuleProbe p(modifier_rule("        Image|fieldref: ParentImage\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"Image":"C:\\a.exe","ParentImage":"c:\\A.EXE"})"));
  EXPECT_FALSE(p.matches(R"({"Image":"C:\\a.exe","ParentImage":"C:\\b.exe"})"));
  EXPECT_FALSE(p.matches(R"({"Image":"C:\\a.exe"})"));
}

TEST(SigmaModifiers, FieldrefWithEndswithAndNeq) {
  RuleProbe ends(modifier_rule("        TargetFilename|endswith|fieldref: Image\n"));
  RuleProbe neq(modifier_rule("        User|fieldref|neq: ParentUser\n"));
  ASSERT_TRUE(ends.ok() && neq.ok()) << ends.compiled().dump() << neq.compiled().dump();
  EXPECT_TRUE(ends.matches(R"({"TargetFilename":"x\\y\\a.exe","Image":"y\\a.exe"})"));
  EXPECT_FALSE(ends.matches(R"({"TargetFilename":"a.exe.txt","Image":"a.exe"})"));
  EXPECT_TRUE(neq.matches(R"({"User":"alice","ParentUser":"bob"})"));
  EXPECT_FALSE(neq.matches(R"({"User":"alice","ParentUser":"alice"})"));
}

TEST(SigmaModifiers, ExpandUsesConfiguredPlaceholderValues) {
  const std::map<std::string, std::vector<std::string>> values = {
      {"Admins", {"adm_*", "root"}}};
  RuleProbe p(modifier_rule("        User|expand: '%Admins%'\n"), &values);
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(R"({"User":"adm_alice"})"));
  EXPECT_TRUE(p.matches(R"({"User":"ROOT"})"));
  EXPECT_FALSE(p.matches(R"({"User":"alice"})"));
}

TEST(SigmaModifiers, ExpandKeepsEscapedPercentLiteral) {
  const std::map<std::string, std::vector<std::string>> values = {{"name", {"x"}}};
  RuleProbe p(modifier_rule("        Field|expand: '\\%plain%name%'\n"), &values);
  ASSERT_TRUE(p.ok()) << p.compiled().dump();
  EXPECT_TRUE(p.matches(R"({"Field":"%plainx"})"));
  EXPECT_FALSE(p.matches(R"({"Field":"%plain%name%"})"));
}

TEST(SigmaModifiers, ExpandWithoutValuesIsAnErrorWhenRequired) {
  RuleProbe p(modifier_rule("        User|expand: '%Unknown%'\n"));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.placeholder"));
}

TEST(SigmaModifiers, ExpandWithoutValuesIsAWarningForLint) {
  Compiled c = compile_text(rule_yaml(modifier_rule("        User|expand: '%Unknown%'\n")), nullptr, false);
  ASSERT_NE(c.set, nullptr) << c.dump();
  EXPECT_TRUE(c.has_code("rules.placeholder"));
  Event e = json_event(R"({"User":"%Unknown%"})");
  EXPECT_FALSE(SigmaMatcher::matches(*c.set->rules[0], e));
}

TEST(SigmaModifiers, PlaceholderWithoutExpandIsLiteral) {
  RuleProbe p(modifier_rule("        User: '%Admins%'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"User":"%admins%"})"));
}

TEST(SigmaModifiers, CasedMakesMatchingCaseSensitive) {
  RuleProbe p(modifier_rule("        Name|cased|contains: 'Evil'\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"Name":"theEvilOne"})"));
  EXPECT_FALSE(p.matches(R"({"Name":"theevilone"})"));
}

TEST(SigmaModifiers, NeqNegatesTheValueList) {
  RuleProbe p(modifier_rule("        Status|neq:\n            - ok\n            - success\n"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.matches(R"({"Status":"failed"})"));
  EXPECT_FALSE(p.matches(R"({"Status":"OK"})"));
  EXPECT_FALSE(p.matches(R"({"Status":"success"})"));
}

TEST(SigmaModifiers, TimePartsCompareNumbers) {
  RuleProbe hour(modifier_rule("        EventTime|hour|gte: 22\n"));
  RuleProbe month(modifier_rule("        EventTime|month: 2\n"));
  RuleProbe week(modifier_rule("        EventTime|week: 1\n"));
  ASSERT_TRUE(hour.ok() && month.ok() && week.ok()) << hour.compiled().dump();
  EXPECT_TRUE(hour.matches(R"({"EventTime":"2024-03-05T23:10:00Z"})"));
  EXPECT_FALSE(hour.matches(R"({"EventTime":"2024-03-05T08:10:00Z"})"));
  EXPECT_TRUE(month.matches(R"({"EventTime":"2024-02-29T00:00:00Z"})"));
  EXPECT_FALSE(month.matches(R"({"EventTime":"2024-03-01T00:00:00Z"})"));
  EXPECT_TRUE(week.matches(R"({"EventTime":"2024-12-30T12:00:00Z"})"));  // ISO week 1 of 2025
  EXPECT_FALSE(week.matches(R"({"EventTime":"not a time"})"));
}

TEST(SigmaModifiers, UnknownModifierIsAnErrorAtTheKey) {
  RuleProbe p(modifier_rule("        Name|sortof: 'x'\n"));
  EXPECT_FALSE(p.ok());
  const Diagnostic* d = p.compiled().find("rules.unknown-modifier");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->line, 8);
  EXPECT_EQ(d->column, 9);
}

TEST(SigmaModifiers, TypeModifiersExcludeEachOther) {
  RuleProbe p(modifier_rule("        Name|re|cidr: 'x'\n"));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.compiled().has_code("rules.modifier"));
}

}  // namespace
}  // namespace tripline::sigma::testing
