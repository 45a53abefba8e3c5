// The journald input over journal files written by the test itself: systemd-journal-remote
// (Debian package systemd-journal-remote) turns journal export format into a .journal file, with
// no running systemd and without touching the host journal.
#include "collectors/journald.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "config/config.h"
#include "tests/collectors/cloud/test_consumer.h"

namespace tripline {
namespace {

using cloud_testing::RecordingConsumer;
using cloud_testing::ScratchDir;
using cloud_testing::write_file;

const char* kJournalRemote = "/lib/systemd/systemd-journal-remote";

struct Entry {
  uint64_t usec;
  std::string message, identifier, unit;
  int pid = 100;
};

// Writes `entries` as a new journal file `path` (must end in .journal).
void write_journal(const std::string& path, const std::vector<Entry>& entries) {
  ASSERT_TRUE(std::filesystem::exists(kJournalRemote))
      << "install the Debian package systemd-journal-remote";
  std::string exported;
  for (const Entry& e : entries) {
    exported += "__REALTIME_TIMESTAMP=" + std::to_string(e.usec) + "\n";
    // One boot: the journal orders entries of a boot by monotonic time, so keep it in step.
    exported += "__MONOTONIC_TIMESTAMP=" + std::to_string(e.usec - 1704160000000000) + "\n";
    exported += "_BOOT_ID=0123456789abcdef0123456789abcdef\n";
    exported += "MESSAGE=" + e.message + "\nSYSLOG_IDENTIFIER=" + e.identifier + "\n";
    exported += "_SYSTEMD_UNIT=" + e.unit + "\n_PID=" + std::to_string(e.pid) + "\n";
    exported += "_HOSTNAME=web1\nPRIORITY=6\nSYSLOG_FACILITY=4\n_TRANSPORT=syslog\n\n";
  }
  const std::string export_file = path + ".export";
  write_file(export_file, exported);
  const std::string cmd = std::string(kJournalRemote) + " --split-mode=none -o '" + path + "' '" +
                          export_file + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::filesystem::remove(export_file);
}

const std::vector<Entry> kFirst = {
    {1704164645000000, "Accepted password for alice from 10.1.2.3 port 5555 ssh2", "sshd",
     "ssh.service"},
    {1704164646000000, "(root) CMD (run-parts /etc/cron.hourly)", "CRON", "cron.service"},
    {1704164647000000, "Failed password for invalid user bob from 203.0.113.9 port 4242 ssh2",
     "sshd", "ssh.service"},
};

std::unique_ptr<JournaldCollector> build(const ScratchDir& state, const std::string& keys) {
  Diagnostics diags;
  Config config = load_config_text(
      "inputs:\n  - { name: journal, type: journald, " + keys + " }\n", "t.yaml", diags);
  CollectorContext ctx{"h", state.path(), state.path()};
  auto c = make_journald_collector(config.inputs.at(0), ctx, diags);
  EXPECT_FALSE(diags.has_errors()) << (diags.items.empty() ? "" : diags.items[0].to_string());
  return std::unique_ptr<JournaldCollector>(static_cast<JournaldCollector*>(c.release()));
}

std::vector<std::string> messages(const RecordingConsumer& out) {
  std::vector<std::string> m;
  for (const Event& e : out.events()) m.emplace_back(e.raw());
  return m;
}

TEST(Journald, EntriesBecomeEventsAndSshdMessagesGetSshdFields) {
  ScratchDir dir, state;
  write_journal(dir / "logs/a.journal", kFirst);
  auto c = build(state, "directory: " + dir / "logs" + ", start_at: beginning");
  RecordingConsumer out;
  c->start(out);
  ASSERT_TRUE(out.wait_for(3));
  c->stop();
  const auto events = out.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].raw(), kFirst[0].message);
  EXPECT_EQ(events[0].logsource().to_string(), "linux/sshd");
  EXPECT_EQ(events[0].text("user.name"), "alice");
  EXPECT_EQ(events[0].text("source.ip"), "10.1.2.3");
  EXPECT_EQ(events[0].text("event.outcome"), "success");
  EXPECT_EQ(events[0].text("systemd.unit"), "ssh.service");
  EXPECT_EQ(events[0].text("host.hostname"), "web1");
  EXPECT_EQ(events[0].text("syslog.facility"), "auth");
  EXPECT_EQ(events[1].logsource().to_string(), "linux/syslog");
  EXPECT_EQ(events[1].text("process.name"), "CRON");
  EXPECT_EQ(events[2].text("event.outcome"), "failure");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(
                events[0].event_time().time_since_epoch()).count(),
            1704164645);
}

