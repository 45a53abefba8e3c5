#include "collectors/file_tail.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "collectors/checkpoint_store.h"
#include "core/metrics.h"
#include "tail_test_support.h"

namespace tripline {
namespace {

using namespace std::chrono_literals;
using testing_support::append;
using testing_support::fast_options;
using testing_support::make_tail;
using testing_support::numbered;
using testing_support::read_all;
using testing_support::RecordingTailConsumer;
using testing_support::TempDir;
using testing_support::wait_until;
using testing_support::write_file;

// Each test uses its own input name so that its metrics start from zero.
std::string unique_input(const std::string& base) {
  static int n = 0;
  return base + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

std::vector<std::string> expect_lines(const std::string& prefix, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// Offsets checkpointed for `path`, read from the checkpoint file on disk.
uint64_t checkpointed_offset(const std::string& checkpoint_file, const std::string& path) {
  std::vector<FileCheckpoint> files;
  std::string error;
  if (!CheckpointStore::decode(read_all(checkpoint_file), files, error)) return UINT64_MAX;
  for (const FileCheckpoint& f : files) {
    if (f.path == path) return f.offset;
  }
  return UINT64_MAX;
}

// Gives the collector time to (wrongly) deliver more than expected.
void settle() { std::this_thread::sleep_for(400ms); }

TEST(FileTailTest, EventsCarryLinePositionTimesAndLogsource) {
  TempDir dir;
  const std::string log = dir / "app.jsonl";
  write_file(log, "{\"time\":\"2026-01-02T03:04:05Z\",\"a\":1}\nplain text\n");
  auto opts = fast_options({log});
  opts.start_at_end = false;
  const std::string input = unique_input("fields");
  auto tail = make_tail(input, dir / "state", opts);
  RecordingTailConsumer out;
  const auto before = Clock::now();
  tail->start(out);
  ASSERT_TRUE(out.wait_for(2));
  tail->stop();
  auto ev = out.events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].raw, "{\"time\":\"2026-01-02T03:04:05Z\",\"a\":1}");
  EXPECT_EQ(ev[0].position.origin, log);
  EXPECT_EQ(ev[0].position.offset, 0u);
  EXPECT_EQ(ev[0].position.end_offset, 38u);
  EXPECT_EQ(ev[0].body, Event::Body::kJson);
  EXPECT_EQ(ev[0].event_time, TimePoint(std::chrono::seconds(1767323045)));
  EXPECT_GE(ev[0].receive_time, before);
  EXPECT_EQ(ev[1].raw, "plain text");
  EXPECT_EQ(ev[1].position.offset, 38u);
  EXPECT_EQ(ev[1].position.end_offset, 49u);
  // A record without a time gets its receive time.
  EXPECT_EQ(ev[1].event_time, ev[1].receive_time);
  EXPECT_EQ(Metrics::global().events(input).Value(), 2);
  EXPECT_EQ(Metrics::global().parse_errors(input).Value(), 1);
}

TEST(FileTailTest, InputLogsourceOrFormatDefaultIsUsed) {
  TempDir dir;
  const std::string log = dir / "ct.jsonl";
  write_file(log, "{\"eventName\":\"x\"}\n");
  auto opts = fast_options({log});
  opts.start_at_end = false;
  opts.format = "cloudtrail";
  auto tail = make_tail(unique_input("ls"), dir / "state", opts);
  RecordingTailConsumer out;
  tail->start(out);
  ASSERT_TRUE(out.wait_for(1));
  tail->stop();
  EXPECT_EQ(out.events()[0].logsource, (LogSource{"aws", "cloudtrail", ""}));
}

TEST(FileTailTest, StartAtEndSkipsExistingLinesAndReadsNewOnes) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, numbered("old ", 0, 5) + "half of a li");
  auto tail = make_tail(unique_input("end"), dir / "state", fast_options({log}));
  RecordingTailConsumer out;
  tail->start(out);
  settle();
  EXPECT_EQ(out.count(), 0u);
  // The partial last line was not skipped: it is delivered whole once complete.
  append(log, "ne\n" + numbered("new ", 0, 3));
  ASSERT_TRUE(out.wait_for(4));
  settle();
  tail->stop();
  std::vector<std::string> want = {"half of a line"};
  for (auto& l : expect_lines("new ", 0, 3)) want.push_back(l);
  EXPECT_EQ(out.lines(), want);
}

