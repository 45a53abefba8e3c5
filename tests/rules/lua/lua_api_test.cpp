// The DESIGN §5 "Lua rule file" API: rule{...}, event fields, alert{...}, state, helpers.
#include <gtest/gtest.h>

#include "core/log.h"
#include "rules/lua/lua_rule_set.h"
#include "tests/rules/lua/lua_test_support.h"

namespace tripline {
namespace {

using lua_test::count_rule;
using lua_test::diag_text;
using lua_test::json_event;
using lua_test::load;
using lua_test::TempDir;

constexpr const char* kCloudTrail =
    R"({"eventID":"e-1","eventTime":"2026-01-01T00:00:00Z","eventName":"ConsoleLogin",)"
    R"("sourceIPAddress":"203.0.113.9","userIdentity":{"type":"Root","userName":"root"},)"
    R"("responseElements":{"ConsoleLogin":"Success"},"requestParameters":{"n":42,"ok":true,)"
    R"("list":[1,null,"x"]}})";

TEST(LuaApiTest, MatchRuleAlertsWithDeclaredMetadata) {
  TempDir dir;
  const auto file = dir.write("root.lua", R"LUA(
rule {
  id = "aws-root-login", title = "Root console login", sev = "SEV1",
  logsource = { product = "aws", service = "cloudtrail" },
  tags = { "attack.t1078" }, runbook = "https://runbooks/root",
  match = function(event)
    return event["eventName"] == "ConsoleLogin" and event["userIdentity.type"] == "Root"
  end,
}
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  ASSERT_EQ(loaded.set.rules.size(), 1u);
  EXPECT_EQ(loaded.set.rules[0].mark.line, 2);
  std::vector<Alert> alerts;
  loaded.set.matcher->evaluate(json_event(kCloudTrail), alerts);
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule_id, "aws-root-login");
  EXPECT_EQ(a.title, "Root console login");
  EXPECT_EQ(a.sev, Sev::kSev1);
  EXPECT_EQ(a.level, "high");
  EXPECT_EQ(a.tags, std::vector<std::string>{"attack.t1078"});
  EXPECT_EQ(a.runbook, "https://runbooks/root");
  ASSERT_EQ(a.events.size(), 1u);
  EXPECT_NE(a.events[0].find("ConsoleLogin"), std::string::npos);
  EXPECT_FALSE(a.alert_id.empty());
}

TEST(LuaApiTest, RulesSeeOnlyEventsOfTheirLogsource) {
  TempDir dir;
  const auto file = dir.write("any.lua", R"LUA(
rule { id = "k8s-any", title = "t", sev = "SEV3", logsource = { product = "kubernetes" },
       match = function(event) return true end }
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  std::vector<Alert> alerts;
  loaded.set.matcher->evaluate(json_event(kCloudTrail), alerts);
  EXPECT_TRUE(alerts.empty());
  loaded.set.matcher->evaluate(json_event("{}", {"kubernetes", "audit", ""}), alerts);
  EXPECT_EQ(alerts.size(), 1u);
}

TEST(LuaApiTest, EventFieldsConvertToLuaTypes) {
  TempDir dir;
  const auto file = dir.write("types.lua", R"LUA(
rule { id = "types", title = "t", sev = "SEV3", logsource = { product = "aws" },
  match = function(event)
    local rp = event["requestParameters"]
    assert(type(rp) == "table", "objects are tables")
    assert(rp.n == 42 and math.type(rp.n) == "integer", "numbers")
    assert(rp.ok == true, "booleans")
    assert(rp.list[1] == 1 and rp.list[2] == json_null and rp.list[3] == "x", "arrays")
    assert(event["requestParameters.n"] == 42, "dotted numbers")
    assert(event["responseElements.ConsoleLogin"] == "Success", "dotted strings")
    assert(event["no.such.field"] == nil, "absent is nil")
    assert(event.raw:find("ConsoleLogin", 1, true), "raw bytes")
    return true
  end }
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  std::vector<Alert> alerts;
  loaded.set.matcher->evaluate(json_event(kCloudTrail), alerts);
  ASSERT_EQ(count_rule(alerts, "types"), 1u) << loaded.set.matcher->status("types")->last_error;
}

TEST(LuaApiTest, AlertCallCarriesTitleSevGroupFieldsCountAndEvents) {
  TempDir dir;
  const auto file = dir.write("alert.lua", R"LUA(
rule { id = "custom", title = "Rule title", sev = "SEV2", logsource = { product = "aws" },
  on_event = function(event, state)
    alert { title = "custom title", sev = "SEV0", group = { user = "root", ip = event["sourceIPAddress"] },
            fields = { score = 12.5, n = 3, flag = true }, count = 7,
            events = { event, { summary = "x" }, '{ "a" : 1 }' } }
  end }
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  std::vector<Alert> alerts;
  loaded.set.matcher->evaluate(json_event(kCloudTrail), alerts);
  ASSERT_EQ(alerts.size(), 1u) << loaded.set.matcher->status("custom")->last_error;
  const Alert& a = alerts[0];
  EXPECT_EQ(a.title, "custom title");
  EXPECT_EQ(a.sev, Sev::kSev0);
  EXPECT_EQ(a.level, "critical");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(a.group, (Pairs{{"ip", "203.0.113.9"}, {"user", "root"}}));
  EXPECT_EQ(a.fields, (Pairs{{"flag", "true"}, {"n", "3"}, {"score", "12.5"}}));
  EXPECT_EQ(a.count, 7u);
  ASSERT_EQ(a.events.size(), 3u);
  EXPECT_NE(a.events[0].find("\"eventID\":\"e-1\""), std::string::npos);
  EXPECT_EQ(a.events[1], R"({"summary":"x"})");
  EXPECT_EQ(a.events[2], R"({"a":1})");
  // Same event, same group: the same id (a replay dedups downstream).
  std::vector<Alert> again;
  loaded.set.matcher->evaluate(json_event(kCloudTrail), again);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].alert_id, a.alert_id);
}

TEST(LuaApiTest, AlertKeyGivesTheSameIdAcrossEvents) {
  TempDir dir;
  const auto file = dir.write("key.lua", R"LUA(
rule { id = "keyed", title = "t", sev = "SEV2", logsource = { product = "aws" },
  on_event = function(event, state) alert { key = "root-activity" } end }
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  std::vector<Alert> alerts;
  loaded.set.matcher->evaluate(json_event(R"({"eventID":"a"})"), alerts);
  loaded.set.matcher->evaluate(json_event(R"({"eventID":"b"})"), alerts);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].alert_id, alerts[1].alert_id);
}

TEST(LuaApiTest, StateCountsWithTtlOnEventTime) {
  TempDir dir;
  const auto file = dir.write("count.lua", R"LUA(
rule { id = "counter", title = "t", sev = "SEV2", logsource = { product = "aws" },
  on_event = function(event, state)
    local n = state:incr("k:" .. event["user"], 1, 60)
    state:set("last", event["user"])
    if n == 3 then alert { fields = { n = n, last = state:get("last") } } end
  end }
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  auto at = [](const std::string& time, const std::string& user) {
    return json_event(R"({"eventTime":")" + time + R"(","user":")" + user + R"("})");
  };
  std::vector<Alert> alerts;
  loaded.set.matcher->evaluate(at("2026-01-01T00:00:00Z", "bob"), alerts);
  loaded.set.matcher->evaluate(at("2026-01-01T00:00:10Z", "bob"), alerts);
  // The window opened at 00:00:00 with a 60 s TTL: this third event starts over.
  loaded.set.matcher->evaluate(at("2026-01-01T00:01:30Z", "bob"), alerts);
  EXPECT_TRUE(alerts.empty());
  loaded.set.matcher->evaluate(at("2026-01-01T00:01:40Z", "bob"), alerts);
  loaded.set.matcher->evaluate(at("2026-01-01T00:01:50Z", "bob"), alerts);
  ASSERT_EQ(alerts.size(), 1u) << loaded.set.matcher->status("counter")->last_error;
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(alerts[0].fields, (Pairs{{"last", "bob"}, {"n", "3"}}));
}

TEST(LuaApiTest, StatePersistsAcrossMatchersThroughTheStateDir) {
  TempDir dir;
  TempDir state;
  const auto file = dir.write("persist.lua", R"LUA(
rule { id = "persist", title = "t", sev = "SEV2", logsource = { product = "aws" },
  on_event = function(event, state)
    local n = state:incr("seen", 1, 3600)
    if n == 2 then alert {} end
  end }
)LUA");
  {
    auto loaded = load({file}, lua_test::test_limits(), state.path());
    ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
    std::vector<Alert> alerts;
    loaded.set.matcher->evaluate(json_event(R"({"eventID":"1"})"), alerts);
    loaded.set.matcher->finish(alerts);
    EXPECT_TRUE(alerts.empty());
  }
  auto reloaded = load({file}, lua_test::test_limits(), state.path());
  ASSERT_TRUE(reloaded.set.matcher) << diag_text(reloaded.diags);
  std::vector<Alert> alerts;
  reloaded.set.matcher->evaluate(json_event(R"({"eventID":"2"})"), alerts);
  EXPECT_EQ(alerts.size(), 1u) << "the counter came back from the state file";
}

TEST(LuaApiTest, ReloadSharesTheLiveStateStore) {
  TempDir dir;
  TempDir state;
  const auto file = dir.write("share.lua", R"LUA(
rule { id = "share", title = "t", sev = "SEV2", logsource = { product = "aws" },
  on_event = function(event, state)
    if state:incr("seen") == 2 then alert {} end
  end }
)LUA");
  auto old_set = load({file}, lua_test::test_limits(), state.path());
  ASSERT_TRUE(old_set.set.matcher);
  std::vector<Alert> alerts;
  old_set.set.matcher->evaluate(json_event(R"({"eventID":"1"})"), alerts);
  // A reload builds the new set while the old one is still alive: no save in between.
  auto new_set = load({file}, lua_test::test_limits(), state.path());
  ASSERT_TRUE(new_set.set.matcher);
  new_set.set.matcher->evaluate(json_event(R"({"eventID":"2"})"), alerts);
  EXPECT_EQ(alerts.size(), 1u);
}

TEST(LuaApiTest, HelpersDecodeMatchAndParse) {
  TempDir dir;
  const auto file = dir.write("helpers.lua", R"LUA(
rule { id = "helpers", title = "t", sev = "SEV3", logsource = { product = "aws" },
  match = function(event)
    local ok, user, domain = re_match("alice@example.com", "^(\\w+)@([a-z.]+)$")
    assert(ok == true and user == "alice" and domain == "example.com", "re_match captures")
    assert(re_match("abc", "x") == false, "re_match miss")
    assert(re_match(nil, "x") == false, "re_match nil subject")
    assert(cidr_match("10.1.2.3", "10.0.0.0/8"), "v4 cidr")
    assert(not cidr_match("11.1.2.3", "10.0.0.0/8"), "v4 outside")
    assert(cidr_match("::ffff:10.1.2.3", "10.0.0.0/8"), "mapped v6")
    assert(cidr_match("2001:db8::1", { "192.168.0.0/16", "2001:db8::/32" }), "list")
    assert(not cidr_match(nil, "10.0.0.0/8") and not cidr_match("junk", "10.0.0.0/8"), "bad ip")
    local doc = json_decode('{"a":{"b":[1,2,{"c":"d"}]},"n":null}')
    assert(doc.a.b[3].c == "d" and doc.n == nil, "json_decode")
    local none, err = json_decode("{bad")
    assert(none == nil and type(err) == "string", "json_decode error")
    assert(url_decode("%7B%22a%22%3A1%7D+x%2") == '{"a":1} x%2', "url_decode")
    assert(url_decode("a+b", false) == "a+b", "url_decode keeps plus")
    assert(parse_time("2026-01-01T00:00:01Z") == 1767225601, "parse_time")
    assert(parse_time("2026-01-01T00:00:01.5Z") == 1767225601.5, "fractions")
    assert(parse_time("yesterday") == nil, "parse_time garbage")
    assert(os.time() > 0 and os.clock() >= 0, "os.time/os.clock")
    log("helpers ok")
    return true
  end }
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  std::vector<Alert> alerts;
  loaded.set.matcher->evaluate(json_event(kCloudTrail), alerts);
  EXPECT_EQ(count_rule(alerts, "helpers"), 1u) << loaded.set.matcher->status("helpers")->last_error;
}

TEST(LuaApiTest, LogLinesQuotingEventsStayOutOfAnInfoSelfLog) {
  // privacy filters what reaches a spool or sink, not the self-log: a rule's log() message may
  // quote event fields, so it is written at debug level only.
  TempDir dir;
  const auto file = dir.write("logs.lua", R"LUA(
rule { id = "logs", title = "t", sev = "SEV3", logsource = { product = "aws" },
  match = function(event)
    log("principal " .. tostring(event["eventName"]))
    return false
  end }
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  const log::Level before = log::level();
  std::vector<Alert> alerts;
  log::set_level(log::Level::kInfo);
  ::testing::internal::CaptureStderr();
  loaded.set.matcher->evaluate(json_event(kCloudTrail), alerts);
  const std::string at_info = ::testing::internal::GetCapturedStderr();
  log::set_level(log::Level::kDebug);
  ::testing::internal::CaptureStderr();
  loaded.set.matcher->evaluate(json_event(kCloudTrail), alerts);
  const std::string at_debug = ::testing::internal::GetCapturedStderr();
  log::set_level(before);
  EXPECT_EQ(at_info.find("lua rule log"), std::string::npos) << at_info;
  EXPECT_NE(at_debug.find("\"level\":\"debug\",\"msg\":\"lua rule log\""), std::string::npos)
      << at_debug;
  EXPECT_NE(at_debug.find("principal "), std::string::npos) << at_debug;
}

TEST(LuaApiTest, StringLibraryKeepsLuaSemantics) {
  TempDir dir;
  const auto file = dir.write("strings.lua", R"LUA(
rule { id = "strings", title = "t", sev = "SEV3", logsource = { product = "aws" },
  match = function(event)
    assert(("hello world"):find("o w") == 5, "plain find")
    local s, e, cap = ("key=value"):find("(%w+)=")
    assert(s == 1 and e == 4 and cap == "key", "find with capture")
    assert(string.match("  trim  ", "^%s*(.-)%s*$") == "trim", "lazy")
    assert(string.match("2026-01-02", "(%d+)-(%d+)-(%d+)") == "2026", "captures")
    assert(select(2, string.match("x", "()x()")) == 2, "position captures")
    local words = {}
    for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end
    assert(#words == 3 and words[3] == "three", "gmatch")
    assert(string.gsub("hello world", "o", "0") == "hell0 w0rld", "gsub string")
    assert(string.gsub("abc", "%w", "%0%0") == "aabbcc", "gsub %0")
    assert(string.gsub("abc", "(b)", { b = "B" }) == "aBc", "gsub table")
    assert(string.gsub("abc", "%w", function(c) return c:upper() end) == "ABC", "gsub function")
    local _, n = string.gsub("aaa", "a", "b", 2)
    assert(n == 2, "gsub limit")
    assert(string.gsub("abc", "", "-") == "-a-b-c-", "empty matches")
    assert(string.find("THE (quick) fox", "%((%a+)%)") == 5, "escapes")
    assert(string.match("[[x]]", "%b[]") == "[[x]]", "balanced")
    assert(string.find("THE END", "%f[%a]%a+$") == 5, "frontier")
    assert(string.match("aXb", "[%u]") == "X" and string.match("a]b", "[]]") == "]", "sets")
    assert(string.match("abab", "(ab)%1") == "ab", "back reference")
    assert(string.rep("ab", 3, ",") == "ab,ab,ab" and string.rep("", 1e9) == "", "rep")
    assert(string.format("%5.1f|%s", 3.14159, "x") == "  3.1|x", "format")
    assert(pcall(string.find, "x", "[a") == false, "malformed pattern raises")
    local ok, msg = xpcall(error, function(m) return "handled: " .. m end, "x", 0)
    assert(ok == false and msg == "handled: x", "xpcall handler")
    assert(select("#", xpcall(function(a, b) return a, b end, tostring, 1, 2)) == 3, "xpcall results")
    return true
  end }
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  std::vector<Alert> alerts;
  loaded.set.matcher->evaluate(json_event(kCloudTrail), alerts);
  EXPECT_EQ(count_rule(alerts, "strings"), 1u) << loaded.set.matcher->status("strings")->last_error;
}

TEST(LuaApiTest, GlobalsAreReadOnlyAfterLoad) {
  TempDir dir;
  const auto file = dir.write("globals.lua", R"LUA(
threshold = 3              -- a global set while loading is fine
local function helper() return threshold end
rule { id = "globals", title = "t", sev = "SEV3", logsource = { product = "aws" },
  match = function(event)
    assert(helper() == 3)
    threshold = 4           -- raises: read-only after load
    return true
  end }
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  std::vector<Alert> alerts;
  loaded.set.matcher->evaluate(json_event(kCloudTrail), alerts);
  EXPECT_EQ(count_rule(alerts, "globals"), 0u);
  const auto status = loaded.set.matcher->status("globals");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->errors, 1u);
  EXPECT_NE(status->last_error.find("read-only after load"), std::string::npos)
      << status->last_error;
  EXPECT_NE(status->last_error.find("globals.lua:7"), std::string::npos) << status->last_error;
}

TEST(LuaApiTest, SyntaxErrorsReportFileAndLine) {
  TempDir dir;
  const auto file = dir.write("broken.lua", "rule {\n  id = \"x\",\n  title = = 1,\n}\n");
  auto loaded = load({file});
  EXPECT_FALSE(loaded.set.matcher);
  ASSERT_EQ(loaded.diags.error_count(), 1u) << diag_text(loaded.diags);
  const Diagnostic& d = loaded.diags.items[0];
  EXPECT_EQ(d.code, "lua.syntax");
  EXPECT_EQ(d.file, file);
  EXPECT_EQ(d.line, 3);
  EXPECT_NE(d.message.find("unexpected symbol"), std::string::npos) << d.message;
}

TEST(LuaApiTest, RuleDeclarationMistakesAreLoadErrors) {
  TempDir dir;
  const auto file = dir.write("bad_decl.lua", R"LUA(
rule { id = "a", title = "t", sev = "SEV9", logsource = { product = "aws" },
       match = function() end, on_event = function() end, colour = "red" }
rule { title = "no id", sev = "SEV1", logsource = {}, match = function() end }
)LUA");
  auto loaded = load({file});
  EXPECT_FALSE(loaded.set.matcher);
  const std::string text = diag_text(loaded.diags);
  EXPECT_NE(text.find(":2: error[lua.rule]: rule sev 'SEV9'"), std::string::npos) << text;
  EXPECT_NE(text.find("exactly one of match"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown rule field 'colour'"), std::string::npos) << text;
  EXPECT_NE(text.find(":4: error[lua.rule]: rule{} needs an id"), std::string::npos) << text;
}

TEST(LuaApiTest, ABrokenDeclarationInALoopReportsItsFirstProblemsAndOneSummary) {
  TempDir dir;
  const auto file = dir.write("loop.lua", R"LUA(
for i = 1, 900 do
  rule { id = "r" .. i, title = "t", sev = "SEV9", logsource = { product = "aws" },
         match = function() end }
end
)LUA");
  auto loaded = load({file});
  EXPECT_FALSE(loaded.set.matcher);
  ASSERT_EQ(loaded.diags.items.size(), 21u) << diag_text(loaded.diags);
  EXPECT_EQ(loaded.diags.items[0].line, 3);
  const Diagnostic& summary = loaded.diags.items.back();
  EXPECT_EQ(summary.severity, Diagnostic::Severity::kError);
  EXPECT_EQ(summary.message, "880 more rule{} problems in this file are not shown");
}

TEST(LuaApiTest, AFileDeclaringMoreThanAThousandRulesFailsToLoad) {
  TempDir dir;
  // A file whose top level declares `n` valid rules in a loop.
  const auto declaring = [&](int n) {
    return dir.write("rules" + std::to_string(n) + ".lua",
                     "for i = 1, " + std::to_string(n) + R"LUA( do
  rule { id = "r" .. i, title = "t", sev = "SEV3", logsource = { product = "aws" },
         match = function() return false end }
end
)LUA");
  };
  auto loaded = load({declaring(1001)});
  EXPECT_FALSE(loaded.set.matcher);
  const std::string text = diag_text(loaded.diags);
  EXPECT_NE(text.find("more than 1000 rules in one file"), std::string::npos) << text;

  auto thousand = load({declaring(1000)});
  ASSERT_TRUE(thousand.set.matcher) << diag_text(thousand.diags);
  EXPECT_EQ(thousand.set.rules.size(), 1000u);
}

TEST(LuaApiTest, AnErrorPastTheShownWarningsStillFailsTheFile) {
  TempDir dir;
  // Twenty-five warnings (empty logsource) fill the shown problems; the bad sev comes after.
  const auto file = dir.write("late_error.lua", R"LUA(
for i = 1, 25 do
  rule { id = "w" .. i, title = "t", sev = "SEV3", logsource = {},
         match = function() return false end }
end
rule { id = "late", title = "t", sev = "SEV9", logsource = { product = "aws" },
       match = function() return false end }
)LUA");
  auto loaded = load({file});
  EXPECT_FALSE(loaded.set.matcher);
  EXPECT_EQ(loaded.diags.error_count(), 1u) << diag_text(loaded.diags);
  EXPECT_EQ(loaded.diags.items.back().message, "6 more rule{} problems in this file are not shown");
}

TEST(LuaApiTest, DuplicateIdsAcrossFilesAreRefused) {
  TempDir dir;
  const std::string body = R"(rule { id = "dup", title = "t", sev = "SEV3",
  logsource = { product = "aws" }, match = function() return false end })";
  const auto a = dir.write("a.lua", body);
  const auto b = dir.write("b.lua", body);
  auto loaded = load({a, b});
  EXPECT_FALSE(loaded.set.matcher);
  ASSERT_EQ(loaded.diags.error_count(), 1u) << diag_text(loaded.diags);
  EXPECT_EQ(loaded.diags.items[0].code, "lua.duplicate-id");
  EXPECT_EQ(loaded.diags.items[0].file, b);
}

TEST(LuaApiTest, TopLevelRuntimeErrorsAreLoadErrorsWithLine) {
  TempDir dir;
  const auto file = dir.write("toplevel.lua", "local x = 1\nlocal y = nil + x\n");
  auto loaded = load({file});
  EXPECT_FALSE(loaded.set.matcher);
  ASSERT_EQ(loaded.diags.error_count(), 1u) << diag_text(loaded.diags);
  EXPECT_EQ(loaded.diags.items[0].code, "lua.load");
  EXPECT_EQ(loaded.diags.items[0].line, 2);
}

TEST(LuaApiTest, ThrottleIsCarriedLikeTheSigmaExtension) {
  TempDir dir;
  const auto file = dir.write("throttle.lua", R"LUA(
rule { id = "t1", title = "t", sev = "SEV3", logsource = { product = "aws" }, throttle = "10m",
       match = function() return true end }
rule { id = "t2", title = "t", sev = "SEV3", logsource = { product = "aws" },
       throttle = { window = 30, max_alerts = 5 }, match = function() return true end }
)LUA");
  auto loaded = load({file});
  ASSERT_TRUE(loaded.set.matcher) << diag_text(loaded.diags);
  ASSERT_EQ(loaded.set.rules.size(), 2u);
  ASSERT_TRUE(loaded.set.rules[0].throttle);
  EXPECT_EQ(loaded.set.rules[0].throttle->window, std::chrono::minutes(10));
  EXPECT_EQ(loaded.set.rules[0].throttle->max_alerts, 1u);
  ASSERT_TRUE(loaded.set.rules[1].throttle);
  EXPECT_EQ(loaded.set.rules[1].throttle->window, std::chrono::seconds(30));
  EXPECT_EQ(loaded.set.rules[1].throttle->max_alerts, 5u);

  const auto bad = dir.write("bad_throttle.lua", R"LUA(
rule { id = "t3", title = "t", sev = "SEV3", logsource = { product = "aws" },
       throttle = { max_alerts = 0 }, match = function() return true end }
)LUA");
  auto refused = load({bad});
  EXPECT_FALSE(refused.set.matcher);
  EXPECT_NE(diag_text(refused.diags).find("throttle.max_alerts"), std::string::npos)
      << diag_text(refused.diags);
}

TEST(LuaApiTest, SeverityHookGradesAlerts) {
  TempDir dir;
  const auto file = dir.write("graded.lua", R"LUA(
rule { id = "graded", title = "t", sev = "SEV2", logsource = { product = "aws" },
       tags = { "attack.impact" }, match = function() return true end }
)LUA");
  LuaLoadOptions options;
  options.limits = lua_test::test_limits();
  options.hooks.grade = [](const LuaRuleInfo& rule, Sev requested, const Event&) {
    return rule.tags.size() == 1 && requested == Sev::kSev2 ? Sev::kSev0 : requested;
  };
  Diagnostics diags;
  auto set = load_lua_rules({file}, options, diags);
  ASSERT_TRUE(set.matcher) << diag_text(diags);
  std::vector<Alert> alerts;
  set.matcher->evaluate(json_event(kCloudTrail), alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].sev, Sev::kSev0);
  EXPECT_EQ(alerts[0].level, "critical");
}

TEST(LuaApiTest, RoutingHookDecidesWhichRulesSeeAnEvent) {
  TempDir dir;
  const auto file = dir.write("auth.lua", R"LUA(
rule { id = "auth", title = "t", sev = "SEV3", logsource = { product = "linux", service = "auth" },
       match = function() return true end }
)LUA");
  LuaLoadOptions options;
  options.limits = lua_test::test_limits();
  // As the Sigma catalog routes: sshd lines are auth events too.
  options.hooks.routes = [](const LogSource& rule, const LogSource& event) {
    const bool auth =
        event.product == "linux" && (event.service == "auth" || event.service == "sshd");
    return rule.product == event.product && (rule.service == event.service || auth);
  };
  Diagnostics diags;
  auto set = load_lua_rules({file}, options, diags);
  ASSERT_TRUE(set.matcher) << diag_text(diags);
  std::vector<Alert> alerts;
  set.matcher->evaluate(json_event("{}", {"linux", "sshd", ""}), alerts);
  EXPECT_EQ(alerts.size(), 1u);
}

}  // namespace
}  // namespace tripline
