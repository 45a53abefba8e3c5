// The sandbox's budgeted pattern matcher against the stock Lua 5.4 string library: same
// results, captures and error texts for find, match, gsub and gmatch.
#include <gtest/gtest.h>

#include <string>

#include "rules/lua/lua_pattern.h"
#include "rules/lua/lua_sandbox.h"
#include "rules/lua/lua_vm.h"

namespace tripline::lua {
namespace {

// Runs every pattern function on (subject, pattern) and serialises what comes back, errors
// included, so two implementations can be compared as strings.
constexpr const char* kProbe = R"LUA(
local s, p = ...
local function ser(...)
  local t = table.pack(...)
  local out = {}
  for i = 1, t.n do out[#out + 1] = type(t[i]) .. ":" .. tostring(t[i]) end
  return table.concat(out, ",")
end
local r = {}
r[#r + 1] = ser(pcall(string.find, s, p))
r[#r + 1] = ser(pcall(string.find, s, p, 2))
r[#r + 1] = ser(pcall(string.find, s, p, -3))
r[#r + 1] = ser(pcall(string.find, s, p, 1, true))
r[#r + 1] = ser(pcall(string.match, s, p))
r[#r + 1] = ser(pcall(string.match, s, p, 3))
r[#r + 1] = ser(pcall(string.gsub, s, p, "<%0>"))
r[#r + 1] = ser(pcall(string.gsub, s, p, "<%1>", 2))
r[#r + 1] = ser(pcall(string.gsub, s, p, function(...) return "[" .. select("#", ...) .. "]" end))
r[#r + 1] = ser(pcall(string.gsub, s, p, { a = "A", hello = 1 }))
local ok, it = pcall(string.gmatch, s, p)
if ok then
  local items = {}
  local ok2, err = pcall(function()
    for a, b in it do
      items[#items + 1] = tostring(a) .. "/" .. tostring(b)
      if #items > 40 then break end
    end
  end)
  r[#r + 1] = table.concat(items, ";") .. (ok2 and "" or ("!" .. tostring(err)))
else
  r[#r + 1] = "gmatch error " .. tostring(it)
end
local ok3, it3 = pcall(string.gmatch, s, p, 2)
if ok3 then
  local first = { pcall(it3) }
  r[#r + 1] = ser(table.unpack(first))
end
return table.concat(r, " | ")
)LUA";

std::string run_probe(lua_State* L, bool sandboxed, const std::string& s, const std::string& p,
                      LuaVm* vm) {
  if (luaL_loadstring(L, kProbe) != LUA_OK) return "load error";
  if (sandboxed) {
    push_environment(L);
    lua_setupvalue(L, -2, 1);
  }
  lua_pushlstring(L, s.data(), s.size());
  lua_pushlstring(L, p.data(), p.size());
  std::string out;
  if (vm) {
    const CallOutcome r = vm->call(2, 1, 10'000'000, std::chrono::seconds(5));
    if (!r.ok) return "call error " + r.error;
  } else if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
    out = "call error ";
  }
  size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  out.append(text ? std::string(text, len) : "?");
  lua_pop(L, 1);
  return out;
}

class PatternParityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stock_ = luaL_newstate();
    luaL_openlibs(stock_);
    vm_ = LuaVm::create(64 << 20);
    ASSERT_TRUE(vm_);
    lua_pushcfunction(vm_->state(), open_sandbox);
    ASSERT_TRUE(vm_->call(0, 0, 10'000'000, std::chrono::seconds(5)).ok);
  }
  void TearDown() override { lua_close(stock_); }

  lua_State* stock_ = nullptr;
  std::unique_ptr<LuaVm> vm_;
};

TEST_F(PatternParityTest, FindMatchGsubGmatchAgreeWithTheStockLibrary) {
  const std::vector<std::string> subjects = {"hello world",
                                             "",
                                             "a,b,,c",
                                             "key=value; k2 = v2",
                                             "THE (quick) fox",
                                             "aaa",
                                             "  x  ",
                                             "abc123_def",
                                             "f(a(b)c)d",
                                             "x^y$z%w",
                                             "line1\nline2",
                                             std::string("nul\0byte", 8),
                                             "caf\xc3\xa9 na\xc3\xafve"};
  const std::vector<std::string> patterns = {"",
                                             "a",
                                             "^a",
                                             "a$",
                                             "a*",
                                             "a-",
                                             "a+",
                                             "a?",
                                             ".",
                                             ".-",
                                             "%a+",
                                             "%d+%s*",
                                             "[%a_][%w_]*",
                                             "[^,]*",
                                             "[^,]+",
                                             "()",
                                             "()a()",
                                             "(a)(b)",
                                             "%b()",
                                             "%f[%w]%w+",
                                             "%f[%W]",
                                             "(h)(e)(l)",
                                             "^(%w+)=(.*)$",
                                             "(.-)=",
                                             "%s*=%s*",
                                             "%%",
                                             "[]]",
                                             "[a-]",
                                             "[-a]",
                                             "[%]]",
                                             "x*$",
                                             "(a*(.)%w(%s*))",
                                             "(a)%1",
                                             "%1",
                                             "(",
                                             ")",
                                             "[a",
                                             "%",
                                             "(()",
                                             "%z",
                                             "[%a-z]",
                                             "[^%s]+$",
                                             "%x%x",
                                             "[\xc3][\x80-\xbf]",
                                             "^",
                                             "$",
                                             "^$",
                                             "%w+%f[^%w]",
                                             "(%w+)%s*(%w*)",
                                             "%bxy",
                                             "%b",
                                             "%f",
                                             "%fa",
                                             "[^]",
                                             "[^]]",
                                             "%^",
                                             "%$",
                                             "%.",
                                             "a.-b",
                                             "(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)",
                                             "%a-%d",
                                             "l+",
                                             "o?w"};
  for (const auto& s : subjects) {
    for (const auto& p : patterns) {
      const std::string stock = run_probe(stock_, false, s, p, nullptr);
      const std::string ours = run_probe(vm_->state(), true, s, p, vm_.get());
      EXPECT_EQ(ours, stock) << "subject '" << s << "' pattern '" << p << "'";
    }
  }
}

TEST(PatternMatcherTest, BacktrackingStopsAtTheStepLimit) {
  const std::string subject(3000, 'a');
  std::string pattern;
  for (int i = 0; i < 12; ++i) pattern += "a*";
  pattern += "b";
  PatternMatcher m(subject.data(), subject.size(), pattern.data(), pattern.size(), 100'000);
  const char* end = m.match_at(subject.data(), pattern.data());
  EXPECT_EQ(end, nullptr);
  EXPECT_EQ(m.status(), PatternMatcher::Status::kBudget);
  EXPECT_LE(m.steps(), 100'001u);
}

TEST(PatternMatcherTest, StepsGrowWithTheWorkDone) {
  const std::string small(100, 'a');
  const std::string large(1000, 'a');
  const std::string pattern = "a*a*b";  // quadratic in the subject
  PatternMatcher ms(small.data(), small.size(), pattern.data(), pattern.size(), UINT64_MAX);
  PatternMatcher ml(large.data(), large.size(), pattern.data(), pattern.size(), UINT64_MAX);
  EXPECT_EQ(ms.match_at(small.data(), pattern.data()), nullptr);
  EXPECT_EQ(ml.match_at(large.data(), pattern.data()), nullptr);
  // Ten times the subject, about a hundred times the steps.
  EXPECT_GT(ml.steps(), 50 * ms.steps());
}

TEST(PatternMatcherTest, CheckpointCanStopALongMatch) {
  const std::string subject(2000, 'a');
  const std::string pattern = "a*a*a*b";
  PatternMatcher m(subject.data(), subject.size(), pattern.data(), pattern.size(), UINT64_MAX);
  int calls = 0;
  m.set_checkpoint(
      [](void* ctx) {
        int& n = *static_cast<int*>(ctx);
        return ++n < 3;
      },
      &calls);
  EXPECT_EQ(m.match_at(subject.data(), pattern.data()), nullptr);
  EXPECT_EQ(m.status(), PatternMatcher::Status::kBudget);
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace tripline::lua
