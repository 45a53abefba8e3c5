#include "rules/lua/rule_state_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/rules/lua/lua_test_support.h"

namespace tripline::lua {
namespace {

StateValue int_value(int64_t i) {
  StateValue v;
  v.type = StateValue::Type::kInt;
  v.i = i;
  return v;
}

StateValue string_value(std::string s) {
  StateValue v;
  v.type = StateValue::Type::kString;
  v.s = std::move(s);
  return v;
}

TEST(RuleStateStoreTest, KeysExpireAfterTheirTtl) {
  RuleStateStore store("r", "", {});
  store.set("k", string_value("v"), 1000, 500);
  StateValue out;
  EXPECT_TRUE(store.get("k", 1499, out));
  EXPECT_EQ(out.s, "v");
  EXPECT_FALSE(store.get("k", 1500, out));
  EXPECT_EQ(store.size(), 0u) << "an expired key is dropped when seen";
}

TEST(RuleStateStoreTest, IncrKeepsTheWindowOfTheFirstIncrement) {
  RuleStateStore store("r", "", {});
  StateValue out;
  ASSERT_TRUE(store.incr("n", int_value(1), 0, 1000, out));
  ASSERT_TRUE(store.incr("n", int_value(2), 900, 1000, out));
  EXPECT_EQ(out.i, 3);
  ASSERT_TRUE(store.incr("n", int_value(1), 1000, 1000, out));
  EXPECT_EQ(out.i, 1) << "a new window starts once the first one expired";
}

TEST(RuleStateStoreTest, IncrRefusesNonNumbersAndWidensOnOverflow) {
  RuleStateStore store("r", "", {});
  StateValue out;
  store.set("s", string_value("x"), 0, 0);
  EXPECT_FALSE(store.incr("s", int_value(1), 0, 0, out));
  store.set("big", int_value(INT64_MAX), 0, 0);
  ASSERT_TRUE(store.incr("big", int_value(1), 0, 0, out));
  EXPECT_EQ(out.type, StateValue::Type::kFloat);
  EXPECT_DOUBLE_EQ(out.f, static_cast<double>(INT64_MAX) + 1.0);
}

TEST(RuleStateStoreTest, FullStoreDropsExpiredThenSoonestToExpire) {
  StateLimits limits;
  limits.max_keys = 3;
  RuleStateStore store("r", "", limits);
  store.set("a", int_value(1), 0, 100);     // expires at 100
  store.set("b", int_value(2), 0, 5000);    // 5000
  store.set("c", int_value(3), 0, 3000);    // 3000
  store.set("d", int_value(4), 200, 5000);  // full: "a" has expired and goes
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.evictions(), 0u);
  store.set("e", int_value(5), 300, 5000);  // full, nothing expired: "c" expires first
  StateValue out;
  EXPECT_FALSE(store.get("c", 300, out));
  EXPECT_TRUE(store.get("b", 300, out));
  EXPECT_TRUE(store.get("e", 300, out));
  EXPECT_EQ(store.evictions(), 1u);
}

TEST(RuleStateStoreTest, TtlIsCutToTheMaximum) {
  StateLimits limits;
  limits.max_ttl_ms = 1000;
  RuleStateStore store("r", "", limits);
  store.set("k", int_value(1), 0, 1'000'000);
  StateValue out;
  EXPECT_FALSE(store.get("k", 1000, out));
}

TEST(RuleStateStoreTest, SavedStoreLoadsBackEveryType) {
  lua_test::TempDir dir;
  const std::string path = state_file_path(dir.path(), "rule/one");
  {
    RuleStateStore store("rule/one", path, {});
    store.set("s", string_value("text \"quoted\"\n"), 0, 10'000);
    store.set("i", int_value(-42), 0, 10'000);
    StateValue f;
    f.type = StateValue::Type::kFloat;
    f.f = 2.5;
    store.set("f", f, 0, 10'000);
    StateValue b;
    b.type = StateValue::Type::kBool;
    b.b = true;
    store.set("b", b, 0, 10'000);
    std::string error;
    ASSERT_TRUE(store.save(error)) << error;
  }
  RuleStateStore loaded("rule/one", path, {});
  std::string error;
  ASSERT_TRUE(loaded.load(error)) << error;
  StateValue out;
  ASSERT_TRUE(loaded.get("s", 1, out));
  EXPECT_EQ(out.s, "text \"quoted\"\n");
  ASSERT_TRUE(loaded.get("i", 1, out));
  EXPECT_EQ(out.i, -42);
  ASSERT_TRUE(loaded.get("f", 1, out));
  EXPECT_EQ(out.type, StateValue::Type::kFloat);
  EXPECT_DOUBLE_EQ(out.f, 2.5);
  ASSERT_TRUE(loaded.get("b", 1, out));
  EXPECT_TRUE(out.b);
  EXPECT_FALSE(loaded.get("s", 10'000, out)) << "expiry times survive the round trip";
}

TEST(RuleStateStoreTest, DamagedFileIsMovedAsideAndTheStoreStartsEmpty) {
  lua_test::TempDir dir;
  const std::string path = state_file_path(dir.path(), "r");
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << "{\"entries\":[{\"k\":1}";
  RuleStateStore store("r", path, {});
  std::string error;
  EXPECT_FALSE(store.load(error));
  EXPECT_NE(error.find("corrupt"), std::string::npos) << error;
  EXPECT_EQ(store.size(), 0u);
  EXPECT_TRUE(std::filesystem::exists(path + ".corrupt"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(RuleStateStoreTest, FilePathsKeepDistinctIdsApart) {
  EXPECT_NE(state_file_path("/s", "a/b"), state_file_path("/s", "a_b"));
  EXPECT_EQ(state_file_path("/s", "a/b").rfind("/s/lua-state/a_b-", 0), 0u);
}

TEST(RuleStateStoreTest, AcquireSharesOneStoreWhileHeldAndSavesOnRelease) {
  lua_test::TempDir dir;
  StateValue out;
  {
    auto first = acquire_state_store(dir.path(), "shared", {});
    auto second = acquire_state_store(dir.path(), "shared", {});
    EXPECT_EQ(first.get(), second.get());
    first->set("k", int_value(7), 0, 10'000);
  }
  EXPECT_TRUE(std::filesystem::exists(state_file_path(dir.path(), "shared")));
  auto again = acquire_state_store(dir.path(), "shared", {});
  ASSERT_TRUE(again->get("k", 1, out));
  EXPECT_EQ(out.i, 7);
  auto memory_only = acquire_state_store("", "shared", {});
  EXPECT_NE(memory_only.get(), again.get());
  EXPECT_FALSE(memory_only->get("k", 1, out));
}

}  // namespace
}  // namespace tripline::lua
