#pragma once
#include <string_view>

#include "collectors/parsers/parser.h"

namespace tripline {

// Fields from OpenSSH daemon messages: user.name, source.ip / source.domain / source.address,
// source.port, event.action, event.outcome, plus sshd.* details (docs/parsers.md lists every
// message kind and its event.action). Patterns are compiled once per process and shared by all
// instances; the parser holds no state and is safe to use from any number of threads.
class SshdParser : public Parser {
 public:
  // Program names OpenSSH's server logs under: sshd, sshd-session (OpenSSH 9.8+), sshd-auth
  // (10.0+), and "sshd(pam_unix)" of pre-0.99 Linux-PAM.
  static bool is_sshd_program(std::string_view program);

  // Parses one sshd message (what follows "sshd[pid]: ") into `event` and sets its logsource to
  // linux/sshd (category kept) whether or not the message is recognised. Returns true when it is
  // one of the recognised kinds. Never throws; bytes of any kind are accepted.
  bool parse_message(std::string_view message, Event& event) const;

  // The event's raw bytes are one sshd message, as a journald MESSAGE of sshd is.
  bool parse(Event& event) const override;
};

}  // namespace tripline
