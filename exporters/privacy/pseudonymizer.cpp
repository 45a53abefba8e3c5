#include "exporters/privacy/pseudonymizer.h"

#include "core/digest.h"

namespace tripline {

Pseudonymizer::Pseudonymizer(std::string key, std::string key_id)
    : key_(std::move(key)), key_id_(std::move(key_id)) {}

std::string Pseudonymizer::hmac_hex(std::string_view value, size_t hex_chars) const {
  return hex_lower(hmac_sha256(key_, value), hex_chars);
}

std::string Pseudonymizer::token(std::string_view value) const {
  return "hmac:" + key_id_ + ":" + hmac_hex(value);
}

std::string Pseudonymizer::default_key_id(std::string_view key) {
  // Domain-separated so the id is never the plain digest of the key.
  return sha256_hex("tripline privacy key id\n" + std::string(key), 8);
}

}  // namespace tripline
