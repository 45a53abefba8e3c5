#include <gtest/gtest.h>

#include "tests/collectors/cloud/test_consumer.h"
#include "tests/support/agent_process.h"

namespace tripline {
namespace {

using cloud_testing::ScratchDir;

std::string fixture(const std::string& name) {
  return std::string(TRIPLINE_FIXTURES_DIR) + "/iam/" + name;
}

TEST(IamDiffCli, DriftIsPrintedOneFindingPerLineAndExitsOne) {
  ScratchDir dir;
  testing::AgentProcess p({"iam", "diff", fixture("baseline.json"), fixture("snapshot.json")},
                          dir / "out", dir / "err");
  EXPECT_EQ(p.wait(), 1);
  const std::string out = testing::read_file(dir / "out");
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 12);
  EXPECT_NE(out.find(R"({"iam_drift":{"kind":"trust_widened","principal":"role/auditor")"),
            std::string::npos);
}

TEST(IamDiffCli, NoDriftExitsZeroAndBadInputExitsTwo) {
  ScratchDir dir;
  {
    testing::AgentProcess p({"iam", "diff", fixture("baseline.json"), fixture("baseline.json")},
                            dir / "out", dir / "err");
    EXPECT_EQ(p.wait(), 0);
  }
  {
    testing::AgentProcess p({"iam", "diff", fixture("baseline.json"), dir / "missing.json"},
                            dir / "out2", dir / "err2");
    EXPECT_EQ(p.wait(), 2);
  }
  {
    testing::AgentProcess p({"iam", "diff"}, dir / "out3", dir / "err3");
    EXPECT_EQ(p.wait(), 2);
  }
}

}  // namespace
}  // namespace tripline
