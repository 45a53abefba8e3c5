#pragma once
#include <string>
#include <string_view>

#include "core/event.h"

namespace tripline {

enum class AddressKind : unsigned char { kInvalid, kIpv4, kIpv6, kHostname };

// Classifies a peer address as sshd, PAM or tcpwrappers log it: a dotted quad, an IPv6 literal
// (optionally in brackets or with a %zone), or a DNS name (when sshd runs with UseDNS yes).
// `normalized` receives the address to store: IPv4-mapped IPv6 (::ffff:1.2.3.4) becomes the plain
// IPv4 so CIDR rules see one form; brackets are dropped; anything else is kept as written.
AddressKind classify_address(std::string_view text, std::string& normalized);

// Sets source.address (as written) and, by kind, source.ip or source.domain. Returns false and
// sets nothing when `text` is neither an address nor a host name.
bool set_source_address(Event& event, std::string_view text);

// Sets `name` as a number field when `digits` is a decimal number (ports, pids).
void set_number_field(Event& event, std::string_view name, std::string_view digits);

}  // namespace tripline
