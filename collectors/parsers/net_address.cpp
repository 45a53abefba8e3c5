#include "collectors/parsers/net_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace tripline {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Dotted quad with decimal octets. Leading zeros are accepted (fail2ban's corpus and some old
// daemons write them) and kept as written.
bool is_ipv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t digits = 0;
    int value = 0;
    while (i < s.size() && is_digit(s[i]) && digits < 4) {
      value = value * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool is_ipv6(std::string_view s) {
  const size_t zone = s.find('%');
  if (zone != std::string_view::npos) {
    if (zone + 1 == s.size()) return false;
    s = s.substr(0, zone);
  }
  if (s.size() < 2 || s.size() > INET6_ADDRSTRLEN || s.find(':') == std::string_view::npos) {
    return false;
  }
  char buf[INET6_ADDRSTRLEN + 1];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  in6_addr addr;
  return inet_pton(AF_INET6, buf, &addr) == 1;
}

bool is_hostname(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.front() == '-') return false;
  bool has_alpha = false;
  for (char c : s) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alpha && !is_digit(c) && c != '-' && c != '.' && c != '_') return false;
    has_alpha = has_alpha || alpha;
  }
  // All-digit tokens are ports or garbage, not names.
  return has_alpha;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

AddressKind classify_address(std::string_view text, std::string& normalized) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (is_ipv4(text)) {
    normalized.assign(text);
    return AddressKind::kIpv4;
  }
  if (iequals_prefix(text, "::ffff:") && is_ipv4(text.substr(7))) {
    normalized.assign(text.substr(7));
    return AddressKind::kIpv4;
  }
  if (is_ipv6(text)) {
    normalized.assign(text);
    return AddressKind::kIpv6;
  }
  if (is_hostname(text)) {
    normalized.assign(text);
    return AddressKind::kHostname;
  }
  normalized.clear();
  return AddressKind::kInvalid;
}

bool set_source_address(Event& event, std::string_view text) {
  // A thread's buffer: the normalized form is copied into the event's own field buffer.
  thread_local std::string normalized;
  const AddressKind kind = classify_address(text, normalized);
  if (kind == AddressKind::kInvalid) return false;
  event.set_field_text("source.address", text);
  event.set_field_text(kind == AddressKind::kHostname ? "source.domain" : "source.ip", normalized);
  return true;
}

void set_number_field(Event& event, std::string_view name, std::string_view digits) {
  if (digits.empty() || digits.size() > 19) return;
  for (char c : digits) {
    if (!is_digit(c)) return;
  }
  event.set_field_text(name, digits, FieldType::kNumber);
}

}  // namespace tripline
