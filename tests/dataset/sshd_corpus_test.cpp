// The syslog and sshd parsers against real logs in ../shared/data:
//  - fail2ban's sshd test logs, where each line is preceded by a `# failJSON: {...}` label saying
//    whether fail2ban's sshd filter flags it and which host it blames;
//  - loghub's OpenSSH_2k.log and Linux_2k.log, real auth logs from lab machines.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collectors/parsers/net_address.h"
#include "collectors/parsers/sshd_parser.h"
#include "collectors/parsers/syslog_parser.h"
#include "core/time_util.h"

namespace tripline {
namespace {

namespace fs = std::filesystem;

fs::path data_dir() { return fs::path(TRIPLINE_SHARED_DATA_DIR); }

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::shared_ptr<const InputInfo> auth_input() {
  auto input = std::make_shared<InputInfo>();
  input->name = "auth";
  input->logsource = {"linux", "auth", ""};
  return input;
}

// fail2ban's test clock (tests/utils.py: MyTime.setTime(1124013600)); its year-less lines are
// dated relative to it.
const TimePoint kFail2banNow = *parse_rfc3339("2005-08-14T10:00:00Z");

struct Label {
  bool match = false;
  std::string host;
  std::string time;
  bool multi_user = false;  // "users": fail2ban's per-connection user tracking flagged the line
};

Label parse_label(std::string_view json) {
  Label label;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return label;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return label;
  for (auto f : obj) {
    std::string_view key;
    if (f.unescaped_key().get(key)) return label;
    if (key == "match") {
      bool b = false;
      if (!f.value().get_bool().get(b)) label.match = b;
    } else if (key == "host") {
      std::string_view s;
      if (!f.value().get_string().get(s)) label.host = s;
    } else if (key == "time") {
      std::string_view s;
      if (!f.value().get_string().get(s)) label.time = s;
    } else if (key == "users") {
      label.multi_user = true;
    }
  }
  return label;
}

struct Case {
  std::string file;
  size_t line_no;
  std::string line;
  Label label;
};

// Every line of `file` preceded by a match:true label that names a host.
std::vector<Case> labelled_failures(const std::string& file) {
  std::vector<Case> out;
  const std::vector<std::string> lines = read_lines(data_dir() / "fail2ban-sshd" / file);
  std::optional<Label> pending;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    constexpr std::string_view kTag = "# failJSON:";
    if (line.starts_with(kTag)) {
      pending = parse_label(std::string_view(line).substr(kTag.size()));
      continue;
    }
    if (line.empty() || line.starts_with('#')) continue;
    if (pending && pending->match && !pending->host.empty()) {
      out.push_back({file, i + 1, line, *pending});
    }
    pending.reset();
  }
  return out;
}

// The first 19 characters of RFC 3339 in UTC: fail2ban labels carry no zone.
std::string seconds_utc(TimePoint t) { return format_rfc3339(t).substr(0, 19); }

enum class Outcome { kCovered, kHostNotInLine, kSuccessLine, kAmbiguousClose, kNotSyslog };

struct Tally {
  std::map<Outcome, std::vector<std::string>> by_outcome;
  size_t total = 0;
};

// Checks one labelled failure; returns how it was accounted for. Deliberate skips are decided from
// the line itself (see docs/parsers.md, "fail2ban corpus"), never from a list of line numbers.
Outcome check_case(const Case& c) {
  const std::string where = c.file + ":" + std::to_string(c.line_no) + ": " + c.line;
  if (c.line.starts_with("type=")) return Outcome::kNotSyslog;  // auditd records
  Event event(auth_input(), c.line);
  event.set_receive_time(kFail2banNow);
  bool parsed = false;
  if (c.file == "sshd-journal.log") {
    // journald hands over SYSLOG_IDENTIFIER and MESSAGE separately; the file renders them as
    // "HOST IDENT[PID]: MESSAGE".
    const size_t colon = c.line.find("]: ");
    EXPECT_NE(colon, std::string::npos) << where;
    if (colon == std::string::npos) return Outcome::kCovered;
    static const SshdParser sshd;
    parsed = sshd.parse_message(std::string_view(c.line).substr(colon + 3), event);
  } else {
    static const SyslogParser syslog(TimestampZone::kUtc);
    parsed = syslog.parse(event);
    const std::string_view program = event.text("process.name");
    // Zone-less timestamps are fail2ban's local time, i.e. UTC for this parser.
    if (!c.label.time.empty() && !c.line.starts_with('<') && !std::isdigit(c.line[0])) {
      EXPECT_EQ(seconds_utc(event.event_time()), c.label.time) << where;
    }
    if (program.starts_with("sshd")) {
      EXPECT_EQ(event.logsource().service, "sshd") << where;
    }
  }
  EXPECT_TRUE(parsed) << where;

  if (c.line.find(c.label.host) == std::string::npos) {
    // fail2ban joins the lines of one sshd pid and blames a host named only on an earlier line;
    // a line parser sees one line. It still reports the failure, and invents no source.
    EXPECT_EQ(event.text("event.outcome"), "failure") << where;
    EXPECT_EQ(event.text("source.address"), "") << where;
    return Outcome::kHostNotInLine;
  }
  std::string normalized_host;
  const AddressKind kind = classify_address(c.label.host, normalized_host);
  const std::string_view want_field =
      kind == AddressKind::kHostname ? "source.domain" : "source.ip";
  EXPECT_EQ(event.text(want_field), normalized_host) << where;
  if (c.label.multi_user && event.text("event.action").starts_with("accepted_")) {
    // fail2ban flags a login that follows failures for other user names; the line itself reports
    // a success, and says so.
    EXPECT_EQ(event.text("event.outcome"), "success") << where;
    return Outcome::kSuccessLine;
  }
  if (event.text("event.action") == "connection_closed" && event.text("event.outcome").empty()) {
    // "Connection closed by IP port N" without [preauth]: also how an authenticated session can
    // end, so the line alone does not say the attempt failed.
    return Outcome::kAmbiguousClose;
  }
  EXPECT_EQ(event.text("event.outcome"), "failure") << where;
  return Outcome::kCovered;
}

TEST(SshdCorpus, Fail2banLabelledFailuresYieldSourceAndFailureOutcome) {
  if (!fs::exists(data_dir() / "fail2ban-sshd")) {
    GTEST_SKIP() << "shared data not found at " << data_dir() << " (see ../shared/data/README)";
  }
  Tally tally;
  for (const char* file : {"sshd.log", "sshd-journal.log", "pam-generic.log", "selinux-ssh.log"}) {
    for (const Case& c : labelled_failures(file)) {
      ++tally.total;
      tally.by_outcome[check_case(c)].push_back(c.file + ":" + std::to_string(c.line_no));
    }
  }
  const auto count = [&](Outcome o) { return tally.by_outcome[o].size(); };
  std::cout << "fail2ban-sshd labelled failures with a host: " << tally.total << "\n"
            << "  covered (source + failure outcome): " << count(Outcome::kCovered) << "\n"
            << "  host only on an earlier line (multi-line state): "
            << count(Outcome::kHostNotInLine) << "\n"
            << "  success line flagged by fail2ban's user tracking (source checked): "
            << count(Outcome::kSuccessLine) << "\n"
            << "  'Connection closed by' without [preauth] (source checked): "
            << count(Outcome::kAmbiguousClose) << "\n"
            << "  auditd records, not syslog: " << count(Outcome::kNotSyslog) << "\n";
  ::testing::Test::RecordProperty("fail2ban_total", static_cast<int>(tally.total));
  ::testing::Test::RecordProperty("fail2ban_covered", static_cast<int>(count(Outcome::kCovered)));
  for (Outcome skipped : {Outcome::kHostNotInLine, Outcome::kSuccessLine, Outcome::kAmbiguousClose,
                          Outcome::kNotSyslog}) {
    for (const std::string& where : tally.by_outcome[skipped]) {
      std::cout << "    skipped (" << static_cast<int>(skipped) << "): " << where << "\n";
    }
  }
  // The corpus has 207 such lines. The skips are the known sets docs/parsers.md describes; any
  // growth means a line the parser should handle stopped being handled.
  EXPECT_EQ(tally.total, 207u);
  EXPECT_EQ(count(Outcome::kCovered), 178u);
  EXPECT_LE(count(Outcome::kHostNotInLine), 19u);
  EXPECT_LE(count(Outcome::kSuccessLine), 4u);
  EXPECT_LE(count(Outcome::kAmbiguousClose), 1u);
  EXPECT_LE(count(Outcome::kNotSyslog), 5u);
}

size_t count_lines_containing(const std::vector<std::string>& lines, std::string_view needle) {
  size_t n = 0;
  for (const std::string& l : lines) n += l.find(needle) != std::string::npos;
  return n;
}

TEST(SshdCorpus, LoghubOpenSshLinesAllParseAndActionsMatchTheirText) {
  const fs::path path = data_dir() / "loghub" / "OpenSSH_2k.log";
  if (!fs::exists(path)) GTEST_SKIP() << "shared data not found at " << path;
  const std::vector<std::string> lines = read_lines(path);
  ASSERT_EQ(lines.size(), 2000u);
  const SyslogParser parser(TimestampZone::kUtc);
  std::map<std::string, size_t> actions;
  size_t failures_with_ip = 0, failures = 0;
  for (const std::string& line : lines) {
    Event e(auth_input(), line);
    e.set_receive_time(*parse_rfc3339("2017-01-15T00:00:00Z"));
    ASSERT_TRUE(parser.parse(e)) << line;
    EXPECT_EQ(e.logsource().service, "sshd") << line;
    const std::string action(e.text("event.action"));
    ++actions[action];
    if (e.text("event.outcome") == "failure") {
      ++failures;
      failures_with_ip += !e.text("source.ip").empty();
    }
    if (action == "failed_password") {
      EXPECT_FALSE(e.text("source.ip").empty()) << line;
    }
  }
  size_t accepted = 0;
  for (const auto& [action, n] : actions) accepted += action.starts_with("accepted_") ? n : 0;
  const size_t want_failed = count_lines_containing(lines, "Failed password for ");
  const size_t want_invalid = count_lines_containing(lines, ": Invalid user ");
  const size_t want_accepted = count_lines_containing(lines, ": Accepted ");
  EXPECT_EQ(actions["failed_password"], want_failed);
  EXPECT_EQ(actions["invalid_user"], want_invalid);
  EXPECT_EQ(accepted, want_accepted);
  EXPECT_GT(want_failed, 0u);
  EXPECT_GT(want_invalid, 0u);
  EXPECT_GT(want_accepted, 0u);
  std::cout << "OpenSSH_2k.log: failed_password=" << actions["failed_password"]
            << " invalid_user=" << actions["invalid_user"] << " accepted_*=" << accepted
            << " unrecognised=" << actions[""] << " failures=" << failures
            << " (with source.ip: " << failures_with_ip << ")\n";
}

TEST(SshdCorpus, LoghubLinuxMessagesAllParseAndPamFailuresAreCounted) {
  const fs::path path = data_dir() / "loghub" / "Linux_2k.log";
  if (!fs::exists(path)) GTEST_SKIP() << "shared data not found at " << path;
  const std::vector<std::string> lines = read_lines(path);
  const SyslogParser parser(TimestampZone::kUtc);
  size_t pam_failures = 0, sshd_events = 0;
  for (const std::string& line : lines) {
    Event e(auth_input(), line);
    e.set_receive_time(*parse_rfc3339("2005-12-31T00:00:00Z"));
    ASSERT_TRUE(parser.parse(e)) << line;
    pam_failures += e.text("event.action") == "pam_auth_failure";
    sshd_events += e.logsource().service == "sshd";
  }
  EXPECT_EQ(pam_failures, count_lines_containing(lines, "]: authentication failure; logname="));
  EXPECT_EQ(sshd_events, count_lines_containing(lines, " sshd(pam_unix)["));
}

}  // namespace
}  // namespace tripline
