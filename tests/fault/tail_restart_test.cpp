// Whole-agent faults around a stop: the tailed file or the checkpoint is changed or damaged
// while `tripline run` is down, then the agent is started again. Oracle: every line written is
// delivered, none before the damage is delivered twice unless the checkpoint itself was lost, and
// the agent says what it did (log line, metric).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>

#include "collectors/checkpoint_store.h"
#include "tests/support/agent_harness.h"
#include "tests/support/tick_log.h"

namespace tripline {
namespace {

using namespace std::chrono_literals;
using testing::AgentHarness;
using testing::eventually;
using testing::TickScanner;

constexpr int64_t kTotal = 10000;  // sequence numbers the scanner tracks

class TailRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(agent_.path("log"));
    std::filesystem::create_directories(agent_.path("rules"));
    testing::write_file(agent_.path("rules/tick.yml"), testing::tick_rule_yaml());
    agent_.write_config(
        testing::tail_agent_config(agent_.dir(), testing::alert_file_output(agent_.dir())));
  }

  std::string log_path() const { return agent_.path("log/app.log"); }
  std::string checkpoint_path() const { return agent_.path("state/checkpoints/app.json"); }

  void append_ticks(int64_t from, int64_t to) {
    FILE* f = std::fopen(log_path().c_str(), "a");
    ASSERT_NE(f, nullptr);
    for (int64_t s = from; s < to; ++s) std::fputs(testing::tick_line(s).c_str(), f);
    std::fclose(f);
  }
  void replace_with_ticks(int64_t from, int64_t to) {
    std::filesystem::resize_file(log_path(), 0);
    append_ticks(from, to);
  }

  // Waits until `count` distinct ticks arrived.
  bool delivered(size_t count) {
    return eventually(
        [&] {
          alerts_.update();
          return alerts_.distinct() >= count;
        },
        60s);
  }

  // Runs the agent over ticks [0, 1000), stops it cleanly, applies `damage`, starts it again.
  void run_stop_damage_restart(const std::function<void()>& damage) {
    append_ticks(0, 1000);
    ASSERT_TRUE(agent_.start()) << agent_.log();
    ASSERT_TRUE(delivered(1000)) << agent_.log();
    ASSERT_EQ(agent_.stop(), 0);
    damage();
    ASSERT_TRUE(agent_.start()) << agent_.log();
  }

  void expect_exactly_once(int64_t from, int64_t to) {
    alerts_.update();
    for (int64_t s = from; s < to; ++s) {
      ASSERT_EQ(alerts_.times_seen(s), 1u) << "seq " << s;
    }
    EXPECT_EQ(alerts_.unparsable(), 0u);
    EXPECT_EQ(alerts_.bad_payloads(), 0u);
  }

  AgentHarness agent_{"tail-restart"};
  TickScanner alerts_{agent_.path("alerts.jsonl"), kTotal};
};

TEST_F(TailRestartTest, FileTruncatedBelowTheCheckpointWhileStoppedIsReadFromItsStart) {
  run_stop_damage_restart([&] { replace_with_ticks(1000, 1100); });
  ASSERT_TRUE(delivered(1100)) << agent_.log();
  append_ticks(1100, 1200);  // and it is followed on from there
  ASSERT_TRUE(delivered(1200)) << agent_.log();
  expect_exactly_once(0, 1200);
  EXPECT_NE(agent_.log().find("while stopped"), std::string::npos) << agent_.log();
}

TEST_F(TailRestartTest, FileTruncatedAndRegrownPastTheCheckpointWhileStoppedLosesNothing) {
  // 3000 new lines: the file ends far beyond the old checkpoint offset, so only its content
  // tells it is not the file the checkpoint describes.
  run_stop_damage_restart([&] { replace_with_ticks(1000, 4000); });
  ASSERT_TRUE(delivered(4000)) << agent_.log();
  expect_exactly_once(0, 4000);
}

