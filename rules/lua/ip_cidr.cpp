#include "rules/lua/ip_cidr.h"

#include <arpa/inet.h>

#include <cstring>

namespace tripline::lua {
namespace {

constexpr int kV4Offset = 96;  // bits of the ::ffff:0:0/96 prefix

bool parse_v4(std::string_view text, IpAddress& out) {
  char buf[INET_ADDRSTRLEN];
  if (text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  out.bytes.fill(0);
  out.bytes[10] = 0xff;
  out.bytes[11] = 0xff;
  return inet_pton(AF_INET, buf, out.bytes.data() + 12) == 1;
}

bool parse_v6(std::string_view text, IpAddress& out) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (const size_t zone = text.find('%'); zone != std::string_view::npos) {
    text = text.substr(0, zone);
  }
  char buf[INET6_ADDRSTRLEN];
  if (text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return inet_pton(AF_INET6, buf, out.bytes.data()) == 1;
}

bool is_v4_text(std::string_view text) { return text.find(':') == std::string_view::npos; }

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  IpAddress ip;
  const bool ok = is_v4_text(text) ? parse_v4(text, ip) : parse_v6(text, ip);
  if (!ok) return std::nullopt;
  return ip;
}

std::optional<IpNetwork> parse_network(std::string_view text) {
  IpNetwork net;
  std::string_view address = text;
  int prefix = -1;
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
  }
  const bool v4 = is_v4_text(address);
  if (!(v4 ? parse_v4(address, net.base) : parse_v6(address, net.base))) return std::nullopt;
  if (prefix < 0) {
    net.prefix = 128;
  } else if (v4) {
    if (prefix > 32) return std::nullopt;
    net.prefix = kV4Offset + prefix;
  } else {
    if (prefix > 128) return std::nullopt;
    net.prefix = prefix;
  }
  for (int bit = net.prefix; bit < 128; ++bit) {
    net.base.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return net;
}

bool network_contains(const IpNetwork& net, const IpAddress& ip) {
  const int full = net.prefix / 8;
  if (std::memcmp(net.base.bytes.data(), ip.bytes.data(), static_cast<size_t>(full)) != 0) {
    return false;
  }
  const int rest = net.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xffu << (8 - rest));
  return (ip.bytes[full] & mask) == net.base.bytes[full];
}

}  // namespace tripline::lua
