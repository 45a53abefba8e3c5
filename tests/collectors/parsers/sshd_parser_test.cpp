#include "collectors/parsers/sshd_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collectors/parsers/syslog_parser.h"
#include "tests/collectors/parsers/parser_test_util.h"

namespace tripline {
namespace {

using testing::field;
using testing::make_event;

// Parses `message` as the body of one sshd log line (what journald calls MESSAGE).
Event sshd(std::string_view message, bool expect_recognised = true) {
  static const SshdParser parser;
  Event e = make_event(message);
  EXPECT_EQ(parser.parse(e), expect_recognised) << message;
  return e;
}

struct Expect {
  std::string action, outcome, user, ip, port;
};

void expect_fields(const Event& e, const Expect& x) {
  EXPECT_EQ(field(e, "event.action"), x.action) << e.raw();
  EXPECT_EQ(field(e, "event.outcome"), x.outcome) << e.raw();
  EXPECT_EQ(field(e, "user.name"), x.user) << e.raw();
  EXPECT_EQ(field(e, "source.ip"), x.ip) << e.raw();
  EXPECT_EQ(field(e, "source.port"), x.port) << e.raw();
}

constexpr const char* kAbsent = "<absent>";

TEST(SshdParser, FailedPassword) {
  Event e = sshd("Failed password for root from 203.0.113.9 port 50273 ssh2");
  expect_fields(e, {"failed_password", "failure", "root", "203.0.113.9", "50273"});
  EXPECT_EQ(field(e, "sshd.auth_method"), "password");
  EXPECT_EQ(field(e, "sshd.invalid_user"), kAbsent);
  EXPECT_EQ(e.find("source.port")->type, FieldType::kNumber);
  EXPECT_EQ(e.logsource().product, "linux");
  EXPECT_EQ(e.logsource().service, "sshd");
}

TEST(SshdParser, FailedPasswordForInvalidUser) {
  Event e = sshd("Failed password for invalid user ROOT from 194.117.26.69 port 50273 ssh2");
  expect_fields(e, {"failed_password", "failure", "ROOT", "194.117.26.69", "50273"});
  EXPECT_EQ(field(e, "sshd.invalid_user"), "true");
}

TEST(SshdParser, FailedPasswordWithIpv6AndWithoutPort) {
  expect_fields(sshd("Failed password for invalid user ROOT from aaaa:bbbb:cccc:1234::1:1 port "
                     "50273 ssh2"),
                {"failed_password", "failure", "ROOT", "aaaa:bbbb:cccc:1234::1:1", "50273"});
  expect_fields(sshd("Failed password for invalid user ROOT from aaaa:bbbb:cccc:1234::1:1"),
                {"failed_password", "failure", "ROOT", "aaaa:bbbb:cccc:1234::1:1", kAbsent});
  expect_fields(sshd("Failed password for bob from 2001:db8::42 port 22 ssh2"),
                {"failed_password", "failure", "bob", "2001:db8::42", "22"});
}

TEST(SshdParser, FailedAuthOtherMethods) {
  expect_fields(sshd("Failed publickey for invalid user graysky from 127.0.0.1 port 37954 ssh2: "
                     "RSA SHA256:v3dpapGleDaUKf$4V1vKyR9ZyUgjaJAmoCTcb2PLljI"),
                {"failed_publickey", "failure", "graysky", "127.0.0.1", "37954"});
  expect_fields(sshd("Failed keyboard-interactive/pam for invalid user jamedds from "
                     "205.186.180.77 port 33723 ssh2"),
                {"failed_keyboard_interactive", "failure", "jamedds", "205.186.180.77", "33723"});
  expect_fields(sshd("Failed none for invalid user admin from 10.0.0.1 port 1 ssh2"),
                {"failed_none", "failure", "admin", "10.0.0.1", "1"});
  expect_fields(sshd("Failed hostbased for dan from 127.0.0.1 port 45785 ssh2: RSA "
                     "8c:e3:aa:0f, client user \"dan\", client host \"localhost.localdomain\""),
                {"failed_hostbased", "failure", "dan", "127.0.0.1", "45785"});
}

// sshd logs the user name as the client sent it, so a name can contain " from <ip> port ...".
TEST(SshdParser, UserNameCannotInjectTheSourceAddress) {
  Event a = sshd("Failed password for invalid user from 10.10.1.1 from 127.0.0.1 port 58946 ssh2");
  expect_fields(a, {"failed_password", "failure", "from 10.10.1.1", "127.0.0.1", "58946"});
  Event b = sshd(
      "Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from "
      "127.0.0.1 port 58946 ssh2");
  expect_fields(b, {"failed_password", "failure", "test from 10.10.1.2 port 55555 ssh2",
                    "127.0.0.1", "58946"});
  Event c = sshd(
      "Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from "
      "10.10.1.2 port 55555 ssh2");
  expect_fields(c, {"failed_password", "failure", "test", "127.0.0.1", "58946"});
  Event d = sshd(
      "Connection closed by authenticating user test 127.0.0.1 port 12345 "
      "192.0.2.11 port 46039 [preauth]");
  expect_fields(d, {"connection_closed_preauth", "failure", "test 127.0.0.1 port 12345",
                    "192.0.2.11", "46039"});
  Event e = sshd(
      "Bad protocol version identification 'dummy string' from 192.0.2.1' from "
      "69.61.56.115 port 31778");
  expect_fields(e, {"bad_protocol_version", "failure", kAbsent, "69.61.56.115", "31778"});
}

TEST(SshdParser, InvalidUser) {
  Event e = sshd("Invalid user webmaster from 173.234.31.186");
  expect_fields(e, {"invalid_user", "failure", "webmaster", "173.234.31.186", kAbsent});
  EXPECT_EQ(field(e, "sshd.invalid_user"), "true");
  expect_fields(sshd("Invalid user ftp from 192.0.2.2 port 37220"),
                {"invalid_user", "failure", "ftp", "192.0.2.2", "37220"});
  expect_fields(sshd("Invalid user  from 192.0.2.68 port 34916"),
                {"invalid_user", "failure", "", "192.0.2.68", "34916"});
  expect_fields(sshd("Invalid user oracle from 2001:db8::7 port 4022"),
                {"invalid_user", "failure", "oracle", "2001:db8::7", "4022"});
  expect_fields(sshd("input_userauth_request: invalid user webmaster [preauth]"),
                {"invalid_user_request", "failure", "webmaster", kAbsent, kAbsent});
}

TEST(SshdParser, AcceptedLogins) {
  Event pw = sshd("Accepted password for fztu from 119.137.62.142 port 49116 ssh2");
  expect_fields(pw, {"accepted_password", "success", "fztu", "119.137.62.142", "49116"});
  Event key = sshd(
      "Accepted publickey for git from 2001:db8::1 port 57904 ssh2: ED25519 "
      "SHA256:Cbq6Qv6yBjTJ2h3kQvzC3Q");
  expect_fields(key, {"accepted_publickey", "success", "git", "2001:db8::1", "57904"});
  EXPECT_EQ(field(key, "sshd.key_type"), "ED25519");
  EXPECT_EQ(field(key, "sshd.key_fingerprint"), "SHA256:Cbq6Qv6yBjTJ2h3kQvzC3Q");
  expect_fields(sshd("Accepted keyboard-interactive/pam for alice from 10.0.0.2 port 2222 ssh2"),
                {"accepted_keyboard_interactive", "success", "alice", "10.0.0.2", "2222"});
  expect_fields(sshd("Accepted gssapi-with-mic for alice from 10.0.0.2 port 2222 ssh2"),
                {"accepted_gssapi", "success", "alice", "10.0.0.2", "2222"});
}

TEST(SshdParser, PamUnixAuthenticationFailure) {
  Event e = sshd(
      "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh "
      "ruser= rhost=112.95.230.3  user=root");
  expect_fields(e, {"pam_auth_failure", "failure", "root", "112.95.230.3", kAbsent});
  EXPECT_EQ(field(e, "pam.module"), "pam_unix");
  EXPECT_EQ(field(e, "pam.service"), "sshd");
  Event no_user = sshd(
      "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
      "tty=ssh ruser= rhost=173.234.31.186 ");
  expect_fields(no_user, {"pam_auth_failure", "failure", kAbsent, "173.234.31.186", kAbsent});
  Event by_name = sshd(
      "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
      "tty=ssh ruser= rhost=ec2-52-80-34-196.cn-north-1.compute.amazonaws.com.cn ");
  EXPECT_EQ(field(by_name, "source.ip"), kAbsent);
  EXPECT_EQ(field(by_name, "source.domain"),
            "ec2-52-80-34-196.cn-north-1.compute.amazonaws.com.cn");
  EXPECT_EQ(field(by_name, "source.address"),
            "ec2-52-80-34-196.cn-north-1.compute.amazonaws.com.cn");
  expect_fields(sshd("pam_unix(sshd:auth): check pass; user unknown"),
                {"pam_user_unknown", "failure", kAbsent, kAbsent, kAbsent});
}

TEST(SshdParser, PamRhostCannotBeInjectedThroughUserNames) {
  Event ruser = sshd(
      "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=xxx "
      "ruser=test rhost=192.0.2.151 rhost=192.0.2.1");
  expect_fields(ruser,
                {"pam_auth_failure", "failure", "test rhost=192.0.2.151", "192.0.2.1", kAbsent});
  Event user = sshd(
      "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=xxx "
      "ruser= rhost=192.0.2.2 user=test rhost=192.0.2.152");
  expect_fields(user,
                {"pam_auth_failure", "failure", "test rhost=192.0.2.152", "192.0.2.2", kAbsent});
}

TEST(SshdParser, PamMoreFailuresAndMaxRetries) {
  Event more = sshd(
      "PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= "
      "rhost=183.62.140.253  user=root");
  expect_fields(more, {"pam_more_failures", "failure", "root", "183.62.140.253", kAbsent});
  EXPECT_EQ(field(more, "pam.failures"), "5");
  Event one = sshd(
      "PAM 1 more authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
      "rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om");
  EXPECT_EQ(field(one, "event.action"), "pam_more_failures");
  EXPECT_EQ(field(one, "source.domain"), "5.36.59.76.dynamic-dsl-ip.omantel.net.om");
  Event retries = sshd("PAM service(sshd) ignoring max retries; 6 > 3");
  EXPECT_EQ(field(retries, "event.action"), "pam_max_retries");
  EXPECT_EQ(field(retries, "pam.failures"), "6");
}

TEST(SshdParser, SshdPamErrors) {
  expect_fields(sshd("error: PAM: Authentication failure for myhlj1374 from 192.0.2.6"),
                {"pam_auth_failure", "failure", "myhlj1374", "192.0.2.6", kAbsent});
  expect_fields(sshd("error: PAM: authentication error for james from 205.186.180.101 via "
                     "192.168.1.201"),
                {"pam_auth_failure", "failure", "james", "205.186.180.101", kAbsent});
  Event unknown = sshd(
      "error: PAM: User not known to the underlying authentication module for "
      "illegal user kernelitshell from 10.215.4.227 ");
  expect_fields(unknown, {"pam_user_unknown", "failure", "kernelitshell", "10.215.4.227", kAbsent});
  EXPECT_EQ(field(unknown, "log.level"), "error");
}

TEST(SshdParser, MaximumAuthenticationAttemptsExceeded) {
  Event e = sshd(
      "error: maximum authentication attempts exceeded for root from 61.0.0.1 port "
      "49940 ssh2 [preauth]");
  expect_fields(e, {"max_auth_attempts", "failure", "root", "61.0.0.1", "49940"});
  EXPECT_EQ(field(e, "sshd.preauth"), "true");
  EXPECT_EQ(field(e, "log.level"), "error");
  Event inv = sshd(
      "error: maximum authentication attempts exceeded for invalid user xxx from "
      "2001:db8::5 port 49941 ssh2 [preauth]");
  expect_fields(inv, {"max_auth_attempts", "failure", "xxx", "2001:db8::5", "49941"});
  EXPECT_EQ(field(inv, "sshd.invalid_user"), "true");
}

TEST(SshdParser, TooManyAuthenticationFailures) {
  expect_fields(sshd("Disconnecting: Too many authentication failures for root [preauth]"),
                {"too_many_auth_failures", "failure", "root", kAbsent, kAbsent});
  expect_fields(sshd("Disconnecting invalid user xxx 192.0.2.7 port 49941: Too many "
                     "authentication failures [preauth]"),
                {"too_many_auth_failures", "failure", "xxx", "192.0.2.7", "49941"});
  expect_fields(sshd("Disconnecting invalid user admin 192.0.2.117 port 44004: Change of "
                     "username or service not allowed: (admin,ssh-connection) -> "
                     "(user,ssh-connection) [preauth]"),
                {"disconnect_preauth", "failure", "admin", "192.0.2.117", "44004"});
}

TEST(SshdParser, DisconnectedBeforeAndAfterAuthentication) {
  expect_fields(sshd("Disconnected from authenticating user root 192.0.2.6 port 33553 [preauth]"),
                {"disconnect_preauth", "failure", "root", "192.0.2.6", "33553"});
  Event inv = sshd("Disconnected from invalid user test 2001:db8::9 port 33553 [preauth]");
  expect_fields(inv, {"disconnect_preauth", "failure", "test", "2001:db8::9", "33553"});
  EXPECT_EQ(field(inv, "sshd.invalid_user"), "true");
  expect_fields(sshd("Disconnected from 192.0.2.4 port 36985 [preauth]"),
                {"disconnect_preauth", "failure", kAbsent, "192.0.2.4", "36985"});
  // A user logging out is not a failure.
  expect_fields(sshd("Disconnected from user alice 192.0.2.8 port 50000"),
                {"disconnect", kAbsent, "alice", "192.0.2.8", "50000"});
}

TEST(SshdParser, ConnectionClosedAndReset) {
  expect_fields(sshd("Connection closed by 192.0.2.212 [preauth]"),
                {"connection_closed_preauth", "failure", kAbsent, "192.0.2.212", kAbsent});
  expect_fields(sshd("Connection closed by authenticating user root 192.0.2.10 port 46038 "
                     "[preauth]"),
                {"connection_closed_preauth", "failure", "root", "192.0.2.10", "46038"});
  expect_fields(sshd("Connection closed by invalid user  192.0.2.68 port 34916 [preauth]"),
                {"connection_closed_preauth", "failure", "", "192.0.2.68", "34916"});
  expect_fields(sshd("Connection closed by 192.0.2.113"),
                {"connection_closed", kAbsent, kAbsent, "192.0.2.113", kAbsent});
  expect_fields(sshd("Connection reset by 192.0.2.39 port 14282 [preauth]"),
                {"connection_reset_preauth", "failure", kAbsent, "192.0.2.39", "14282"});
  expect_fields(sshd("Connection reset by authenticating user root 192.0.2.20 port 1558 "
                     "[preauth]"),
                {"connection_reset_preauth", "failure", "root", "192.0.2.20", "1558"});
  expect_fields(sshd("fatal: Read from socket failed: Connection reset by peer [preauth]"),
                {"connection_reset_preauth", "failure", kAbsent, kAbsent, kAbsent});
}

TEST(SshdParser, ReceivedDisconnect) {
  Event bye = sshd("Received disconnect from 139.59.209.18: 11: Bye Bye [preauth]");
  expect_fields(bye, {"received_disconnect", "failure", kAbsent, "139.59.209.18", kAbsent});
  EXPECT_EQ(field(bye, "sshd.disconnect_code"), "11");
  EXPECT_EQ(field(bye, "sshd.reason"), "Bye Bye");
  expect_fields(sshd("Received disconnect from 198.51.100.76 port 58846:11: Bye Bye [preauth]"),
                {"received_disconnect", "failure", kAbsent, "198.51.100.76", "58846"});
  expect_fields(sshd("error: Received disconnect from 2001:db8::3: 14: No more user "
                     "authentication methods available. [preauth]"),
                {"received_disconnect", "failure", kAbsent, "2001:db8::3", kAbsent});
  expect_fields(sshd("Received disconnect from 2001:db8::3 port 6000:11: disconnected by user"),
                {"received_disconnect", kAbsent, kAbsent, "2001:db8::3", "6000"});
  expect_fields(sshd("Received disconnect from 89.24.13.192: 3: com.jcraft.jsch.JSchException: "
                     "Auth fail"),
                {"received_disconnect", "failure", kAbsent, "89.24.13.192", kAbsent});
}

TEST(SshdParser, PreAuthenticationProbes) {
  expect_fields(sshd("Did not receive identification string from 69.61.56.114"),
                {"no_identification", "failure", kAbsent, "69.61.56.114", kAbsent});
  expect_fields(sshd("Did not receive identification string from 192.0.2.5 port 35836"),
                {"no_identification", "failure", kAbsent, "192.0.2.5", "35836"});
  expect_fields(sshd("Unable to negotiate with 192.0.2.1 port 55419: no matching cipher found. "
                     "Their offer: aes256-cbc [preauth]"),
                {"negotiation_failed", "failure", kAbsent, "192.0.2.1", "55419"});
  expect_fields(sshd("banner exchange: Connection from 192.0.2.12 port 44105: invalid format"),
                {"banner_exchange_failed", "failure", kAbsent, "192.0.2.12", "44105"});
  expect_fields(sshd("ssh_dispatch_run_fatal: Connection from 192.0.2.13 port 33738: message "
                     "authentication code incorrect [preauth]"),
                {"protocol_error", "failure", kAbsent, "192.0.2.13", "33738"});
  expect_fields(sshd("fatal: Timeout before authentication for 192.0.2.14 port 55555"),
                {"auth_timeout", "failure", kAbsent, "192.0.2.14", "55555"});
  expect_fields(sshd("error: kex_exchange_identification: Connection closed by remote host"),
                {"kex_identification_error", "failure", kAbsent, kAbsent, kAbsent});
}

TEST(SshdParser, AccessPolicyRefusals) {
  Event e = sshd("User root from 46.45.128.3 not allowed because listed in DenyUsers");
  expect_fields(e, {"user_not_allowed", "failure", "root", "46.45.128.3", kAbsent});
  EXPECT_EQ(field(e, "sshd.reason"), "listed in DenyUsers");
  expect_fields(sshd("User root not allowed because account is locked"),
                {"user_not_allowed", "failure", "root", kAbsent, kAbsent});
  expect_fields(sshd("ROOT LOGIN REFUSED FROM ::ffff:1.2.3.4"),
                {"root_login_refused", "failure", "root", "1.2.3.4", kAbsent});
  expect_fields(sshd("refused connect from _U2FsdGVkX19P3BCJmFBHhjLza8BcMH06WCUVwttMHpE=_@::ffff:"
                     "218.249.210.161 (::ffff:218.249.210.161)"),
                {"connection_refused", "failure", kAbsent, "218.249.210.161", kAbsent});
}

TEST(SshdParser, InformationalMessages) {
  Event from = sshd("Connection from 192.0.2.10 port 62004 on 198.51.100.1 port 22 rdomain \"\"");
  expect_fields(from, {"connection_opened", kAbsent, kAbsent, "192.0.2.10", "62004"});
  EXPECT_EQ(field(from, "destination.ip"), "198.51.100.1");
  EXPECT_EQ(field(from, "destination.port"), "22");
  Event rev = sshd(
      "reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com "
      "[173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!");
  expect_fields(rev, {"reverse_mapping_failed", kAbsent, kAbsent, "173.234.31.186", kAbsent});
  EXPECT_EQ(field(rev, "source.domain"), "ns.marryaldkfaczcz.com");
  Event session = sshd(
      "pam_unix(sshd:session): session opened for user alice(uid=1000) by "
      "(uid=0)");
  expect_fields(session, {"session_opened", "success", "alice", kAbsent, kAbsent});
  EXPECT_EQ(field(session, "user.id"), "1000");
  expect_fields(sshd("pam_unix(sshd:session): session closed for user alice"),
                {"session_closed", kAbsent, "alice", kAbsent, kAbsent});
  EXPECT_EQ(field(sshd("Server listening on 0.0.0.0 port 22."), "event.action"),
            "server_listening");
}

TEST(SshdParser, VendorPrefixesAreSkipped) {
  expect_fields(sshd("[ID 800047 auth.info] Failed keyboard-interactive for james from "
                     "205.186.180.30 port 54520 ssh2"),
                {"failed_keyboard_interactive", "failure", "james", "205.186.180.30", "54520"});
  expect_fields(
      sshd("kernel:[  970.699396]: Failed keyboard-interactive for <invalid username> "
           "from 205.186.180.55 port 42742 ssh2"),
      {"failed_keyboard_interactive", "failure", "<invalid username>", "205.186.180.55", "42742"});
}

TEST(SshdParser, Ipv4MappedAddressesAreNormalised) {
  Event e = sshd("Failed password for root from ::FFFF:198.51.100.3 port 22 ssh2");
  EXPECT_EQ(field(e, "source.ip"), "198.51.100.3");
  EXPECT_EQ(field(e, "source.address"), "::FFFF:198.51.100.3");
}

TEST(SshdParser, HostNamesGoToSourceDomainNotSourceIp) {
  Event e = sshd("error: PAM: Authentication failure for stefanor from example.com");
  EXPECT_EQ(field(e, "source.ip"), kAbsent);
  EXPECT_EQ(field(e, "source.domain"), "example.com");
  Event junk = sshd("Failed password for root from !!! port 22 ssh2");
  EXPECT_EQ(field(junk, "event.action"), "failed_password");
  EXPECT_EQ(field(junk, "source.address"), kAbsent);
}

TEST(SshdParser, UnrecognisedMessageStillMarksLogsource) {
  Event e = sshd("Received signal 15; terminating.", false);
  EXPECT_EQ(field(e, "event.action"), kAbsent);
  EXPECT_EQ(e.logsource().service, "sshd");
}

TEST(SshdParser, GarbageBinaryAndEmptyMessagesAreRejectedSafely) {
  const std::vector<std::string> inputs = {
      "",
      " ",
      "Failed",
      "Failed password for",
      "Accepted password for x from",
      "Connection closed by",
      "Received disconnect from ::",
      "pam_unix(sshd:auth): authentication failure;",
      "pam_unix(",
      "(pam_unix",
      "[ID 1",
      "kernel:[",
      "error: ",
      " [preauth]",
      std::string("Failed password for \0root from 1.2.3.4", 37).substr(0, 20),
      std::string("\x00\xff\xfe\x80", 4),
      "\xc3\x28 invalid \xa0\xa1",
      std::string(200000, 'F'),
  };
  for (const std::string& in : inputs) {
    Event e = sshd(in, false);
    EXPECT_EQ(field(e, "event.action"), kAbsent) << in.substr(0, 40);
  }
}

TEST(SshdParser, ProgramNamesOfOpenSshDaemons) {
  EXPECT_TRUE(SshdParser::is_sshd_program("sshd"));
  EXPECT_TRUE(SshdParser::is_sshd_program("sshd-session"));
  EXPECT_TRUE(SshdParser::is_sshd_program("sshd-auth"));
  EXPECT_TRUE(SshdParser::is_sshd_program("sshd(pam_unix)"));
  EXPECT_FALSE(SshdParser::is_sshd_program("sshdx"));
  EXPECT_FALSE(SshdParser::is_sshd_program("ssh"));
  EXPECT_FALSE(SshdParser::is_sshd_program(""));
}

TEST(SshdParser, SyslogLinesFromNewerAndOlderDaemons) {
  const SyslogParser syslog(TimestampZone::kUtc);
  Event session = make_event(
      "Jul  3 14:59:17 host sshd-session[1571]: Failed password for root "
      "from 192.0.2.1 port 56502 ssh2");
  ASSERT_TRUE(syslog.parse(session));
  expect_fields(session, {"failed_password", "failure", "root", "192.0.2.1", "56502"});
  EXPECT_EQ(session.logsource().service, "sshd");
  Event old_pam = make_event(
      "Jun 15 02:04:59 combo sshd(pam_unix)[20882]: authentication "
      "failure; logname= uid=0 euid=0 tty=NODEVssh ruser= "
      "rhost=220-135-151-1.hinet-ip.hinet.net  user=root");
  ASSERT_TRUE(syslog.parse(old_pam));
  EXPECT_EQ(field(old_pam, "event.action"), "pam_auth_failure");
  EXPECT_EQ(field(old_pam, "user.name"), "root");
  EXPECT_EQ(field(old_pam, "source.domain"), "220-135-151-1.hinet-ip.hinet.net");
  EXPECT_EQ(old_pam.logsource().service, "sshd");
  Event unknown = make_event("Nov 23 08:49:01 host sshd[1]: Received signal 15; terminating.");
  EXPECT_TRUE(syslog.parse(unknown));  // valid syslog even though sshd says nothing we map
  EXPECT_EQ(unknown.logsource().service, "sshd");
}

}  // namespace
}  // namespace tripline
