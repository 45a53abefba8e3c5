#include "exporters/spool/spool.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/metrics.h"
#include "tests/support/temp_dir.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> numbered(int from, int count, size_t pad = 0) {
  std::vector<std::string> out;
  for (int i = from; i < from + count; ++i) {
    char name[32];  // room for any int; the tests use 0..9999
    std::snprintf(name, sizeof name, "record-%04d", i);  // fixed width: 23 bytes framed
    out.push_back(name + std::string(pad, 'x'));
  }
  return out;
}

std::unique_ptr<Spool> open_spool(const std::string& dir, SpoolOptions options = {},
                                  const std::string& name = "test") {
  std::string error;
  auto spool = Spool::open(dir, name, options, error);
  EXPECT_TRUE(spool) << error;
  return spool;
}

// Takes and commits everything, returning the payloads in order.
std::vector<std::string> drain(Spool& spool, size_t batch = 7) {
  std::vector<std::string> all, part;
  while (spool.take(batch, 1 << 20, part)) {
    all.insert(all.end(), part.begin(), part.end());
    spool.commit();
  }
  return all;
}

std::vector<std::string> segments(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("seg-", 0) == 0) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Spool, DeliversRecordsInAppendOrder) {
  testing::TempDir tmp;
  auto spool = open_spool(tmp.path());
  const auto in = numbered(0, 50);
  ASSERT_EQ(spool->append(in).status, SpoolAppendResult::Status::kStored);
  EXPECT_EQ(spool->pending_records(), 50u);
  EXPECT_EQ(drain(*spool), in);
  EXPECT_EQ(spool->pending_records(), 0u);
  EXPECT_EQ(spool->pending_bytes(), 0u);
}

TEST(Spool, OnlyOneBatchIsInFlight) {
  testing::TempDir tmp;
  auto spool = open_spool(tmp.path());
  spool->append(numbered(0, 10));
  std::vector<std::string> a, b;
  ASSERT_TRUE(spool->take(4, 1 << 20, a));
  EXPECT_FALSE(spool->take(4, 1 << 20, b));
  spool->commit();
  ASSERT_TRUE(spool->take(4, 1 << 20, b));
  EXPECT_EQ(b.front(), "record-0004");
}

TEST(Spool, UncommittedBatchIsDeliveredAgainAfterRestart) {
  testing::TempDir tmp;
  {
    auto spool = open_spool(tmp.path());
    spool->append(numbered(0, 10));
    std::vector<std::string> part;
    ASSERT_TRUE(spool->take(3, 1 << 20, part));
    spool->commit();
    ASSERT_TRUE(spool->take(3, 1 << 20, part));  // in flight when the process "dies"
  }
  auto spool = open_spool(tmp.path());
  EXPECT_EQ(spool->pending_records(), 7u);
  EXPECT_EQ(drain(*spool), numbered(3, 7));
}

TEST(Spool, RecordsAppendedAfterRestartFollowOldOnes) {
  testing::TempDir tmp;
  { open_spool(tmp.path())->append(numbered(0, 5)); }
  auto spool = open_spool(tmp.path());
  spool->append(numbered(5, 5));
  EXPECT_EQ(drain(*spool), numbered(0, 10));
}

TEST(Spool, RotatesSegmentsAndDeletesDeliveredOnes) {
  testing::TempDir tmp;
  SpoolOptions options;
  options.segment_bytes = 4096;
  auto spool = open_spool(tmp.path(), options);
  const auto in = numbered(0, 200, 100);
  for (size_t i = 0; i < in.size(); i += 10) {
    spool->append(std::span(in).subspan(i, 10));
  }
  EXPECT_GT(segments(tmp.path()).size(), 4u);
  EXPECT_EQ(drain(*spool), in);
  EXPECT_EQ(segments(tmp.path()).size(), 1u);  // only the head is kept
}

TEST(Spool, OneBatchLargerThanASegmentIsSplitAcrossSegments) {
  testing::TempDir tmp;
  SpoolOptions options;
  options.segment_bytes = 4096;
  auto spool = open_spool(tmp.path(), options);
  const auto in = numbered(0, 50, 1000);  // ~50 KB in one append
  ASSERT_EQ(spool->append(in).status, SpoolAppendResult::Status::kStored);
  const auto segs = segments(tmp.path());
  EXPECT_GE(segs.size(), 12u);
  for (const auto& seg : segs) EXPECT_LE(fs::file_size(seg), 4096u) << seg;
  EXPECT_EQ(drain(*spool), in);
}