// The file is deleted and a new one takes its inode (ext4 and xfs hand a freed inode to the next
// file created). When this filesystem gives another inode, the checkpoint is rewritten to name
// the new inode instead: to the agent both look the same.
TEST_F(TailRestartTest, InodeReusedByANewFileWhileStoppedIsReadFromItsStart) {
  bool reused = false;
  run_stop_damage_restart([&] {
    struct stat old_st {};
    ASSERT_EQ(::stat(log_path().c_str(), &old_st), 0);
    std::filesystem::remove(log_path());
    append_ticks(1000, 3000);  // longer than the checkpointed offset
    struct stat new_st {};
    ASSERT_EQ(::stat(log_path().c_str(), &new_st), 0);
    reused = new_st.st_ino == old_st.st_ino && new_st.st_dev == old_st.st_dev;
    if (!reused) {
      CheckpointStore store(agent_.path("state"), "app");
      std::vector<FileCheckpoint> files;
      ASSERT_EQ(store.load(files), CheckpointStore::LoadResult::kLoaded);
      ASSERT_EQ(files.size(), 1u);
      files[0].ino = new_st.st_ino;
      files[0].dev = new_st.st_dev;
      ASSERT_TRUE(store.save(files));
    }
  });
  ASSERT_TRUE(delivered(3000)) << agent_.log();
  expect_exactly_once(0, 3000);
  RecordProperty("inode_reused_by_filesystem", reused ? "yes" : "no");
}

// A damaged checkpoint cannot say where the files were: the agent warns, counts it, reads every
// file from the beginning (duplicates, never a loss), keeps running and writes a good checkpoint.
class CheckpointDamageTest : public TailRestartTest,
                             public ::testing::WithParamInterface<std::string> {};

TEST_P(CheckpointDamageTest, AgentRereadsEverythingOnceCountsItAndWritesAGoodCheckpoint) {
  run_stop_damage_restart([&] {
    testing::write_file(checkpoint_path(), GetParam());
    append_ticks(1000, 1100);  // written while stopped
  });
  ASSERT_TRUE(delivered(1100)) << agent_.log();
  append_ticks(1100, 1200);
  ASSERT_TRUE(delivered(1200)) << agent_.log();
  EXPECT_EQ(agent_.metric("tripline_checkpoint_errors_total{input=\"app\"}"), 1.0);
  EXPECT_NE(agent_.log().find("checkpoint corrupt"), std::string::npos) << agent_.log();
  ASSERT_EQ(agent_.stop(), 0);

  // Read again from the start: the first 1000 at most twice, nothing lost.
  alerts_.update();
  for (int64_t s = 0; s < 1200; ++s) {
    ASSERT_GE(alerts_.times_seen(s), 1u) << s;
    ASSERT_LE(alerts_.times_seen(s), s < 1000 ? 2u : 1u) << s;
  }
  EXPECT_EQ(alerts_.bad_payloads(), 0u);

  // The checkpoint written since is whole: the next start neither complains nor re-reads.
  std::vector<FileCheckpoint> files;
  std::string error;
  ASSERT_TRUE(CheckpointStore::decode(testing::read_file(checkpoint_path()), files, error))
      << error;
  const size_t lines_before = alerts_.lines();
  ASSERT_TRUE(agent_.start()) << agent_.log();
  append_ticks(1200, 1250);
  ASSERT_TRUE(delivered(1250)) << agent_.log();
  EXPECT_EQ(agent_.metric("tripline_checkpoint_errors_total{input=\"app\"}"), 0.0);
  alerts_.update();
  EXPECT_EQ(alerts_.lines() - lines_before, 50u);
}

INSTANTIATE_TEST_SUITE_P(Damage, CheckpointDamageTest,
                         ::testing::Values(std::string(),  // zero length
                                           std::string("{\"version\":1,\"input\":\"app\",\"fi"),
                                           std::string("\x7f" "ELF\0\0\xff garbage", 15)),
                         [](const auto& info) {
                           return std::string(info.index == 0   ? "ZeroLength"
                                              : info.index == 1 ? "TornJson"
                                                                : "Garbage");
                         });

}  // namespace
}  // namespace tripline