TEST(FileTailTest, StartAtBeginningReadsExistingLines) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, numbered("old ", 0, 5));
  auto opts = fast_options({log});
  opts.start_at_end = false;
  auto tail = make_tail(unique_input("beginning"), dir / "state", opts);
  RecordingTailConsumer out;
  tail->start(out);
  ASSERT_TRUE(out.wait_for(5));
  settle();
  tail->stop();
  EXPECT_EQ(out.lines(), expect_lines("old ", 0, 5));
}

TEST(FileTailTest, PartialLineIsHeldUntilItsNewlineArrives) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto tail = make_tail(unique_input("partial"), dir / "state", fast_options({log}));
  RecordingTailConsumer out;
  tail->start(out);
  append(log, "first\nsecond ha");
  ASSERT_TRUE(out.wait_for(1));
  settle();
  EXPECT_EQ(out.lines(), std::vector<std::string>{"first"});
  append(log, "lf\n");
  ASSERT_TRUE(out.wait_for(2));
  tail->stop();
  EXPECT_EQ(out.lines(), (std::vector<std::string>{"first", "second half"}));
}

TEST(FileTailTest, NewFileMatchingTheGlobIsReadFromTheBeginning) {
  TempDir dir;
  write_file(dir / "a.log", numbered("a", 0, 3));
  auto tail = make_tail(unique_input("glob"), dir / "state", fast_options({dir / "*.log"}));
  RecordingTailConsumer out;
  tail->start(out);
  settle();
  EXPECT_EQ(out.count(), 0u);  // start_at: end for what was there
  write_file(dir / "b.log", numbered("b", 0, 4));
  write_file(dir / "b.txt", "not matched\n");
  ASSERT_TRUE(out.wait_for(4));
  settle();
  tail->stop();
  EXPECT_EQ(out.lines(), expect_lines("b", 0, 4));
  EXPECT_EQ(out.events()[0].position.origin, dir / "b.log");
}

TEST(FileTailTest, ExcludedFilesAreNotRead) {
  TempDir dir;
  auto opts = fast_options({dir / "*"});
  opts.exclude = {"*.gz", dir / "skip-*"};
  auto tail = make_tail(unique_input("exclude"), dir / "state", opts);
  RecordingTailConsumer out;
  tail->start(out);
  write_file(dir / "old.gz", "compressed\n");
  write_file(dir / "skip-me.log", "skipped\n");
  write_file(dir / "keep.log", "kept\n");
  ASSERT_TRUE(out.wait_for(1));
  settle();
  tail->stop();
  EXPECT_EQ(out.lines(), std::vector<std::string>{"kept"});
}

TEST(FileTailTest, RenameRotationReadsUnreadBytesOfTheOldFileThroughItsDescriptor) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto tail = make_tail(unique_input("rename"), dir / "state", fast_options({log}));
  RecordingTailConsumer out;
  tail->start(out);
  append(log, numbered("line ", 0, 10));
  ASSERT_TRUE(out.wait_for(10));
  // Hold the reader in submit() so that what follows is written while it cannot read.
  out.pause();
  append(log, "line 10\n");
  ASSERT_TRUE(wait_until([&] { return out.blocked(); }));
  append(log, numbered("line ", 11, 100));
  std::filesystem::rename(log, dir / "app.log.1");  // not matched by the glob
  append(log, numbered("line ", 100, 150));
  out.resume();
  ASSERT_TRUE(out.wait_for(150));
  settle();
  tail->stop();
  auto lines = out.lines();
  // Order between the two files is free; within each file it is kept, and nothing repeats.
  std::vector<std::string> old_file, new_file;
  for (const auto& r : out.events()) {
    (std::stoi(r.raw.substr(5)) < 100 ? old_file : new_file).push_back(r.raw);
  }
  EXPECT_EQ(old_file, expect_lines("line ", 0, 100));
  EXPECT_EQ(new_file, expect_lines("line ", 100, 150));
}

