// Whole-agent faults in a sink's spool: segment files damaged or emptied while the agent is
// down, and a spool directory that runs out of space while it runs. The agent tails ticks into a
// webhook sink whose receiver (in the test) answers 503 until the test lets alerts through, so the
// alerts wait in the spool. Oracle: no crash and no crash loop, damaged records are skipped and
// counted (only those), everything else arrives exactly once with its payload intact, and a full
// disk is loud (log + tripline_spool_write_errors_total) and heals once space returns.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "exporters/spool/alert_codec.h"
#include "tests/support/agent_harness.h"
#include "tests/support/tick_log.h"
#include "tests/support/webhook_receiver.h"

namespace tripline {
namespace {

using namespace std::chrono_literals;
using testing::AgentHarness;
using testing::eventually;
using testing::TickScanner;

constexpr int64_t kSpoolRecords = 1000;

// Decodes the ticks held by one spool segment (magic | length | CRC-32 | payload framing).
std::vector<int64_t> ticks_in_segment(const std::string& path) {
  const std::string data = testing::read_file(path);
  std::vector<int64_t> out;
  simdjson::dom::parser parser;
  for (size_t off = 0; off + 12 <= data.size();) {
    uint32_t len = 0;
    for (int i = 0; i < 4; ++i) len |= uint32_t(uint8_t(data[off + 4 + i])) << (8 * i);
    if (off + 12 + len > data.size()) break;
    Alert a;
    int64_t seq = -1;
    simdjson::dom::element doc;
    if (decode_alert(std::string_view(data).substr(off + 12, len), a) && !a.events.empty() &&
        !parser.parse(a.events[0]).get(doc) && !doc["seq"].get(seq)) {
      out.push_back(seq);
    }
    off += 12 + len;
  }
  return out;
}

class SpoolFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(agent_.path("log"));
    std::filesystem::create_directories(agent_.path("rules"));
    testing::write_file(agent_.path("rules/tick.yml"), testing::tick_rule_yaml());
    rx_.set_status(503);
    // 4 KiB segments: a few alerts each, so damage hits one segment among many.
    agent_.write_config(testing::tail_agent_config(
        agent_.dir(), "  - { name: hook, type: webhook, url: \"" + rx_.url() +
                          "\", spool: { segment_bytes: 4KiB, fsync: always }, "
                          "retry: { initial_backoff: 20ms, max_backoff: 200ms }, "
                          "circuit_breaker: { open_for: 200ms }, drain_timeout: 100ms }\n",
        // Small batches: a full disk refuses whole batches, and some must fit before it is full.
        ", batch_size: 4",
        // A stop while the disk is full gives up on the held batches after this long.
        ", shutdown_timeout: 2s"));
  }

  std::string spool_dir() const { return agent_.path("state/spool/hook"); }
  std::vector<std::string> segments() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(spool_dir())) {
      if (e.path().filename().string().rfind("seg-", 0) == 0) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  void append_ticks(int64_t from, int64_t to) {
    FILE* f = std::fopen(agent_.path("log/app.log").c_str(), "a");
    ASSERT_NE(f, nullptr);
    for (int64_t s = from; s < to; ++s) std::fputs(testing::tick_line(s).c_str(), f);
    std::fclose(f);
  }

  double spooled() { return agent_.metric("tripline_spool_records{sink=\"hook\"}"); }

  // Runs the agent until ticks [0, n) wait in the spool, then stops it cleanly.
  void spool_ticks_and_stop(int64_t n) {
    append_ticks(0, n);
    ASSERT_TRUE(agent_.start()) << agent_.log();
    ASSERT_TRUE(eventually([&] { return spooled() == double(n); }, 60s))
        << spooled() << "\n" << agent_.log();
    ASSERT_EQ(agent_.stop(), 0);
  }

  // Feeds what the receiver got into `received_` and waits until `pred` holds. Like any webhook
  // receiver it drops replays by X-Tripline-Alert-Id: a request failing part-way through a batch
  // re-sends the batch (docs/outputs.md). Duplicates inside the spool are caught by
  // tripline_sink_sent_total instead.
  template <typename Pred>
  bool received_until(Pred pred, std::chrono::milliseconds timeout = 60s) {
    return eventually(
        [&] {
          const auto got = rx_.requests();
          for (; fed_ < got.size(); ++fed_) {
            if (alert_ids_.insert(got[fed_].alert_id).second) received_.add(got[fed_].body);
          }
          return pred();
        },
        timeout);
  }

  testing::WebhookReceiver rx_;
  AgentHarness agent_{"spool-fault"};
  TickScanner received_{"", kSpoolRecords};
  size_t fed_ = 0;  // requests of rx_ already looked at
  std::set<std::string> alert_ids_;
};