// A write that fails part-way through a batch spanning segments (here: past a file-size limit,
// in a child process) leaves nothing of the batch behind, so the caller's retry stores it once.
TEST(SpoolDeathTest, FailedAppendSpanningSegmentsLeavesNothingBehind) {
  testing::TempDir tmp;
  EXPECT_EXIT(
      {
        std::signal(SIGXFSZ, SIG_IGN);
        SpoolOptions options;
        options.segment_bytes = 4096;
        auto spool = open_spool(tmp.path(), options);
        spool->append(numbered(0, 3, 1000));  // the head segment holds ~3 KB
        // Four 1 KB records fill the next segment; the last, 6 KB, needs one of its own and
        // hits the 5000-byte limit after two segments were begun.
        auto batch = numbered(3, 4, 1000);
        batch.push_back(std::string(6000, 'y'));
        struct rlimit lim {};
        ::getrlimit(RLIMIT_FSIZE, &lim);
        const rlim_t unlimited = lim.rlim_cur;
        lim.rlim_cur = 5000;
        ::setrlimit(RLIMIT_FSIZE, &lim);
        const bool refused = spool->append(batch).status == SpoolAppendResult::Status::kIoError;
        lim.rlim_cur = unlimited;
        ::setrlimit(RLIMIT_FSIZE, &lim);
        const bool nothing_left = spool->pending_records() == 3 && segments(tmp.path()).size() == 1;
        const bool retried = spool->append(batch).status == SpoolAppendResult::Status::kStored;
        auto expected = numbered(0, 3, 1000);
        expected.insert(expected.end(), batch.begin(), batch.end());
        const bool once = drain(*spool) == expected;
        std::exit(refused && nothing_left && retried && once ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(Spool, ShortRecordInAnOlderSegmentIsCountedAsCorruption) {
  testing::TempDir tmp;
  SpoolOptions options;
  options.segment_bytes = 4096;
  {
    auto spool = open_spool(tmp.path(), options);
    spool->append(numbered(0, 10, 1000));
  }
  const auto segs = segments(tmp.path());
  ASSERT_GE(segs.size(), 3u);
  // Only a crash during the newest segment's last write can leave a short record; in an older
  // one it is damage, and the record is counted, not silently cut.
  fs::resize_file(segs.front(), fs::file_size(segs.front()) - 5);
  auto spool = open_spool(tmp.path(), options);
  const auto out = drain(*spool);
  EXPECT_EQ(out.size(), 9u);
  EXPECT_EQ(spool->corrupt(), 1u);
}

TEST(Spool, CorruptRecordIsSkippedCountedAndOthersSurvive) {
  testing::TempDir tmp;
  { open_spool(tmp.path())->append(numbered(0, 10)); }
  const auto segs = segments(tmp.path());
  ASSERT_FALSE(segs.empty());
  // Flip one payload byte of the 5th record (23 bytes per framed record).
  {
    const int fd = ::open(segs.back().c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    const char bad = 'Z';
    ASSERT_EQ(::pwrite(fd, &bad, 1, 4 * 23 + 12 + 3), 1);
    ::close(fd);
  }
  auto spool = open_spool(tmp.path());
  auto out = drain(*spool);
  auto expected = numbered(0, 10);
  expected.erase(expected.begin() + 4);
  EXPECT_EQ(out, expected);
  EXPECT_EQ(spool->corrupt(), 1u);
}

TEST(Spool, GarbageInTheMiddleOfASegmentIsSkipped) {
  testing::TempDir tmp;
  { open_spool(tmp.path())->append(numbered(0, 3)); }
  auto seg = segments(tmp.path()).back();
  { std::ofstream(seg, std::ios::app) << "this is not a record at all, nor is this"; }
  {
    auto spool = open_spool(tmp.path());
    spool->append(numbered(3, 3));
  }
  // The garbage sits between two segments' worth of records; add more after it in the same file.
  auto spool = open_spool(tmp.path());
  EXPECT_EQ(drain(*spool), numbered(0, 6));
}

TEST(Spool, TornTailIsCutWithoutCountingCorruption) {
  testing::TempDir tmp;
  { open_spool(tmp.path())->append(numbered(0, 4)); }
  auto seg = segments(tmp.path()).back();
  const auto size = fs::file_size(seg);
  fs::resize_file(seg, size - 5);  // the last record lost its tail in a crash
  auto spool = open_spool(tmp.path());
  EXPECT_EQ(spool->pending_records(), 3u);
  EXPECT_EQ(drain(*spool), numbered(0, 3));
  EXPECT_EQ(spool->corrupt(), 0u);
}

TEST(Spool, UnreadableCursorReplaysEverythingOnDisk) {
  testing::TempDir tmp;
  {
    auto spool = open_spool(tmp.path());
    spool->append(numbered(0, 6));
    std::vector<std::string> part;
    spool->take(2, 1 << 20, part);
    spool->commit();
  }
  { std::ofstream(tmp / "cursor", std::ios::trunc) << "garbage garbage garbage!"; }
  auto spool = open_spool(tmp.path());
  EXPECT_EQ(drain(*spool), numbered(0, 6));
}

TEST(Spool, ForeignFilesInTheDirectoryAreIgnored) {
  testing::TempDir tmp;
  { std::ofstream(tmp / "notes.txt") << "hello"; }
  { std::ofstream(tmp / "seg-abc.log") << "hello"; }
  auto spool = open_spool(tmp.path());
  spool->append(numbered(0, 2));
  EXPECT_EQ(drain(*spool), numbered(0, 2));
}

TEST(Spool, OpenFailsWithAMessageWhenTheDirectoryCannotBeCreated) {
  testing::TempDir tmp;
  { std::ofstream(tmp / "file") << "x"; }
  std::string error;
  EXPECT_EQ(Spool::open(tmp / "file/sub", "t", {}, error), nullptr);
  EXPECT_NE(error.find("file/sub"), std::string::npos);
}

SpoolOptions capped(SpoolOptions::Overflow overflow) {
  SpoolOptions options;
  options.max_bytes = 10 * 23;  // ten records
  options.overflow = overflow;
  return options;
}

TEST(SpoolOverflow, BlockRefusesTheWholeBatchAndDropsNothing) {
  testing::TempDir tmp;
  auto spool = open_spool(tmp.path(), capped(SpoolOptions::Overflow::kBlock), "block");
  ASSERT_EQ(spool->append(numbered(0, 8)).status, SpoolAppendResult::Status::kStored);
  const auto r = spool->append(numbered(8, 3));
  EXPECT_EQ(r.status, SpoolAppendResult::Status::kFull);
  EXPECT_EQ(spool->pending_records(), 8u);
  EXPECT_EQ(spool->dropped(), 0u);
  drain(*spool);
  EXPECT_EQ(spool->append(numbered(8, 3)).status, SpoolAppendResult::Status::kStored);
}

TEST(SpoolOverflow, BlockAcceptsAnOversizedBatchIntoAnEmptySpool) {
  testing::TempDir tmp;
  auto spool = open_spool(tmp.path(), capped(SpoolOptions::Overflow::kBlock));
  EXPECT_EQ(spool->append(numbered(0, 30)).status, SpoolAppendResult::Status::kStored);
}

TEST(SpoolOverflow, DropNewestKeepsTheOldestAndCountsEveryDrop) {
  testing::TempDir tmp;
  auto spool = open_spool(tmp.path(), capped(SpoolOptions::Overflow::kDropNewest), "newest");
  const double before = Metrics::global().spool_dropped("newest").Value();
  spool->append(numbered(0, 6));
  const auto r = spool->append(numbered(6, 7));
  EXPECT_EQ(r.status, SpoolAppendResult::Status::kStored);
  EXPECT_EQ(r.stored, 4u);
  EXPECT_EQ(r.dropped, 3u);
  EXPECT_EQ(spool->dropped(), 3u);
  EXPECT_EQ(Metrics::global().spool_dropped("newest").Value() - before, 3.0);
  EXPECT_EQ(drain(*spool), numbered(0, 10));
}

TEST(SpoolOverflow, DropOldestKeepsTheNewestAndCountsEveryDrop) {
  testing::TempDir tmp;
  auto spool = open_spool(tmp.path(), capped(SpoolOptions::Overflow::kDropOldest), "oldest");
  spool->append(numbered(0, 10));
  const auto r = spool->append(numbered(10, 4));
  EXPECT_EQ(r.status, SpoolAppendResult::Status::kStored);
  EXPECT_EQ(spool->dropped(), 4u);
  EXPECT_EQ(spool->pending_records(), 10u);
  EXPECT_EQ(drain(*spool), numbered(4, 10));
}

TEST(SpoolOverflow, DropOldestNeverDropsTheBatchInFlight) {
  testing::TempDir tmp;
  auto spool = open_spool(tmp.path(), capped(SpoolOptions::Overflow::kDropOldest));
  spool->append(numbered(0, 10));
  std::vector<std::string> inflight;
  ASSERT_TRUE(spool->take(3, 1 << 20, inflight));
  spool->append(numbered(10, 5));  // drops 3..7
  EXPECT_EQ(spool->dropped(), 5u);
  spool->commit();
  auto rest = drain(*spool);
  std::vector<std::string> all = inflight;
  all.insert(all.end(), rest.begin(), rest.end());
  auto expected = numbered(0, 3);
  for (auto& s : numbered(8, 7)) expected.push_back(s);
  EXPECT_EQ(all, expected);
  EXPECT_EQ(spool->pending_bytes(), 0u);
}

TEST(SpoolOverflow, DroppedPlusDeliveredEqualsAppended) {
  testing::TempDir tmp;
  SpoolOptions options = capped(SpoolOptions::Overflow::kDropOldest);
  options.segment_bytes = 4096;
  auto spool = open_spool(tmp.path(), options);
  size_t delivered = 0;
  std::vector<std::string> part;
  for (int round = 0; round < 100; ++round) {
    spool->append(numbered(round * 7, 7));
    if (round % 3 == 0 && spool->take(4, 1 << 20, part)) {
      delivered += part.size();
      spool->commit();
    }
  }
  delivered += drain(*spool).size();
  EXPECT_EQ(delivered + spool->dropped(), 700u);
}

TEST(Spool, GaugeTracksUndeliveredBytes) {
  testing::TempDir tmp;
  auto spool = open_spool(tmp.path(), {}, "gauge");
  spool->append(numbered(0, 5));
  EXPECT_EQ(Metrics::global().spool_bytes("gauge").Value(), 115.0);
  drain(*spool);
  EXPECT_EQ(Metrics::global().spool_bytes("gauge").Value(), 0.0);
}

}  // namespace
}  // namespace tripline