TEST(FileTailTest, RotatedNameCoveredByTheGlobIsNotReadAgain) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  const std::string state = dir / "state";
  const std::string input = unique_input("rotated-glob");
  auto opts = fast_options({dir / "app.log*"});
  auto tail = make_tail(input, state, opts);
  RecordingTailConsumer out;
  tail->start(out);
  append(log, numbered("r", 0, 100));
  ASSERT_TRUE(out.wait_for(100));
  std::filesystem::rename(dir / "app.log", dir / "app.log.1");
  append(log, numbered("r", 100, 150));
  ASSERT_TRUE(out.wait_for(150));
  // Several rescans see app.log.1: it must stay the same file.
  std::this_thread::sleep_for(500ms);
  std::filesystem::rename(dir / "app.log.1", dir / "app.log.2");
  std::filesystem::rename(dir / "app.log", dir / "app.log.1");
  append(log, numbered("r", 150, 160));
  ASSERT_TRUE(out.wait_for(160));
  settle();
  tail->stop();
  tail->flush_checkpoints();
  EXPECT_EQ(out.lines(), expect_lines("r", 0, 160));

  // A new collector (a restart) resumes all three files where they were: nothing again.
  auto again = make_tail(input, state, opts);
  RecordingTailConsumer out2;
  again->start(out2);
  append(log, "r160\n");
  ASSERT_TRUE(out2.wait_for(1));
  settle();
  again->stop();
  EXPECT_EQ(out2.lines(), std::vector<std::string>{"r160"});
}

TEST(FileTailTest, CopytruncateContinuesWithoutReadingTheCopyAgain) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto tail = make_tail(unique_input("copytruncate"), dir / "state",
                        fast_options({dir / "app.log*"}));
  RecordingTailConsumer out;
  tail->start(out);
  append(log, numbered("c", 0, 200));
  ASSERT_TRUE(out.wait_for(200));
  // logrotate copytruncate: copy, then truncate in place; the writer appends on.
  write_file(dir / "app.log.1", read_all(log));
  ::truncate(log.c_str(), 0);
  append(log, numbered("c", 200, 220));
  ASSERT_TRUE(out.wait_for(220));
  std::this_thread::sleep_for(1500ms);  // past the time a pending copy would be judged
  tail->stop();
  EXPECT_EQ(out.lines(), expect_lines("c", 0, 220));
}

TEST(FileTailTest, TruncationRestartsTheFileFromTheBeginning) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto tail = make_tail(unique_input("truncate"), dir / "state", fast_options({log}));
  RecordingTailConsumer out;
  tail->start(out);
  append(log, numbered("before ", 0, 50));
  ASSERT_TRUE(out.wait_for(50));
  ::truncate(log.c_str(), 0);
  append(log, numbered("after ", 0, 3));
  ASSERT_TRUE(out.wait_for(53));
  settle();
  tail->stop();
  auto lines = out.lines();
  EXPECT_EQ(std::vector<std::string>(lines.begin() + 50, lines.end()), expect_lines("after ", 0, 3));
  EXPECT_EQ(out.events()[50].position.offset, 0u);
}

TEST(FileTailTest, ReplacedContentLongerThanTheOffsetIsDetectedByFingerprint) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto tail = make_tail(unique_input("refill"), dir / "state", fast_options({log}));
  RecordingTailConsumer out;
  tail->start(out);
  append(log, numbered("first generation ", 0, 5));
  ASSERT_TRUE(out.wait_for(5));
  out.pause();
  append(log, "first generation 5\n");
  ASSERT_TRUE(wait_until([&] { return out.blocked(); }));
  // Truncated and refilled past the old offset before the reader looks again: the size alone
  // cannot tell, the first bytes can.
  ::truncate(log.c_str(), 0);
  append(log, numbered("SECOND ", 0, 40));
  out.resume();
  ASSERT_TRUE(out.wait_for(46));
  settle();
  tail->stop();
  auto lines = out.lines();
  ASSERT_EQ(lines.size(), 46u);
  EXPECT_EQ(std::vector<std::string>(lines.begin() + 6, lines.end()), expect_lines("SECOND ", 0, 40));
}