TEST_F(SpoolFaultTest, CorruptRecordsAreSkippedAndCountedAndEverythingElseIsDelivered) {
  spool_ticks_and_stop(200);
  const std::vector<std::string> segs = segments();
  ASSERT_GE(segs.size(), 5u);
  const std::string victim = segs[segs.size() / 2];
  const std::vector<int64_t> victim_ticks = ticks_in_segment(victim);
  ASSERT_GE(victim_ticks.size(), 3u);
  {
    // Scribble over the middle of the segment: a record's header or payload no longer checks.
    std::string data = testing::read_file(victim);
    for (size_t i = data.size() / 2; i < data.size() / 2 + 16; ++i) data[i] = '\xA5';
    testing::write_file(victim, data);
  }

  rx_.set_status(200);
  ASSERT_TRUE(agent_.start()) << agent_.log();
  const std::set<int64_t> damaged(victim_ticks.begin(), victim_ticks.end());
  // Everything outside the damaged segment arrives; inside it, only what the damage spared.
  ASSERT_TRUE(received_until([&] {
    for (int64_t s = 0; s < 200; ++s) {
      if (!damaged.count(s) && received_.times_seen(s) == 0) return false;
    }
    return true;
  })) << agent_.log();
  const double corrupt = agent_.metric("tripline_spool_corrupt_records_total{sink=\"hook\"}");
  EXPECT_GE(corrupt, 1.0);
  EXPECT_NE(agent_.log().find("corrupt"), std::string::npos);

  // The agent goes on: new alerts flow behind the damaged ones.
  append_ticks(200, 220);
  ASSERT_TRUE(received_until([&] { return received_.times_seen(219) == 1; })) << agent_.log();
  ASSERT_EQ(agent_.stop(), 0);
  size_t lost = 0;
  for (int64_t s = 0; s < 220; ++s) {
    EXPECT_LE(received_.times_seen(s), 1u) << s;
    if (received_.times_seen(s) == 0) {
      ++lost;
      EXPECT_TRUE(damaged.count(s)) << "seq " << s << " was not in the damaged segment";
    }
  }
  EXPECT_GE(lost, 1u) << "the damage should have cost at least one record";
  EXPECT_LT(lost, victim_ticks.size()) << "records after the damage must be found again";
  EXPECT_EQ(received_.bad_payloads(), 0u);
  EXPECT_EQ(received_.unparsable(), 0u);
}

TEST_F(SpoolFaultTest, ZeroLengthSegmentsAndCursorAreNoObstacle) {
  spool_ticks_and_stop(100);
  const std::vector<std::string> segs = segments();
  ASSERT_FALSE(segs.empty());
  // A segment created just before a crash, before anything was written to it; one sorting
  // before every other; and a cursor that lost its content.
  const auto seq_of = [](const std::string& p) {
    return std::stoull(std::filesystem::path(p).filename().string().substr(4, 20));
  };
  char name[48];
  std::snprintf(name, sizeof name, "/seg-%020llu.log",
                static_cast<unsigned long long>(seq_of(segs.back()) + 1));
  testing::write_file(spool_dir() + name, "");
  std::snprintf(name, sizeof name, "/seg-%020llu.log",
                static_cast<unsigned long long>(seq_of(segs.front()) - 1));
  testing::write_file(spool_dir() + name, "");
  testing::write_file(spool_dir() + "/cursor", "");

  rx_.set_status(200);
  ASSERT_TRUE(agent_.start()) << agent_.log();
  ASSERT_TRUE(received_until([&] { return received_.distinct() == 100; })) << agent_.log();
  append_ticks(100, 120);
  ASSERT_TRUE(received_until([&] { return received_.distinct() == 120; })) << agent_.log();
  ASSERT_EQ(agent_.stop(), 0);
  for (int64_t s = 0; s < 120; ++s) EXPECT_EQ(received_.times_seen(s), 1u) << s;
  EXPECT_EQ(received_.bad_payloads(), 0u);
  EXPECT_EQ(agent_.log().find("\"level\":\"error\""), std::string::npos) << agent_.log();

  // The cursor written since is good: a restart delivers nothing again.
  ASSERT_TRUE(agent_.start()) << agent_.log();
  append_ticks(120, 121);
  ASSERT_TRUE(received_until([&] { return received_.distinct() == 121; })) << agent_.log();
  EXPECT_EQ(received_.duplicates(), 0u);
}

