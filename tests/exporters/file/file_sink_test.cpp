#include "exporters/file/file_sink.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "exporters/delivery/spooled_sink.h"
#include "tests/support/sink_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(FileSink, WritesOneJsonLinePerAlertThroughTheSpool) {
  testing::TempDir tmp;
  Diagnostics diags;
  auto sink = testing::build_sink(
      "  - { name: local, type: file, path: out/alerts.jsonl, fsync: always }", tmp.path(), diags);
  ASSERT_TRUE(sink) << testing::diag_text(diags);
  const auto alerts = testing::make_alerts(0, 5);
  ASSERT_TRUE(sink->deliver(alerts));
  EXPECT_TRUE(std::filesystem::exists(tmp / "spool/local"));
  ASSERT_TRUE(dynamic_cast<SpooledSink&>(*sink).wait_drained(std::chrono::seconds(5)));
  const auto lines = read_lines(tmp / "out/alerts.jsonl");
  ASSERT_EQ(lines.size(), 5u);
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i], alerts[i].to_json());
}

TEST(FileSink, RecreatesTheFileAfterItWasRotatedAway) {
  testing::TempDir tmp;
  Diagnostics diags;
  auto sink = testing::build_sink("  - { name: rot, type: file, path: a.jsonl }", tmp.path(),
                                  diags);
  ASSERT_TRUE(sink);
  auto& spooled = dynamic_cast<SpooledSink&>(*sink);
  ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 2)));
  ASSERT_TRUE(spooled.wait_drained(std::chrono::seconds(5)));
  std::filesystem::rename(tmp / "a.jsonl", tmp / "a.jsonl.1");
  ASSERT_TRUE(sink->deliver(testing::make_alerts(2, 3)));
  ASSERT_TRUE(spooled.wait_drained(std::chrono::seconds(5)));
  EXPECT_EQ(read_lines(tmp / "a.jsonl.1").size(), 2u);
  EXPECT_EQ(read_lines(tmp / "a.jsonl").size(), 3u);
}

TEST(FileSink, UnwritableDirectoryIsRetriedUntilItWorks) {
  testing::TempDir tmp;
  { std::ofstream(tmp / "blocker") << "x"; }  // a file where the directory should be
  Diagnostics diags;
  auto sink = testing::build_sink(
      "  - { name: retry, type: file, path: blocker/a.jsonl, "
      "retry: { initial_backoff: 10ms, max_backoff: 20ms }, circuit_breaker: { open_for: 50ms } }",
      tmp.path(), diags);
  ASSERT_TRUE(sink) << testing::diag_text(diags);
  ASSERT_TRUE(sink->deliver(testing::make_alerts(0, 1)));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto& spooled = dynamic_cast<SpooledSink&>(*sink);
  EXPECT_EQ(spooled.spool().pending_records(), 1u);
  std::filesystem::remove(tmp / "blocker");
  ASSERT_TRUE(spooled.wait_drained(std::chrono::seconds(5)));
  EXPECT_EQ(read_lines(tmp / "blocker/a.jsonl").size(), 1u);
}

TEST(FileSink, ConfigErrorsCarryFileAndLine) {
  testing::TempDir tmp;
  Diagnostics diags;
  auto sink = testing::build_sink(
      "  - name: bad\n    type: file\n    path: x\n    colour: blue\n"
      "    spool: { overflow: sometimes }\n",
      tmp.path(), diags);
  EXPECT_EQ(sink, nullptr);
  const std::string text = testing::diag_text(diags);
  EXPECT_NE(text.find("test.yaml:5"), std::string::npos) << text;  // colour
  EXPECT_NE(text.find("colour"), std::string::npos) << text;
  EXPECT_NE(text.find("test.yaml:6"), std::string::npos) << text;  // overflow
  EXPECT_NE(text.find("overflow"), std::string::npos) << text;
}

TEST(FileSink, MissingPathIsAnError) {
  testing::TempDir tmp;
  Diagnostics diags;
  EXPECT_EQ(testing::build_sink("  - { name: p, type: file }", tmp.path(), diags), nullptr);
  EXPECT_TRUE(diags.has_errors());
}

}  // namespace
}  // namespace tripline
