#include "rules/state/state_registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rules/state/keyed_store.h"

namespace tripline::state {
namespace {

namespace fs = std::filesystem;

struct Count {
  int64_t n = 0;
  size_t memory_bytes() const { return 0; }
  void encode(JsonWriter& w) const { w.value(n); }
  bool decode(simdjson::dom::element e) { return !e.get(n); }
};
using Store = KeyedStore<Count>;

class StateRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tripline-state-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::shared_ptr<Store> acquire(StateRegistry& r, const std::string& rule,
                                        const std::string& digest, std::string* key = nullptr) {
    return r.acquire_as<Store>("test", rule, digest,
                               [&] { return std::make_shared<Store>(rule, StateLimits{}); }, key);
  }
  static int64_t value(Store& s, const std::string& k) {
    int64_t out = -1;
    s.read(k, [&](const Count& c) { out = c.n; });
    return out;
  }

  fs::path dir_;
};

TEST_F(StateRegistryTest, UnchangedRuleGetsTheSameStateOnReload) {
  StateRegistry registry;
  std::string k1, k2;
  auto first = acquire(registry, "r1", "d1", &k1);
  first->update("g", [](Count& c, bool) { return c.n = 7, true; });
  auto again = acquire(registry, "r1", "d1", &k2);
  EXPECT_EQ(first.get(), again.get());
  EXPECT_EQ(k1, k2);
  EXPECT_EQ(value(*again, "g"), 7);
}

TEST_F(StateRegistryTest, ChangedDefinitionStartsFreshAndRetainDropsTheOld) {
  StateRegistry registry;
  std::string old_key, new_key, other_key;
  auto old_state = acquire(registry, "r1", "d1", &old_key);
  old_state->update("g", [](Count& c, bool) { return c.n = 1, true; });
  acquire(registry, "r2", "d1", &other_key);
  auto new_state = acquire(registry, "r1", "d2", &new_key);
  EXPECT_NE(old_state.get(), new_state.get());
  EXPECT_EQ(value(*new_state, "g"), -1);
  registry.retain({new_key});
  EXPECT_EQ(registry.size(), 1u);
  // The dropped rule r2 comes back with nothing.
  auto r2 = acquire(registry, "r2", "d1");
  EXPECT_EQ(r2->size(), 0u);
}

TEST_F(StateRegistryTest, SavedStateIsLoadedByTheNextAgent) {
  {
    StateRegistry registry(dir_.string());
    auto s = acquire(registry, "rule/with:odd chars", "d1");
    s->update("10.0.0.1", [](Count& c, bool) { return c.n = 9, true; });
    std::string error;
    ASSERT_TRUE(registry.save_all(error)) << error;
    EXPECT_FALSE(s->dirty());
  }
  StateRegistry restarted(dir_.string());
  auto s = acquire(restarted, "rule/with:odd chars", "d1");
  EXPECT_EQ(value(*s, "10.0.0.1"), 9);
  // Another definition of the same rule does not read that file.
  auto changed = acquire(restarted, "rule/with:odd chars", "d2");
  EXPECT_EQ(changed->size(), 0u);
}

TEST_F(StateRegistryTest, CorruptFileIsSetAsideCountedAndTheRuleStartsEmpty) {
  StateRegistry registry(dir_.string());
  const std::string file = registry.file_for("test", "r-corrupt", "d1");
  fs::create_directories(fs::path(file).parent_path());
  std::ofstream(file) << "{\"format\":\"tripline-keyed-state\",\"version\":1,\"keys\":[[\"a\",";
  const double errors_before = StateMetrics::for_rule("r-corrupt").load_errors->Value();
  auto s = acquire(registry, "r-corrupt", "d1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size(), 0u);
  EXPECT_TRUE(fs::exists(file + ".corrupt"));
  EXPECT_FALSE(fs::exists(file));
  EXPECT_EQ(StateMetrics::for_rule("r-corrupt").load_errors->Value(), errors_before + 1);
}

TEST_F(StateRegistryTest, RetainDeletesFilesOfDroppedAndUnknownRules) {
  StateRegistry registry(dir_.string());
  std::string keep_key;
  auto keep = acquire(registry, "keep", "d1", &keep_key);
  auto drop = acquire(registry, "drop", "d1");
  keep->update("a", [](Count&, bool) { return true; });
  drop->update("a", [](Count&, bool) { return true; });
  std::string error;
  ASSERT_TRUE(registry.save_all(error)) << error;
  const std::string stale = (dir_ / "rule-state" / "test-gone-0123.json").string();
  std::ofstream(stale) << "{}";
  registry.retain({keep_key});
  EXPECT_TRUE(fs::exists(registry.file_for("test", "keep", "d1")));
  EXPECT_FALSE(fs::exists(registry.file_for("test", "drop", "d1")));
  EXPECT_FALSE(fs::exists(stale));
}

TEST_F(StateRegistryTest, FailedSaveKeepsTheStateDirtyForTheNextTry) {
  fs::create_directories(dir_);
  // A file where the state folder should be: every write fails.
  std::ofstream(dir_ / "rule-state") << "not a folder";
  StateRegistry registry(dir_.string());
  auto s = acquire(registry, "r", "d1");
  s->update("a", [](Count&, bool) { return true; });
  std::string error;
  EXPECT_FALSE(registry.save_all(error));
  EXPECT_FALSE(error.empty());
  EXPECT_TRUE(s->dirty());
}

}  // namespace
}  // namespace tripline::state