TEST(FileTailTest, LinesLongerThanMaxLineBytesAreTruncatedCountedAndEmitted) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto opts = fast_options({log});
  opts.max_line_bytes = 100;
  const std::string input = unique_input("maxline");
  auto tail = make_tail(input, dir / "state", opts);
  RecordingTailConsumer out;
  tail->start(out);
  append(log, "short\n" + std::string(1000, 'x') + "\nafter\n");
  ASSERT_TRUE(out.wait_for(3));
  tail->stop();
  auto ev = out.events();
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[1].raw, std::string(100, 'x'));
  EXPECT_EQ(ev[1].position.offset, 6u);
  EXPECT_EQ(ev[1].position.end_offset, 1007u);
  EXPECT_EQ(ev[2].raw, "after");
  EXPECT_EQ(Metrics::global().lines_truncated(input).Value(), 1);
}

TEST(FileTailTest, TenMegabyteLineIsCutToTheDefaultLimitAndReadingGoesOn) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  const std::string input = unique_input("10mb");
  auto tail = make_tail(input, dir / "state", fast_options({log}));
  RecordingTailConsumer out;
  tail->start(out);
  append(log, "{\"big\":\"" + std::string(10 << 20, 'b') + "\"}\n{\"ok\":true}\n");
  ASSERT_TRUE(out.wait_for(2));
  tail->stop();
  auto ev = out.events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].raw.size(), 1u << 20);
  EXPECT_EQ(ev[1].raw, "{\"ok\":true}");
  EXPECT_EQ(ev[1].body, Event::Body::kJson);
  EXPECT_EQ(Metrics::global().lines_truncated(input).Value(), 1);
  EXPECT_EQ(Metrics::global().parse_errors(input).Value(), 1);  // the cut JSON
}

TEST(FileTailTest, BinaryGarbageAndInvalidUtf8AreCountedAndReadingGoesOn) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  const std::string input = unique_input("garbage");
  auto tail = make_tail(input, dir / "state", fast_options({log}));
  RecordingTailConsumer out;
  tail->start(out);
  std::string garbage("\x00\x01\x02\xff\xfe\x7f binary", 14);
  append(log, "{\"n\":1}\n" + garbage + "\ncaf\xe9 latin-1 text\n{\"s\":\"\xc3\x28\xff\"}\n" +
                  "{\"unterminated\":\n{\"n\":2}\n");
  ASSERT_TRUE(out.wait_for(6));
  tail->stop();
  auto ev = out.events();
  ASSERT_EQ(ev.size(), 6u);
  EXPECT_EQ(ev[1].raw, garbage);
  EXPECT_EQ(ev[2].raw, "caf\xe9 latin-1 text");
  EXPECT_EQ(ev[0].body, Event::Body::kJson);
  EXPECT_EQ(ev[3].body, Event::Body::kJson);  // the JSON parser repairs invalid UTF-8
  EXPECT_EQ(ev[5].body, Event::Body::kJson);
  EXPECT_EQ(ev[5].raw, "{\"n\":2}");
  // Binary garbage, the Latin-1 line and the unterminated object.
  EXPECT_EQ(Metrics::global().parse_errors(input).Value(), 3);
  EXPECT_EQ(Metrics::global().events(input).Value(), 6);
}

TEST(FileTailTest, RestartResumesFromTheCheckpointWithoutLossOrDuplicates) {
  TempDir dir;
  const std::string log = dir / "app.log";
  const std::string state = dir / "state";
  const std::string input = unique_input("resume");
  write_file(log, "");
  auto opts = fast_options({log});
  {
    auto tail = make_tail(input, state, opts);
    RecordingTailConsumer out;
    tail->start(out);
    append(log, numbered("n", 0, 100));
    ASSERT_TRUE(out.wait_for(100));
    tail->stop();
    tail->flush_checkpoints();
  }
  // Written while stopped, including a line whose end comes later.
  append(log, numbered("n", 100, 150) + "n15");
  auto tail = make_tail(input, state, opts);
  RecordingTailConsumer out;
  tail->start(out);
  ASSERT_TRUE(out.wait_for(50));
  settle();
  EXPECT_EQ(out.lines(), expect_lines("n", 100, 150));
  append(log, "0\n");
  ASSERT_TRUE(out.wait_for(51));
  tail->stop();
  EXPECT_EQ(out.lines().back(), "n150");
}

