#include "rules/sigma/cidr.h"

#include <arpa/inet.h>

#include <charconv>
#include <string>

namespace tripline::sigma {

std::optional<IpAddress> parse_ip(std::string_view text) {
  // Zone ids ("fe80::1%eth0") and brackets ("[::1]") carry no address bits.
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (const size_t pct = text.find('%'); pct != std::string_view::npos) text = text.substr(0, pct);
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  IpAddress ip;
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    ip.v4 = true;
    ip.bytes[10] = 0xFF;
    ip.bytes[11] = 0xFF;
    const auto* b = reinterpret_cast<const uint8_t*>(&v4.s_addr);
    for (int i = 0; i < 4; ++i) ip.bytes[12 + static_cast<size_t>(i)] = b[i];
    return ip;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    for (size_t i = 0; i < 16; ++i) ip.bytes[i] = v6.s6_addr[i];
    return ip;
  }
  return std::nullopt;
}

std::optional<CidrNetwork> CidrNetwork::parse(std::string_view text) {
  const size_t slash = text.find('/');
  const auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const int family_bits = ip->v4 ? 32 : 128;
  int bits = family_bits;
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), bits);
    if (ec != std::errc() || end != p.data() + p.size() || bits < 0 || bits > family_bits) {
      return std::nullopt;
    }
  }
  CidrNetwork net;
  net.base_ = *ip;
  net.prefix_bits_ = bits + (ip->v4 ? 96 : 0);
  return net;
}

bool CidrNetwork::contains(const IpAddress& ip) const {
  int bits = prefix_bits_;
  for (size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xFF : static_cast<uint8_t>(0xFF << (8 - bits));
    if ((ip.bytes[i] & mask) != (base_.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace tripline::sigma