// Makes the spool directory small: a tmpfs of `tmpfs_bytes` mounted on it when the test runs as
// root, else a file-size limit of `rlimit_bytes` on the agent process (below the segment size, so
// the head segment cannot grow; writes past it fail with EFBIG as the agent ignores SIGXFSZ).
// release() gives the space back.
class SmallSpoolDisk {
 public:
  SmallSpoolDisk(std::string dir, uint64_t tmpfs_bytes, uint64_t rlimit_bytes)
      : dir_(std::move(dir)), bytes_(rlimit_bytes) {
    std::filesystem::create_directories(dir_);
    // TRIPLINE_FAULT_NO_MOUNT=1 takes the unprivileged path even as root.
    if (::geteuid() == 0 && std::getenv("TRIPLINE_FAULT_NO_MOUNT") == nullptr) {
      const std::string opts = "size=" + std::to_string(tmpfs_bytes) + ",mode=0700";
      mounted_ = ::mount("tripline-fault", dir_.c_str(), "tmpfs", 0, opts.c_str()) == 0;
    }
  }
  ~SmallSpoolDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  // Without a tmpfs: limits the size of every file `pid` writes (the soft limit only: a hard
  // limit cannot be raised again without CAP_SYS_RESOURCE in the initial namespace).
  bool limit(pid_t pid) {
    if (mounted_) return true;
    struct rlimit lim {};
    if (::prlimit(pid, RLIMIT_FSIZE, nullptr, &lim) != 0) return false;
    lim.rlim_cur = bytes_;
    return ::prlimit(pid, RLIMIT_FSIZE, &lim, nullptr) == 0;
  }
  bool release(pid_t pid) {
    if (mounted_) return ::mount(nullptr, dir_.c_str(), nullptr, MS_REMOUNT, "size=64m") == 0;
    struct rlimit lim {};
    if (::prlimit(pid, RLIMIT_FSIZE, nullptr, &lim) != 0) return false;
    lim.rlim_cur = lim.rlim_max;
    return ::prlimit(pid, RLIMIT_FSIZE, &lim, nullptr) == 0;
  }

 private:
  std::string dir_;
  uint64_t bytes_;
  bool mounted_ = false;
};

TEST_F(SpoolFaultTest, FullSpoolDiskIsLoudHoldsTheInputAndHealsWhenSpaceReturns) {
  // Room for about a hundred alerts (~270 bytes each, 4 KiB segments) on a tmpfs, or a dozen
  // under the file-size limit; 300 are coming while the receiver is down.
  SmallSpoolDisk disk(spool_dir(), 32 * 1024, 3 * 1024);
  ASSERT_TRUE(agent_.start()) << agent_.log();
  ASSERT_TRUE(disk.limit(agent_.process()->pid()));
  RecordProperty("small_disk", disk.mounted() ? "tmpfs" : "RLIMIT_FSIZE");
  append_ticks(0, 300);

  const std::string errors = "tripline_spool_write_errors_total{sink=\"hook\"}";
  ASSERT_TRUE(eventually([&] { return agent_.metric(errors) >= 1.0; }, 60s)) << agent_.log();
  const double held = spooled();
  EXPECT_GT(held, 0.0);
  EXPECT_LT(held, 300.0);
  if (disk.mounted()) {
    // With a tmpfs the log is not size-limited: the error is in it, once per outage.
    EXPECT_EQ(testing::count_occurrences(agent_.log(), "spool write failed"), 1u) << agent_.log();
  }
  // The pipeline holds rather than drops: the count stays put while the disk is full.
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(spooled(), held);
  EXPECT_TRUE(agent_.running());

  // Stopped and started again on the full disk, the agent neither fails nor loops: it recovers
  // what the spool holds and waits for space like before.
  EXPECT_EQ(agent_.stop(), 0);
  ASSERT_TRUE(agent_.start()) << agent_.log();
  ASSERT_TRUE(disk.limit(agent_.process()->pid()));
  ASSERT_TRUE(eventually([&] { return spooled() >= held; }, 30s)) << agent_.log();
  std::this_thread::sleep_for(1s);
  EXPECT_TRUE(agent_.running()) << agent_.log();
  EXPECT_LT(spooled(), 300.0);

  ASSERT_TRUE(disk.release(agent_.process()->pid()));
  rx_.set_status(200);
  ASSERT_TRUE(received_until([&] { return received_.distinct() == 300; }, 120s))
      << received_.distinct() << "\n" << agent_.log();
  if (disk.mounted()) {
    EXPECT_NE(agent_.log().find("spool writes succeed again"), std::string::npos);
  }
  EXPECT_EQ(agent_.metric("tripline_spool_corrupt_records_total{sink=\"hook\"}"), 0.0);
  EXPECT_EQ(agent_.metric("tripline_spool_dropped_total{sink=\"hook\"}"), 0.0);
  // Nothing was delivered before this run: the spool held each alert exactly once, so this run
  // sent exactly 300. A failed append that left part of its batch behind, or later batches
  // spooled past a refused one (spooled, yet not checkpointable: read and spooled again after
  // the restart), would show here.
  EXPECT_EQ(agent_.metric("tripline_sink_sent_total{sink=\"hook\"}"), 300.0);
  ASSERT_EQ(agent_.stop(), 0);
  for (int64_t s = 0; s < 300; ++s) EXPECT_EQ(received_.times_seen(s), 1u) << s;
  EXPECT_EQ(received_.bad_payloads(), 0u);
  EXPECT_EQ(received_.unparsable(), 0u);
}

}  // namespace
}  // namespace tripline
