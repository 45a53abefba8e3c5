#include "collectors/iam_snapshot.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "config/config.h"
#include "tests/collectors/cloud/test_consumer.h"

namespace tripline {
namespace {

using cloud_testing::RecordingConsumer;
using cloud_testing::ScratchDir;

std::string fixture(const std::string& name) {
  return std::string(TRIPLINE_FIXTURES_DIR) + "/iam/" + name;
}

std::unique_ptr<IamSnapshotCollector> build(const ScratchDir& dir) {
  Diagnostics diags;
  Config config = load_config_text("inputs:\n  - { name: iam, type: iam_snapshot, dir: " +
                                       dir / "snapshots" + ", baseline: " +
                                       fixture("baseline.json") + " }\n",
                                   "t.yaml", diags);
  CollectorContext ctx{"h", dir / "state", dir.path()};
  auto c = make_iam_snapshot_collector(config.inputs.at(0), ctx, diags);
  EXPECT_FALSE(diags.has_errors()) << (diags.items.empty() ? "" : diags.items[0].to_string());
  return std::unique_ptr<IamSnapshotCollector>(static_cast<IamSnapshotCollector*>(c.release()));
}

TEST(IamSnapshotInput, EachFindingOfANewSnapshotIsOneEventAndSnapshotsAreComparedOnce) {
  ScratchDir dir;
  std::filesystem::create_directories(dir / "snapshots");
  std::filesystem::copy_file(fixture("snapshot.json"), dir / "snapshots/2024-02-01T00.json");
  std::filesystem::copy_file(fixture("baseline.json"), dir / "snapshots/2024-01-01T00.json");
  cloud_testing::write_file(dir / "snapshots/2024-02-02T00.json", "{\"UserDetailList\":[{\"Use");
  {
    auto c = build(dir);
    RecordingConsumer out;
    ASSERT_TRUE(c->poll_once(out));
    ASSERT_EQ(out.size(), 12u);  // the half-written snapshot waits
    const auto events = out.events();
    EXPECT_EQ(events[0].logsource().to_string(), "aws/iam_snapshot");
    EXPECT_EQ(events[0].text("iam_drift.kind"), "policy_attached");
    ASSERT_TRUE(c->poll_once(out));
    EXPECT_EQ(out.size(), 12u);
    c->flush_checkpoints();
  }
  auto c = build(dir);
  RecordingConsumer out;
  ASSERT_TRUE(c->poll_once(out));
  EXPECT_EQ(out.size(), 0u);  // compared before the restart
}

}  // namespace
}  // namespace tripline
