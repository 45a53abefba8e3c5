#include "exporters/privacy/pseudonymizer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/digest.h"

namespace tripline {

Pseudonymizer::Pseudonymizer(std::string key, std::string key_id)
    : key_(std::move(key)), key_id_(std::move(key_id)) {}

std::string Pseudonymizer::hmac_hex(std::string_view value, size_t hex_chars) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(value.data()), value.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len && out.size() < hex_chars; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 0xF]);
  }
  return out;
}

std::string Pseudonymizer::token(std::string_view value) const {
  return "hmac:" + key_id_ + ":" + hmac_hex(value);
}

std::string Pseudonymizer::default_key_id(std::string_view key) {
  // Domain-separated so the id is never the plain digest of the key.
  return sha256_hex("tripline privacy key id\n" + std::string(key), 8);
}

}  // namespace tripline
