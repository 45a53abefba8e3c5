#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tripline::lua {

// An IPv4 or IPv6 address as 16 bytes; IPv4 is held in its IPv4-mapped form (::ffff:a.b.c.d), so
// "::ffff:10.0.0.1" lies in 10.0.0.0/8 and one comparison serves both families.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
};

// Parses with inet_pton (no hand-written address grammar). Accepts "a.b.c.d", IPv6 literals,
// and IPv6 with brackets or a %zone suffix (dropped).
std::optional<IpAddress> parse_ip(std::string_view text);

struct IpNetwork {
  IpAddress base;  // already masked
  int prefix = 0;  // over the 128-bit form
};

// "10.0.0.0/8", "2001:db8::/32", or one address (full-length prefix). Host bits set in the
// base ("10.1.2.3/8") are masked off, as routers do.
std::optional<IpNetwork> parse_network(std::string_view text);

bool network_contains(const IpNetwork& net, const IpAddress& ip);

}  // namespace tripline::lua
