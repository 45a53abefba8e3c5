#include "rules/lua/lua_limits.h"

#include <gtest/gtest.h>

namespace tripline {
namespace {

LuaLimits read(const std::string& yaml, Diagnostics& diags) {
  return read_lua_limits(YAML::Load(yaml), "tripline.yaml", diags);
}

TEST(LuaLimitsTest, MissingNodeGivesTheDefaults) {
  Diagnostics diags;
  const LuaLimits l = read_lua_limits(YAML::Node(), "tripline.yaml", diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_EQ(l.memory_bytes, 32ULL << 20);
  EXPECT_EQ(l.instruction_budget, 1'000'000u);
  EXPECT_EQ(l.wall_time, std::chrono::milliseconds(100));
  EXPECT_EQ(l.max_errors, 5u);
  EXPECT_EQ(l.instances, 2u);
}

TEST(LuaLimitsTest, ReadsSizesDurationsAndCounts) {
  Diagnostics diags;
  const LuaLimits l = read(R"(
memory: 16MiB
instructions: 5000000
wall_time: 250ms
max_errors: 3
error_window: 5m
quarantine_for: 10m
instances: 4
state_max_keys: 500
state_default_ttl: 1h
json_max_bytes: 64KiB
)",
                           diags);
  ASSERT_FALSE(diags.has_errors()) << diags.items[0].to_string();
  EXPECT_EQ(l.memory_bytes, 16ULL << 20);
  EXPECT_EQ(l.instruction_budget, 5'000'000u);
  EXPECT_EQ(l.wall_time, std::chrono::milliseconds(250));
  EXPECT_EQ(l.max_errors, 3u);
  EXPECT_EQ(l.error_window, std::chrono::minutes(5));
  EXPECT_EQ(l.quarantine_for, std::chrono::minutes(10));
  EXPECT_EQ(l.instances, 4u);
  EXPECT_EQ(l.state_max_keys, 500u);
  EXPECT_EQ(l.state_default_ttl, std::chrono::hours(1));
  EXPECT_EQ(l.json_max_bytes, 64u << 10);
}

TEST(LuaLimitsTest, UnknownKeysAndBadValuesAreErrorsWithLines) {
  Diagnostics diags;
  read("memory: 10KiB\ninstances: 0\nmemroy: 1MiB\n", diags);
  ASSERT_EQ(diags.error_count(), 3u);
  std::string all;
  for (const auto& d : diags.items) all += d.to_string() + "\n";
  EXPECT_NE(all.find("tripline.yaml:1"), std::string::npos) << all;
  EXPECT_NE(all.find("tripline.yaml:2"), std::string::npos) << all;
  EXPECT_NE(all.find("memroy"), std::string::npos) << all;
}

}  // namespace
}  // namespace tripline
