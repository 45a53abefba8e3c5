#include "exporters/syslog/syslog_format.h"

#include <gtest/gtest.h>

#include "tests/support/test_alerts.h"

namespace tripline {
namespace {

TEST(SyslogFormat, ProducesAnRfc5424MessageWithStructuredData) {
  Alert a = testing::make_alert(1, "ssh brute");
  a.sev = Sev::kSev1;
  a.group = {{"source.ip", "1.2.3.4"}, {"q", "say \"hi\" ] \\"}};
  SyslogFormat f;
  f.procid = 42;
  const std::string m = format_rfc5424(a, f);
  // auth (4) * 8 + crit (2) = 34
  const std::string head = "<34>1 2026-01-01T00:00:01Z host-a tripline 42 ssh_brute ";
  ASSERT_EQ(m.substr(0, head.size()), head);
  EXPECT_NE(m.find("[tripline@32473 alert_id=\"alert-1\" rule_id=\"ssh brute\" sev=\"SEV1\""),
            std::string::npos);
  EXPECT_NE(m.find("[group@32473 source.ip=\"1.2.3.4\" q=\"say \\\"hi\\\" \\] \\\\\"]"),
            std::string::npos)
      << m;
  EXPECT_EQ(m.substr(m.size() - a.to_json().size()), a.to_json());
}

TEST(SyslogFormat, SeverityFollowsSev) {
  EXPECT_EQ(syslog_severity(Sev::kSev0), 1);
  EXPECT_EQ(syslog_severity(Sev::kSev4), 5);
}

TEST(SyslogFormat, EmptyHeaderFieldsBecomeNilAndLongOnesAreCut) {
  Alert a = testing::make_alert(1, std::string(40, 'r'));
  a.host.clear();
  const std::string m = format_rfc5424(a, SyslogFormat{});
  EXPECT_NE(m.find(" - tripline - " + std::string(32, 'r') + " ["), std::string::npos) << m;
}

TEST(SyslogFormat, OctetCountingPrefixesTheByteLength) {
  EXPECT_EQ(octet_counted("héllo"), "6 héllo");
}

}  // namespace
}  // namespace tripline