TEST(FileTailTest, FileRotatedWhileStoppedIsFinishedAndTheNewOneReadFromTheStart) {
  TempDir dir;
  const std::string log = dir / "app.log";
  const std::string state = dir / "state";
  const std::string input = unique_input("rotated-stopped");
  write_file(log, "");
  auto opts = fast_options({dir / "app.log*"});
  {
    auto tail = make_tail(input, state, opts);
    RecordingTailConsumer out;
    tail->start(out);
    append(log, numbered("s", 0, 10));
    ASSERT_TRUE(out.wait_for(10));
    tail->stop();
    tail->flush_checkpoints();
  }
  append(log, numbered("s", 10, 20));
  std::filesystem::rename(log, dir / "app.log.1");
  append(log, numbered("s", 20, 25));
  auto tail = make_tail(input, state, opts);
  RecordingTailConsumer out;
  tail->start(out);
  ASSERT_TRUE(out.wait_for(15));
  settle();
  tail->stop();
  auto lines = out.lines();
  std::sort(lines.begin(), lines.end(),
            [](const std::string& a, const std::string& b) { return std::stoi(a.substr(1)) < std::stoi(b.substr(1)); });
  EXPECT_EQ(lines, expect_lines("s", 10, 25));
}

TEST(FileTailTest, CheckpointDoesNotAdvanceBeforeCommit) {
  TempDir dir;
  const std::string log = dir / "app.log";
  const std::string state = dir / "state";
  const std::string input = unique_input("no-commit");
  write_file(log, "");
  auto opts = fast_options({log});
  const std::string data = numbered("u", 0, 20);
  {
    auto tail = make_tail(input, state, opts);
    RecordingTailConsumer out(RecordingTailConsumer::Commit::kManual);
    tail->start(out);
    append(log, data);
    ASSERT_TRUE(out.wait_for(20));
    std::this_thread::sleep_for(200ms);  // several checkpoint intervals
    tail->flush_checkpoints();
    EXPECT_EQ(checkpointed_offset(tail->checkpoint_file(), log), 0u);
    tail->stop();
    // Never acknowledged: a restart delivers it all again.
  }
  auto tail = make_tail(input, state, opts);
  RecordingTailConsumer out(RecordingTailConsumer::Commit::kManual);
  tail->start(out);
  ASSERT_TRUE(out.wait_for(20));
  EXPECT_EQ(out.lines(), expect_lines("u", 0, 20));
  out.commit_all();
  tail->stop();
  tail->flush_checkpoints();
  EXPECT_EQ(checkpointed_offset(tail->checkpoint_file(), log), data.size());
}

TEST(FileTailTest, OutOfOrderCommitsAdvanceToTheHighestContiguousOffset) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto opts = fast_options({log});
  opts.batch_size = 1;
  auto tail = make_tail(unique_input("ooo"), dir / "state", opts);
  RecordingTailConsumer out(RecordingTailConsumer::Commit::kManual);
  tail->start(out);
  append(log, "a0\n\nb11\nc222\nd3333\n");  // the empty line belongs to the next batch's range
  ASSERT_TRUE(out.wait_for(4));
  ASSERT_EQ(out.held(), 4u);
  auto offset = [&] {
    tail->flush_checkpoints();
    return checkpointed_offset(tail->checkpoint_file(), log);
  };
  out.commit(2);
  out.commit(3);
  EXPECT_EQ(offset(), 0u);
  out.commit(0);
  EXPECT_EQ(offset(), 3u);
  out.commit(1);
  EXPECT_EQ(offset(), 19u);  // the whole file
  tail->stop();
}

TEST(FileTailTest, CorruptCheckpointStartsFilesFromTheBeginningAndIsCounted) {
  TempDir dir;
  const std::string log = dir / "app.log";
  const std::string state = dir / "state";
  const std::string input = unique_input("corrupt");
  write_file(log, numbered("k", 0, 10));
  CheckpointStore store(state, input);
  std::filesystem::create_directories(state + "/checkpoints");
  write_file(store.file(), "{\"version\":1,\"files\":[{\"path\":\"/x\",\"dev\":");  // truncated
  auto tail = make_tail(input, state, fast_options({log}));  // start_at: end
  RecordingTailConsumer out;
  tail->start(out);
  ASSERT_TRUE(out.wait_for(10));
  settle();
  tail->stop();
  EXPECT_EQ(out.lines(), expect_lines("k", 0, 10));
  EXPECT_EQ(Metrics::global().checkpoint_errors(input).Value(), 1);
  // It was replaced by a good one.
  std::vector<FileCheckpoint> files;
  EXPECT_EQ(store.load(files), CheckpointStore::LoadResult::kLoaded);
}

