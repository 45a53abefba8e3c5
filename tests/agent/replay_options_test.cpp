#include "agent/replay_options.h"

#include <gtest/gtest.h>

namespace tripline {
namespace {

TEST(ReplayOptionsTest, ParsesRepeatedRulesAndLogsource) {
  ReplayOptions o;
  std::string err;
  ASSERT_TRUE(parse_replay_options({"--rules", "a", "--rules=b", "--format", "jsonl",
                                    "--logsource", "aws/cloudtrail", "f1", "f2.gz"},
                                   o, err))
      << err;
  EXPECT_EQ(o.rule_paths, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.format, "jsonl");
  EXPECT_EQ(o.logsource->service, "cloudtrail");
  EXPECT_EQ(o.files.size(), 2u);
}

TEST(ReplayOptionsTest, ParsesKeyValueLogsource) {
  LogSource ls;
  ASSERT_TRUE(parse_logsource_arg("product=linux,category=process_creation", ls));
  EXPECT_EQ(ls.product, "linux");
  EXPECT_EQ(ls.category, "process_creation");
  EXPECT_FALSE(parse_logsource_arg("colour=blue", ls));
}

TEST(ReplayOptionsTest, UsageErrors) {
  auto fails = [](std::vector<std::string> args) {
    ReplayOptions o;
    std::string err;
    const bool ok = parse_replay_options(args, o, err);
    return !ok && !err.empty();
  };
  EXPECT_TRUE(fails({"file"}));            // no --rules
  EXPECT_TRUE(fails({"--rules", "r"}));    // no file
  EXPECT_TRUE(fails({"--rules", "r", "--format", "xml", "f"}));
  EXPECT_TRUE(fails({"--rules", "r", "--bogus", "f"}));
  EXPECT_TRUE(fails({"--rules"}));
}

}  // namespace
}  // namespace tripline
