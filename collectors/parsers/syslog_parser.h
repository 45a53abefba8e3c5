#pragma once
#include "collectors/parsers/parser.h"
#include "collectors/parsers/sshd_parser.h"
#include "collectors/parsers/syslog_time.h"

namespace tripline {

// `format: syslog`. One line of:
//  - RFC 3164 as rsyslog writes /var/log/auth.log: "[<PRI>]Nov 23 08:49:01 host prog[pid]: msg"
//    (the year is inferred from the receive time, see resolve_bsd_timestamp) or, with Debian 12's
//    default RSYSLOG_FileFormat, "2026-11-23T08:49:01.123456+00:00 host prog[pid]: msg". The host
//    may be absent ("Nov 23 08:49:01 sshd[1]: msg") and the tag may be "[prog]".
//  - RFC 5424: "<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD-ELEMENTS] MSG", NILVALUE '-',
//    escaped SD values, optional UTF-8 BOM before MSG.
// Fields: host.hostname, process.name, process.pid, message, syslog.facility / syslog.severity
// (names, with syslog.priority the number, when a PRI is present), syslog.msgid,
// syslog.procid (a non-numeric 5424 PROCID), syslog.sd.<sd-id>.<param>, syslog.repeat_count
// (rsyslog's "message repeated N times: [...]"). sshd messages go through SshdParser (which also
// sets the logsource to linux/sshd); PAM messages of other programs get the PAM fields.
// A line that is not syslog gets `message` = the whole line and parse() returns false.
// Stateless after construction; safe to share between threads.
class SyslogParser : public Parser {
 public:
  explicit SyslogParser(TimestampZone zone = TimestampZone::kLocal) : zone_(zone) {}
  bool parse(Event& event) const override;

 private:
  TimestampZone zone_;
  SshdParser sshd_;
};

}  // namespace tripline
