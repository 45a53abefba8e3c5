#include "collectors/tail/line_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tripline {
namespace {

struct Collected {
  std::string text;
  uint64_t begin, end;
  bool truncated;
};

std::vector<Collected> feed(LineFramer& f, std::string_view data) {
  std::vector<Collected> out;
  f.feed(data, [&](const LineFramer::Line& l) {
    out.push_back({std::string(l.text), l.begin, l.end, l.truncated});
  });
  return out;
}

TEST(LineFramerTest, SplitsLinesAndReportsTheirOffsets) {
  LineFramer f(1024);
  f.reset(100);
  auto lines = feed(f, "ab\ncde\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "ab");
  EXPECT_EQ(lines[0].begin, 100u);
  EXPECT_EQ(lines[0].end, 103u);
  EXPECT_EQ(lines[1].text, "cde");
  EXPECT_EQ(lines[1].begin, 103u);
  EXPECT_EQ(lines[1].end, 107u);
  EXPECT_FALSE(f.holding());
  EXPECT_EQ(f.line_start(), 107u);
}

TEST(LineFramerTest, HoldsPartialLineUntilItsNewlineArrives) {
  LineFramer f(1024);
  f.reset(0);
  EXPECT_TRUE(feed(f, "hel").empty());
  EXPECT_TRUE(f.holding());
  EXPECT_EQ(f.line_start(), 0u);
  EXPECT_EQ(f.next_offset(), 3u);
  EXPECT_TRUE(feed(f, "lo wor").empty());
  auto lines = feed(f, "ld\nnext");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "hello world");
  EXPECT_EQ(lines[0].begin, 0u);
  EXPECT_EQ(lines[0].end, 12u);
  EXPECT_EQ(f.line_start(), 12u);
  EXPECT_EQ(f.next_offset(), 16u);
}

TEST(LineFramerTest, StripsCarriageReturnOfCrlfLines) {
  LineFramer f(1024);
  f.reset(0);
  auto lines = feed(f, "a\r\nb\r");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "a");
  lines = feed(f, "\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "b");
}

TEST(LineFramerTest, TruncatesLongLineInOneChunkAndKeepsItsFullExtent) {
  LineFramer f(4);
  f.reset(0);
  auto lines = feed(f, "abcdefgh\nxy\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "abcd");
  EXPECT_TRUE(lines[0].truncated);
  EXPECT_EQ(lines[0].end, 9u);
  EXPECT_EQ(lines[1].text, "xy");
  EXPECT_FALSE(lines[1].truncated);
  EXPECT_EQ(lines[1].begin, 9u);
}

TEST(LineFramerTest, TruncatesLongLineSpreadOverChunksWithBoundedMemory) {
  LineFramer f(5);
  f.reset(0);
  EXPECT_TRUE(feed(f, "abc").empty());
  EXPECT_TRUE(feed(f, std::string(1000, 'z')).empty());
  auto lines = feed(f, "zz\nok\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "abczz");
  EXPECT_TRUE(lines[0].truncated);
  EXPECT_EQ(lines[0].end, 1006u);
  EXPECT_EQ(lines[1].text, "ok");
}

TEST(LineFramerTest, FlushEmitsTheHeldRemainder) {
  LineFramer f(1024);
  f.reset(10);
  feed(f, "tail");
  std::vector<std::string> out;
  EXPECT_TRUE(f.flush([&](const LineFramer::Line& l) {
    out.emplace_back(l.text);
    EXPECT_EQ(l.begin, 10u);
    EXPECT_EQ(l.end, 14u);
  }));
  EXPECT_EQ(out, std::vector<std::string>{"tail"});
  EXPECT_FALSE(f.flush([&](const LineFramer::Line&) { ADD_FAILURE(); }));
}

TEST(LineFramerTest, ResetDropsHeldBytes) {
  LineFramer f(1024);
  f.reset(0);
  feed(f, "partial");
  f.reset(3);
  EXPECT_FALSE(f.holding());
  auto lines = feed(f, "x\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "x");
  EXPECT_EQ(lines[0].begin, 3u);
}

}  // namespace
}  // namespace tripline
