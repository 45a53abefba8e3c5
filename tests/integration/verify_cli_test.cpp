#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "exporters/file/chain.h"
#include "exporters/file/file_sink.h"
#include "tests/support/agent_process.h"
#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

using testing::AgentProcess;
using testing::read_file;

class VerifyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("verify");
    ASSERT_FALSE(dir_.empty());
    FileTransport t("v", dir_ + "/alerts.jsonl", FileTransport::Fsync::kNever,
                    std::chrono::seconds(1), true);
    const auto alerts = testing::make_alerts(0, 6);
    ASSERT_EQ(t.send(alerts).status, SendResult::Status::kOk);
    t.close();
    std::ifstream in(dir_ + "/alerts.jsonl");
    for (std::string line; std::getline(in, line);) lines_.push_back(line);
    ASSERT_EQ(lines_.size(), 6u);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  void write(const std::string& name, const std::vector<std::string>& lines) {
    std::ofstream out(dir_ + "/" + name);
    for (const auto& l : lines) out << l << "\n";
  }

  // Runs `tripline verify args...`; returns the exit code, fills `out`.
  int verify(std::vector<std::string> args, std::string& out) {
    args.insert(args.begin(), "verify");
    const std::string o = dir_ + "/out" + std::to_string(++runs_);
    AgentProcess p(args, o, o + ".err");
    const int rc = p.wait();
    out = read_file(o) + read_file(o + ".err");
    return rc;
  }

  std::string dir_;
  std::vector<std::string> lines_;
  int runs_ = 0;
};

TEST_F(VerifyCli, IntactChainExitsZeroAndPrintsTheHead) {
  std::string out;
  EXPECT_EQ(verify({dir_ + "/alerts.jsonl"}, out), 0) << out;
  EXPECT_NE(out.find("OK: 6 records"), std::string::npos) << out;
  EXPECT_NE(out.find(chain_record_hash(lines_.back())), std::string::npos) << out;
}

TEST_F(VerifyCli, EditedLineIsReportedAtTheNextLineWithExpectedAndActual) {
  auto edited = lines_;
  edited[2].replace(edited[2].find("Test alert 2"), 12, "Test alert Z");
  write("edited.jsonl", edited);
  std::string out;
  EXPECT_EQ(verify({dir_ + "/edited.jsonl"}, out), 1);
  EXPECT_NE(out.find("edited.jsonl:4: broken link"), std::string::npos) << out;
  EXPECT_NE(out.find("expected prev_sha256: " + chain_record_hash(edited[2])), std::string::npos)
      << out;
  EXPECT_NE(out.find("actual prev_sha256:   " + chain_record_hash(lines_[2])), std::string::npos)
      << out;
}

TEST_F(VerifyCli, DeletedLineIsReportedWhereTheGapIs) {
  auto deleted = lines_;
  deleted.erase(deleted.begin() + 3);
  write("deleted.jsonl", deleted);
  std::string out;
  EXPECT_EQ(verify({dir_ + "/deleted.jsonl"}, out), 1);
  EXPECT_NE(out.find("deleted.jsonl:4: broken link"), std::string::npos) << out;
}

TEST_F(VerifyCli, ReorderedLinesAreReportedAtTheFirstMovedLine) {
  auto reordered = lines_;
  std::swap(reordered[4], reordered[5]);
  write("reordered.jsonl", reordered);
  std::string out;
  EXPECT_EQ(verify({dir_ + "/reordered.jsonl"}, out), 1);
  EXPECT_NE(out.find("reordered.jsonl:5: broken link"), std::string::npos) << out;
}

TEST_F(VerifyCli, FirstLineMustLinkToGenesisUnlessContinued) {
  std::vector<std::string> tail(lines_.begin() + 2, lines_.end());
  write("tail.jsonl", tail);
  std::string out;
  EXPECT_EQ(verify({dir_ + "/tail.jsonl"}, out), 1);
  EXPECT_NE(out.find("tail.jsonl:1: broken link"), std::string::npos) << out;
  EXPECT_NE(out.find("expected prev_sha256: " + chain_genesis_hash()), std::string::npos) << out;
  EXPECT_EQ(verify({"--continued", dir_ + "/tail.jsonl"}, out), 0) << out;
}

TEST_F(VerifyCli, RotatedFilesVerifyTogetherOldestFirst) {
  write("a.1", {lines_.begin(), lines_.begin() + 3});
  write("a.0", {lines_.begin() + 3, lines_.end()});
  std::string out;
  EXPECT_EQ(verify({dir_ + "/a.1", dir_ + "/a.0"}, out), 0) << out;
  EXPECT_EQ(verify({dir_ + "/a.0", dir_ + "/a.1"}, out), 1) << out;
}

TEST_F(VerifyCli, UnchainedLineAndUsageErrors) {
  auto plain = lines_;
  plain[1] = testing::make_alert(1).to_json();
  write("plain.jsonl", plain);
  std::string out;
  EXPECT_EQ(verify({dir_ + "/plain.jsonl"}, out), 1);
  EXPECT_NE(out.find("plain.jsonl:2: no prev_sha256 member"), std::string::npos) << out;
  EXPECT_EQ(verify({}, out), 2);
  EXPECT_EQ(verify({dir_ + "/missing.jsonl"}, out), 2);
  EXPECT_EQ(verify({"--bogus", dir_ + "/alerts.jsonl"}, out), 2);
}

}  // namespace
}  // namespace tripline