TEST(Journald, MatchesSelectByUnit) {
  ScratchDir dir, state;
  write_journal(dir / "a.journal", kFirst);
  auto c = build(state, "files: [" + dir / "a.journal" +
                            "], start_at: beginning, matches: [\"_SYSTEMD_UNIT=ssh.service\"]");
  RecordingConsumer out;
  c->start(out);
  ASSERT_TRUE(out.wait_for(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  c->stop();
  EXPECT_EQ(messages(out), (std::vector<std::string>{kFirst[0].message, kFirst[2].message}));
}

TEST(Journald, RestartResumesAfterTheCommittedCursorAndReadsNewFiles) {
  ScratchDir dir, state;
  write_journal(dir / "logs/a.journal", kFirst);
  {
    auto c = build(state, "directory: " + dir / "logs" + ", start_at: beginning");
    RecordingConsumer out;
    c->start(out);
    ASSERT_TRUE(out.wait_for(3));
    c->stop();
    c->flush_checkpoints();
    EXPECT_FALSE(c->committed_cursor().empty());
  }
  write_journal(dir / "logs/b.journal",
                {{1704164700000000, "Disconnected from user alice 10.1.2.3 port 5555", "sshd",
                  "ssh.service"}});
  auto c = build(state, "directory: " + dir / "logs" + ", start_at: beginning");
  RecordingConsumer out;
  c->start(out);
  ASSERT_TRUE(out.wait_for(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  c->stop();
  EXPECT_EQ(messages(out),
            (std::vector<std::string>{"Disconnected from user alice 10.1.2.3 port 5555"}));
}

TEST(Journald, UncommittedEntriesAreReadAgainAfterRestart) {
  ScratchDir dir, state;
  write_journal(dir / "a.journal", kFirst);
  {
    auto c = build(state, "files: [" + dir / "a.journal" + "], start_at: beginning");
    RecordingConsumer held(/*commit=*/false);
    c->start(held);
    ASSERT_TRUE(held.wait_for(3));
    c->stop();
    c->flush_checkpoints();
    EXPECT_TRUE(c->committed_cursor().empty());
  }
  auto c = build(state, "files: [" + dir / "a.journal" + "], start_at: beginning");
  RecordingConsumer out;
  c->start(out);
  EXPECT_TRUE(out.wait_for(3));
  c->stop();
  EXPECT_EQ(out.size(), 3u);
}

TEST(Journald, StartAtEndSkipsHistoryAndFollowsNewJournalFiles) {
  ScratchDir dir, state;
  write_journal(dir / "logs/a.journal", kFirst);
  auto c = build(state, "directory: " + dir / "logs");
  RecordingConsumer out;
  c->start(out);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(out.size(), 0u);
  write_journal(dir / "logs/b.journal",
                {{1704164800000000, "Server listening on 0.0.0.0 port 22.", "sshd", "ssh.service"}});
  EXPECT_TRUE(out.wait_for(1));
  c->stop();
  EXPECT_EQ(messages(out), (std::vector<std::string>{"Server listening on 0.0.0.0 port 22."}));
}

TEST(Journald, BadMatchIsAConfigError) {
  ScratchDir state;
  Diagnostics diags;
  Config config = load_config_text(
      "inputs:\n  - { name: j, type: journald, matches: [\"unit is ssh\"] }\n", "t.yaml", diags);
  CollectorContext ctx{"h", state.path(), state.path()};
  EXPECT_EQ(make_journald_collector(config.inputs.at(0), ctx, diags), nullptr);
  EXPECT_TRUE(diags.has_errors());
}

}  // namespace
}  // namespace tripline