TEST(FileTailTest, GarbageCheckpointIsSurvivedToo) {
  TempDir dir;
  const std::string log = dir / "app.log";
  const std::string state = dir / "state";
  const std::string input = unique_input("garbage-cp");
  write_file(log, numbered("g", 0, 3));
  CheckpointStore store(state, input);
  std::filesystem::create_directories(state + "/checkpoints");
  write_file(store.file(), std::string("\x89PNG\r\n\x1a\n\x00\x00", 10));
  auto tail = make_tail(input, state, fast_options({log}));
  RecordingTailConsumer out;
  tail->start(out);
  ASSERT_TRUE(out.wait_for(3));
  tail->stop();
  EXPECT_EQ(Metrics::global().checkpoint_errors(input).Value(), 1);
}

TEST(FileTailTest, PollingModeWithoutInotifyFollowsAppendsRotationAndNewFiles) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto opts = fast_options({dir / "*.log"});
  opts.inotify = false;
  auto tail = make_tail(unique_input("poll"), dir / "state", opts);
  RecordingTailConsumer out;
  tail->start(out);
  append(log, numbered("p", 0, 10));
  ASSERT_TRUE(out.wait_for(10));
  std::filesystem::rename(log, dir / "app.log.old");
  append(dir / "app.log.old", numbered("p", 10, 12));  // written after the rename
  append(log, numbered("p", 12, 15));
  write_file(dir / "other.log", numbered("p", 15, 16));
  ASSERT_TRUE(out.wait_for(16));
  settle();
  tail->stop();
  auto lines = out.lines();
  std::sort(lines.begin(), lines.end(),
            [](const std::string& a, const std::string& b) { return std::stoi(a.substr(1)) < std::stoi(b.substr(1)); });
  EXPECT_EQ(lines, expect_lines("p", 0, 16));
}

TEST(FileTailTest, StopReturnsPromptlyWhileBlockedOnAFullPipeline) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto opts = fast_options({log});
  opts.batch_size = 10;
  auto tail = make_tail(unique_input("backpressure"), dir / "state", opts);
  RecordingTailConsumer out;
  out.pause();
  tail->start(out);
  append(log, numbered("b", 0, 1000));
  ASSERT_TRUE(wait_until([&] { return out.blocked(); }));
  settle();
  EXPECT_EQ(out.count(), 0u);  // blocked, nothing dropped or delivered
  const auto t0 = std::chrono::steady_clock::now();
  out.shutdown();
  tail->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
}

TEST(FileTailTest, FilesMissingAtStartAreWatchedUntilTheyAppear) {
  TempDir dir;
  const std::string log = dir / "sub/auth.log";
  auto tail = make_tail(unique_input("missing"), dir / "state", fast_options({log}));
  RecordingTailConsumer out;
  tail->start(out);
  settle();
  std::filesystem::create_directories(dir / "sub");
  append(log, "appeared\n");
  ASSERT_TRUE(out.wait_for(1));
  tail->stop();
  EXPECT_EQ(out.lines(), std::vector<std::string>{"appeared"});
}

TEST(FileTailTest, DeletedFileIsReadToItsEndAndReleased) {
  TempDir dir;
  const std::string log = dir / "app.log";
  write_file(log, "");
  auto opts = fast_options({log});
  auto tail = make_tail(unique_input("deleted"), dir / "state", opts);
  RecordingTailConsumer out;
  tail->start(out);
  append(log, "one\n");
  ASSERT_TRUE(out.wait_for(1));
  out.pause();
  append(log, "two\n");
  ASSERT_TRUE(wait_until([&] { return out.blocked(); }));
  append(log, "three\nfour without newline");
  std::filesystem::remove(log);
  out.resume();
  // The last line never gets its newline; once the file is gone for good it is emitted.
  ASSERT_TRUE(out.wait_for(4));
  tail->stop();
  EXPECT_EQ(out.lines(),
            (std::vector<std::string>{"one", "two", "three", "four without newline"}));
}

}  // namespace
}  // namespace tripline
