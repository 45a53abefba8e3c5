#include "collectors/parsers/syslog_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "collectors/parsers/parser_factory.h"
#include "core/time_util.h"
#include "tests/collectors/parsers/parser_test_util.h"

namespace tripline {
namespace {

using testing::at;
using testing::field;
using testing::make_event;

const SyslogParser kUtc(TimestampZone::kUtc);

TEST(SyslogParser, ClassicAuthLogLineSetsHeaderFieldsAndCurrentYear) {
  Event e = make_event("Nov 23 08:49:01 web1 sshd[1234]: Server listening on 0.0.0.0 port 22.");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(format_rfc3339(e.event_time()), "2026-11-23T08:49:01Z");
  EXPECT_EQ(field(e, "host.hostname"), "web1");
  EXPECT_EQ(field(e, "process.name"), "sshd");
  EXPECT_EQ(field(e, "process.pid"), "1234");
  EXPECT_EQ(e.find("process.pid")->type, FieldType::kNumber);
  EXPECT_EQ(field(e, "message"), "Server listening on 0.0.0.0 port 22.");
  EXPECT_EQ(field(e, "syslog.facility"), "<absent>");  // no PRI in a file rsyslog wrote
  EXPECT_EQ(e.body(), Event::Body::kText);
}

TEST(SyslogParser, SpacePaddedAndBareSingleDigitDays) {
  Event padded = make_event("Jun  7 01:10:56 host cron[5937]: tick");
  ASSERT_TRUE(kUtc.parse(padded));
  EXPECT_EQ(format_rfc3339(padded.event_time()), "2026-06-07T01:10:56Z");
  Event bare = make_event("Feb 7 16:01:07 linux-m899 cron[5106]: tick");
  ASSERT_TRUE(kUtc.parse(bare));
  EXPECT_EQ(format_rfc3339(bare.event_time()), "2026-02-07T16:01:07Z");
  EXPECT_EQ(field(bare, "host.hostname"), "linux-m899");
}

TEST(SyslogParser, DecemberLineReceivedOnJanuaryFirstBelongsToPreviousYear) {
  Event e = make_event("Dec 31 23:59:58 host sshd[1]: x", at("2027-01-01T00:00:05Z"));
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(format_rfc3339(e.event_time()), "2026-12-31T23:59:58Z");
}

TEST(SyslogParser, JanuaryLineReceivedJustBeforeNewYearBelongsToNextYear) {
  // The sender's clock runs a few seconds ahead of ours across midnight.
  Event e = make_event("Jan  1 00:00:03 host sshd[1]: x", at("2026-12-31T23:59:58Z"));
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(format_rfc3339(e.event_time()), "2027-01-01T00:00:03Z");
}

TEST(SyslogParser, UpToOneDayInTheFutureStaysInTheCurrentYear) {
  Event within = make_event("Nov 24 08:00:00 host a: x", at("2026-11-23T09:00:00Z"));
  ASSERT_TRUE(kUtc.parse(within));
  EXPECT_EQ(format_rfc3339(within.event_time()), "2026-11-24T08:00:00Z");
  Event beyond = make_event("Nov 24 09:00:01 host a: x", at("2026-11-23T09:00:00Z"));
  ASSERT_TRUE(kUtc.parse(beyond));
  EXPECT_EQ(format_rfc3339(beyond.event_time()), "2025-11-24T09:00:01Z");
}

TEST(SyslogParser, LeapDayResolvesToTheLastLeapYear) {
  Event e = make_event("Feb 29 12:00:00 host a: x", at("2026-03-01T00:00:00Z"));
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(format_rfc3339(e.event_time()), "2024-02-29T12:00:00Z");
  Event impossible = make_event("Feb 30 12:00:00 host a: x");
  EXPECT_FALSE(kUtc.parse(impossible));
}

TEST(SyslogParser, LocalZoneReadsZonelessTimesAsHostLocalTime) {
  // A fresh thread: the local-offset cache is per thread and TZ changes only here.
  const char* old_tz = std::getenv("TZ");
  const std::string saved = old_tz ? old_tz : "";
  setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
  tzset();
  std::string summer, winter;
  std::thread([&] {
    const SyslogParser local(TimestampZone::kLocal);
    Event s = make_event("Jul  1 12:00:00 host a: x", at("2026-07-02T00:00:00Z"));
    Event w = make_event("Jan 15 12:00:00 host a: x", at("2026-07-02T00:00:00Z"));
    local.parse(s);
    local.parse(w);
    summer = format_rfc3339(s.event_time());
    winter = format_rfc3339(w.event_time());
  }).join();
  if (old_tz) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
  EXPECT_EQ(summer, "2026-07-01T10:00:00Z");
  EXPECT_EQ(winter, "2026-01-15T11:00:00Z");
}

TEST(SyslogParser, PriPrefixGivesFacilityAndSeverityNames) {
  Event e = make_event("<38>Nov 23 08:49:01 host sshd[1]: Server listening on :: port 22.");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(field(e, "syslog.priority"), "38");
  EXPECT_EQ(field(e, "syslog.facility"), "auth");
  EXPECT_EQ(field(e, "syslog.severity"), "info");
  Event authpriv = make_event("<86>Nov 23 08:49:01 host sudo: x");
  ASSERT_TRUE(kUtc.parse(authpriv));
  EXPECT_EQ(field(authpriv, "syslog.facility"), "authpriv");
  EXPECT_EQ(field(authpriv, "syslog.severity"), "info");
  Event local7 = make_event("<191>Nov 23 08:49:01 host app: x");
  ASSERT_TRUE(kUtc.parse(local7));
  EXPECT_EQ(field(local7, "syslog.facility"), "local7");
  EXPECT_EQ(field(local7, "syslog.severity"), "debug");
}

TEST(SyslogParser, Debian12HighPrecisionTimestampKeepsFractionAndOffset) {
  Event e = make_event(
      "2026-11-23T08:49:01.123456+01:00 deb12 sshd[1234]: Accepted password for bob from "
      "192.0.2.7 port 50000 ssh2");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(format_rfc3339(e.event_time()), "2026-11-23T07:49:01.123Z");
  EXPECT_EQ(field(e, "host.hostname"), "deb12");
  EXPECT_EQ(field(e, "process.pid"), "1234");
  EXPECT_EQ(field(e, "event.action"), "accepted_password");
}

TEST(SyslogParser, HostMayBeAbsentBeforeTheTag) {
  Event e =
      make_event("Nov 23 21:50:19 sshd[8148]: Disconnecting: Too many authentication failures");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(field(e, "host.hostname"), "<absent>");
  EXPECT_EQ(field(e, "process.name"), "sshd");
  EXPECT_EQ(field(e, "process.pid"), "8148");
  EXPECT_EQ(field(e, "event.action"), "too_many_auth_failures");
}

TEST(SyslogParser, BracketedTagWithAndWithoutColon) {
  Event colon = make_event(
      "Mar  3 00:17:22 [sshd]: User root from 211.188.220.49 not allowed "
      "because not listed in AllowUsers");
  ASSERT_TRUE(kUtc.parse(colon));
  EXPECT_EQ(field(colon, "process.name"), "sshd");
  EXPECT_EQ(field(colon, "source.ip"), "211.188.220.49");
  Event bare = make_event(
      "Jun 25 23:53:34 [sshd] User root from 1.2.3.4 not allowed because "
      "not listed in AllowUsers");
  ASSERT_TRUE(kUtc.parse(bare));
  EXPECT_EQ(field(bare, "process.name"), "sshd");
  EXPECT_EQ(field(bare, "message"),
            "User root from 1.2.3.4 not allowed because not listed in "
            "AllowUsers");
}

TEST(SyslogParser, ContentWithoutTagIsAllMessage) {
  Event e = make_event("Nov 23 08:49:01 host -- MARK --");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(field(e, "host.hostname"), "host");
  EXPECT_EQ(field(e, "process.name"), "<absent>");
  EXPECT_EQ(field(e, "message"), "-- MARK --");
}

TEST(SyslogParser, TagWithoutPidAndPamFieldsForOtherPrograms) {
  Event e = make_event(
      "Jul 19 18:11:26 srv2 vsftpd: pam_unix(vsftpd:auth): authentication failure; logname= "
      "uid=0 euid=0 tty=ftp ruser=an8767 rhost=www.google.com");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(field(e, "process.name"), "vsftpd");
  EXPECT_EQ(field(e, "process.pid"), "<absent>");
  EXPECT_EQ(field(e, "event.action"), "pam_auth_failure");
  EXPECT_EQ(field(e, "source.domain"), "www.google.com");
  EXPECT_EQ(field(e, "user.name"), "an8767");
  // Not sshd: the logsource the input declared stays.
  EXPECT_EQ(e.logsource().service, "auth");
}

TEST(SyslogParser, SshdLineSetsSshdLogsource) {
  Event e = make_event("Nov 23 08:49:01 h sshd[1]: Invalid user admin from 192.0.2.1 port 4",
                       at("2026-11-23T09:00:00Z"), "authentication");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(e.logsource().product, "linux");
  EXPECT_EQ(e.logsource().service, "sshd");
  EXPECT_EQ(e.logsource().category, "authentication");
  EXPECT_EQ(field(e, "event.action"), "invalid_user");
}

TEST(SyslogParser, RepeatedMessageIsUnwrappedAndCounted) {
  Event e = make_event(
      "Dec 10 07:08:28 LabSZ sshd[24208]: message repeated 5 times: [ Failed password for root "
      "from 112.95.230.3 port 53590 ssh2]");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(field(e, "syslog.repeat_count"), "5");
  EXPECT_EQ(field(e, "event.action"), "failed_password");
  EXPECT_EQ(field(e, "source.port"), "53590");
}

TEST(SyslogParser, TrailingCarriageReturnIsNotPartOfTheMessage) {
  Event e = make_event("Nov 23 08:49:01 host app[1]: hello\r");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(field(e, "message"), "hello");
}

TEST(SyslogParser, Rfc5424WithStructuredDataAndBom) {
  Event e = make_event(
      "<165>1 2026-11-23T08:49:01.003Z mymachine.example.com evntslog 1234 ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
      "[examplePriority@32473 class=\"high\"] \xEF\xBB\xBF"
      "An application event log entry");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(format_rfc3339(e.event_time()), "2026-11-23T08:49:01.003Z");
  EXPECT_EQ(field(e, "syslog.facility"), "local4");
  EXPECT_EQ(field(e, "syslog.severity"), "notice");
  EXPECT_EQ(field(e, "host.hostname"), "mymachine.example.com");
  EXPECT_EQ(field(e, "process.name"), "evntslog");
  EXPECT_EQ(field(e, "process.pid"), "1234");
  EXPECT_EQ(field(e, "syslog.msgid"), "ID47");
  EXPECT_EQ(field(e, "syslog.sd.exampleSDID@32473.iut"), "3");
  EXPECT_EQ(field(e, "syslog.sd.exampleSDID@32473.eventSource"), "Application");
  EXPECT_EQ(field(e, "syslog.sd.exampleSDID@32473.eventID"), "1011");
  EXPECT_EQ(field(e, "syslog.sd.examplePriority@32473.class"), "high");
  EXPECT_EQ(field(e, "message"), "An application event log entry");
}

TEST(SyslogParser, Rfc5424NilValuesLeaveFieldsUnset) {
  const TimePoint received = at("2026-11-23T09:00:00Z");
  Event e = make_event("<34>1 - - - - - -", received);
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(e.event_time(), received);
  for (const char* name : {"host.hostname", "process.name", "process.pid", "syslog.msgid"}) {
    EXPECT_EQ(field(e, name), "<absent>") << name;
  }
  EXPECT_EQ(field(e, "message"), "");
  EXPECT_EQ(field(e, "syslog.facility"), "auth");
  EXPECT_EQ(field(e, "syslog.severity"), "crit");

  Event nil_procid = make_event(
      "<34>1 2026-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' "
      "failed for lonvick on /dev/pts/8");
  ASSERT_TRUE(kUtc.parse(nil_procid));
  EXPECT_EQ(field(nil_procid, "process.name"), "su");
  EXPECT_EQ(field(nil_procid, "process.pid"), "<absent>");
  EXPECT_EQ(field(nil_procid, "message"), "'su root' failed for lonvick on /dev/pts/8");
}

TEST(SyslogParser, Rfc5424StructuredDataValuesAreUnescaped) {
  Event e = make_event(
      "<13>1 2026-11-23T08:49:01Z h app - - [x@1 q=\"a\\\"b\" bs=\"c\\\\d\" br=\"e\\]f\" "
      "other=\"g\\h\" raw=\"[brackets]\" empty=\"\"] msg");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(field(e, "syslog.sd.x@1.q"), "a\"b");
  EXPECT_EQ(field(e, "syslog.sd.x@1.bs"), "c\\d");
  EXPECT_EQ(field(e, "syslog.sd.x@1.br"), "e]f");
  EXPECT_EQ(field(e, "syslog.sd.x@1.other"), "g\\h");
  EXPECT_EQ(field(e, "syslog.sd.x@1.raw"), "[brackets]");
  EXPECT_EQ(field(e, "syslog.sd.x@1.empty"), "");
  EXPECT_EQ(field(e, "message"), "msg");
}

TEST(SyslogParser, Rfc5424NonNumericProcidAndNoMessage) {
  Event e = make_event("<13>1 2026-11-23T08:49:01Z h app worker-3 - [meta a=\"1\"]");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(field(e, "syslog.procid"), "worker-3");
  EXPECT_EQ(field(e, "process.pid"), "<absent>");
  EXPECT_EQ(field(e, "syslog.sd.meta.a"), "1");
  EXPECT_EQ(field(e, "message"), "");
}

TEST(SyslogParser, Rfc5424SshdLineGetsSshdFields) {
  Event e = make_event(
      "<38>1 2019-07-08T17:40:17.954167-04:00 hostname.example.com sshd 55555 - "
      "[timeQuality tzKnown=\"1\" isSynced=\"0\"][xxx@123 test=\"[brackets]\"] Failed unknown "
      "for invalid user redmond from 192.0.2.2 port 55555 ssh2");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(format_rfc3339(e.event_time()), "2019-07-08T21:40:17.954Z");
  EXPECT_EQ(field(e, "syslog.sd.timeQuality.isSynced"), "0");
  EXPECT_EQ(field(e, "syslog.sd.xxx@123.test"), "[brackets]");
  EXPECT_EQ(field(e, "source.ip"), "192.0.2.2");
  EXPECT_EQ(field(e, "user.name"), "redmond");
  EXPECT_EQ(field(e, "event.action"), "failed_other");
  EXPECT_EQ(e.logsource().service, "sshd");
}

TEST(SyslogParser, NonSyslogLinesYieldRawMessageAndReturnFalse) {
  const std::vector<std::string> lines = {
      "",
      "hello world",
      "srv sshd[13709]: error: PAM: Authentication failure for x from 1.2.3.4",
      "Nov 23 08:49:01",
      "Nov 23 08:49:01 ",
      "Nov 99 08:49:01 host a: x",
      "Foo 23 08:49:01 host a: x",
      "Nov 23 25:49:01 host a: x",
      "<999>1 2026-11-23T08:49:01Z h a - - - x",
      "<34>1 2026-13-23T08:49:01Z h a - - - x",
      "<34>1 2026-11-23T08:49:01Z h a - -",
      "<34>1 2026-11-23T08:49:01Z h a - - [id a=\"unterminated",
      "<34>1 2026-11-23T08:49:01Z h a - - [id a=unquoted] x",
      "<34>1 2026-11-23T08:49:01Z h a - - -x",
      "<34",
      "<>Nov 23 08:49:01 host a: x",
      "2026-11-23T08:49:01.123456+00:00",
      "2026-11-23X08:49:01 host a: x",
      std::string("\x00\x01\x02\xff\xfe binary \x00", 14),
      "\xc3\x28\xa0\xa1 invalid utf-8 \xf0\x28\x8c\x28",
      std::string(100000, 'A'),
  };
  for (const std::string& line : lines) {
    Event e = make_event(line);
    EXPECT_FALSE(kUtc.parse(e)) << line.substr(0, 60);
    std::string_view expected = line;
    EXPECT_EQ(field(e, "message"), expected) << line.substr(0, 60);
    EXPECT_EQ(field(e, "host.hostname"), "<absent>") << line.substr(0, 60);
    EXPECT_EQ(field(e, "process.name"), "<absent>") << line.substr(0, 60);
  }
}

TEST(SyslogParser, InvalidUtf8InsideAValidLineStillParses) {
  Event e = make_event(
      "Nov 23 08:49:01 host sshd[7]: Invalid user \xff\xfe\xc3\x28 from 192.0.2.9 port 22");
  ASSERT_TRUE(kUtc.parse(e));
  EXPECT_EQ(field(e, "user.name"), "\xff\xfe\xc3\x28");
  EXPECT_EQ(field(e, "source.ip"), "192.0.2.9");
}

TEST(SyslogParser, UnsetReceiveTimeInfersTheYearFromNow) {
  Event e(nullptr, "Jan  1 00:00:00 host a: x");
  ASSERT_TRUE(kUtc.parse(e));
  const auto now = Clock::now();
  EXPECT_LE(e.event_time(), now + std::chrono::hours(24));
  EXPECT_GT(e.event_time(), now - std::chrono::hours(24 * 367));
}

TEST(SyslogParser, OneParserIsSafeToShareBetweenThreads) {
  const SyslogParser parser(TimestampZone::kLocal);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        Event e = make_event("Nov 23 08:49:01 h sshd[" + std::to_string(i) +
                             "]: Failed password for root from 10.0." + std::to_string(t) +
                             ".1 port " + std::to_string(i + 1) + " ssh2");
        if (parser.parse(e) && field(e, "source.ip") == "10.0." + std::to_string(t) + ".1" &&
            field(e, "source.port") == std::to_string(i + 1)) {
          ++ok[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, std::vector<int>(4, 2000));
}

TEST(SyslogParser, FactoryMakesSyslogParser) {
  const auto& formats = parser_formats();
  EXPECT_NE(std::find(formats.begin(), formats.end(), "syslog"), formats.end());
  auto parser = make_parser("syslog");
  ASSERT_NE(parser, nullptr);
  Event e = make_event(
      "Nov 23 08:49:01 h sshd[1]: Accepted publickey for a from 10.1.1.1 port "
      "2 ssh2: ED25519 SHA256:abc");
  EXPECT_TRUE(parser->parse(e));
  EXPECT_EQ(field(e, "event.action"), "accepted_publickey");
}

}  // namespace
}  // namespace tripline
