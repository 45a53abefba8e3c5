#pragma once
#include <string_view>

#include "core/event.h"

namespace tripline {

// Recognises the Linux-PAM messages that matter for authentication monitoring, whichever program
// logged them (sshd, su, vsftpd, ...), with or without a module prefix ("pam_unix(sshd:auth): ",
// "pam_sss: ", "(pam_unix) "):
//   authentication failure; logname= uid= euid= tty= ruser= rhost= [user=]   -> pam_auth_failure
//   check pass; user unknown                                                -> pam_user_unknown
//   PAM N more authentication failures; ... rhost= [user=]                  -> pam_more_failures
//   PAM service(S) ignoring max retries; N > M                              -> pam_max_retries
//   session opened for user U[(uid=N)] by ...                               -> session_opened
//   session closed for user U                                               -> session_closed
// Sets event.action, event.outcome, user.name (user=, else ruser=), source.* from rhost=, and
// pam.module / pam.service / pam.ruser / pam.failures where present. Returns false (and sets
// nothing) for any other message. Thread-safe; patterns are compiled once per process.
bool parse_pam_message(std::string_view message, Event& event);

}  // namespace tripline
