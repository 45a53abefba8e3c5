#include "exporters/file/chain.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/digest.h"
#include "exporters/delivery/spooled_sink.h"
#include "exporters/file/file_sink.h"
#include "tests/support/sink_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

std::vector<std::string> read_chain_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Index (1-based) of the first line whose link is broken, 0 when the chain holds.
size_t first_break(const std::vector<std::string>& lines,
                   std::string anchor = chain_genesis_hash()) {
  ChainVerifier v(std::move(anchor));
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!v.feed(lines[i])) return i + 1;
  }
  return 0;
}

void send(FileTransport& t, int from, int count) {
  const auto alerts = testing::make_alerts(from, count);
  ASSERT_EQ(t.send(alerts).status, SendResult::Status::kOk);
}

FileTransport chained(const std::string& path) {
  return FileTransport("chain", path, FileTransport::Fsync::kNever, std::chrono::seconds(1), true);
}

TEST(AlertChain, GenesisIsTheSha256OfTheDocumentedString) {
  EXPECT_EQ(chain_genesis_hash(), sha256_hex("tripline-chain-v1"));
}

TEST(AlertChain, EachLineLinksToTheHashOfThePreviousOneFromGenesis) {
  testing::TempDir tmp;
  auto t = chained(tmp / "a.jsonl");
  send(t, 0, 3);
  t.close();
  const auto lines = read_chain_lines(tmp / "a.jsonl");
  ASSERT_EQ(lines.size(), 3u);
  std::string link, error;
  ASSERT_TRUE(chain_read_link(lines[0], link, error)) << error;
  EXPECT_EQ(link, chain_genesis_hash());
  ASSERT_TRUE(chain_read_link(lines[2], link, error));
  EXPECT_EQ(link, sha256_hex(lines[1]));
  // The alert itself is unchanged apart from the added last member.
  const std::string plain = testing::make_alert(0).to_json();
  EXPECT_EQ(lines[0].substr(0, plain.size() - 1), plain.substr(0, plain.size() - 1));
  EXPECT_EQ(first_break(lines), 0u);
}

TEST(AlertChain, ClosingLogsTheHeadHash) {
  testing::TempDir tmp;
  auto t = chained(tmp / "a.jsonl");
  send(t, 0, 2);
  ::testing::internal::CaptureStderr();
  t.close();
  const std::string log = ::testing::internal::GetCapturedStderr();
  const auto lines = read_chain_lines(tmp / "a.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(log.find("\"head_sha256\":\"" + sha256_hex(lines[1]) + "\""), std::string::npos) << log;
}

TEST(AlertChain, ContinuesAcrossARestartFromTheFilesLastLine) {
  testing::TempDir tmp;
  {
    auto t = chained(tmp / "a.jsonl");
    send(t, 0, 2);
  }
  {
    auto t = chained(tmp / "a.jsonl");
    send(t, 2, 2);
  }
  const auto lines = read_chain_lines(tmp / "a.jsonl");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(first_break(lines), 0u);
}

TEST(AlertChain, TornLastRecordIsCutOffSoTheChainHasNoGap) {
  testing::TempDir tmp;
  {
    auto t = chained(tmp / "a.jsonl");
    send(t, 0, 2);
  }
  { std::ofstream(tmp / "a.jsonl", std::ios::app) << R"({"alert_id":"half-writ)"; }
  {
    auto t = chained(tmp / "a.jsonl");
    send(t, 2, 1);
  }
  const auto lines = read_chain_lines(tmp / "a.jsonl");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(first_break(lines), 0u);
  EXPECT_EQ(lines[2].find("half-writ"), std::string::npos);
}

TEST(AlertChain, FileMadeOnlyOfATornRecordStartsOverAtGenesis) {
  testing::TempDir tmp;
  { std::ofstream(tmp / "a.jsonl") << R"({"alert_id":"torn)"; }
  auto t = chained(tmp / "a.jsonl");
  send(t, 0, 1);
  t.close();
  const auto lines = read_chain_lines(tmp / "a.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(first_break(lines), 0u);
}

TEST(AlertChain, RotatedFileIsContinuedByTheNewOne) {
  testing::TempDir tmp;
  auto t = chained(tmp / "a.jsonl");
  send(t, 0, 2);
  std::filesystem::rename(tmp / "a.jsonl", tmp / "a.jsonl.1");
  send(t, 2, 2);
  t.close();
  auto old_lines = read_chain_lines(tmp / "a.jsonl.1");
  const auto new_lines = read_chain_lines(tmp / "a.jsonl");
  ASSERT_EQ(old_lines.size(), 2u);
  ASSERT_EQ(new_lines.size(), 2u);
  EXPECT_EQ(first_break(new_lines), 1u) << "alone, the new file does not start at genesis";
  EXPECT_EQ(first_break(new_lines, ""), 0u) << "but holds together as a continued chain";
  old_lines.insert(old_lines.end(), new_lines.begin(), new_lines.end());
  EXPECT_EQ(first_break(old_lines), 0u) << "both files in order are one chain";
}

TEST(AlertChain, EditDeleteInsertAndReorderBreakTheFirstAffectedLink) {
  testing::TempDir tmp;
  auto t = chained(tmp / "a.jsonl");
  send(t, 0, 6);
  t.close();
  const auto lines = read_chain_lines(tmp / "a.jsonl");
  ASSERT_EQ(first_break(lines), 0u);

  auto edited = lines;
  edited[2].replace(edited[2].find("Test alert 2"), 12, "Test alert X");
  EXPECT_EQ(first_break(edited), 4u);

  auto deleted = lines;
  deleted.erase(deleted.begin() + 2);
  EXPECT_EQ(first_break(deleted), 3u);

  auto reordered = lines;
  std::swap(reordered[1], reordered[2]);
  EXPECT_EQ(first_break(reordered), 2u);

  auto inserted = lines;
  inserted.insert(inserted.begin() + 3, lines[0]);
  EXPECT_EQ(first_break(inserted), 4u);

  auto head_cut = lines;
  head_cut.erase(head_cut.begin());
  EXPECT_EQ(first_break(head_cut), 1u);

  auto garbage = lines;
  garbage[4] = "not json";
  EXPECT_EQ(first_break(garbage), 5u);
}

TEST(AlertChain, ChainOptionIsReadFromTheOutputConfig) {
  testing::TempDir tmp;
  Diagnostics diags;
  auto sink = testing::build_sink("  - { name: c, type: file, path: c.jsonl, chain: true }",
                                  tmp.path(), diags);
  ASSERT_TRUE(sink) << testing::diag_text(diags);
  ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 3)));
  ASSERT_TRUE(dynamic_cast<SpooledSink&>(*sink).wait_drained(std::chrono::seconds(5)));
  sink->close();
  EXPECT_EQ(first_break(read_chain_lines(tmp / "c.jsonl")), 0u);

  Diagnostics bad;
  EXPECT_FALSE(testing::build_sink("  - { name: c, type: file, path: c.jsonl, chain: maybe }",
                                   tmp.path(), bad));
  EXPECT_TRUE(bad.has_errors());
}

}  // namespace
}  // namespace tripline
