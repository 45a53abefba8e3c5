#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tripline::sigma {

// An IPv4 or IPv6 address as 16 bytes (IPv4 in its IPv4-mapped IPv6 form, so one network test
// covers both families and "::ffff:10.0.0.1" is inside 10.0.0.0/8).
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;
};
std::optional<IpAddress> parse_ip(std::string_view text);

class CidrNetwork {
 public:
  // "10.0.0.0/8", "2001:db8::/32", or a single address (full-length prefix).
  static std::optional<CidrNetwork> parse(std::string_view text);
  bool contains(const IpAddress& ip) const;

 private:
  IpAddress base_;
  int prefix_bits_ = 0;  // over the 128-bit form
};

}  // namespace tripline::sigma
