#pragma once
#include <string>
#include <string_view>

namespace tripline {

// Replaces identifiers with keyed tokens "hmac:<key_id>:<64 hex of HMAC-SHA256(key, value)>".
// The same value gives the same token under one key, so alerts stay joinable on pseudonymised
// fields (the same IP in sshd and CloudTrail events maps to one token) while the value itself can
// only be confirmed by someone holding the key. Thread-safe (immutable after construction).
class Pseudonymizer {
 public:
  Pseudonymizer(std::string key, std::string key_id);

  std::string token(std::string_view value) const;
  // Lower-case hex HMAC-SHA256 of `value`, cut to `hex_chars`.
  std::string hmac_hex(std::string_view value, size_t hex_chars = 64) const;
  const std::string& key_id() const { return key_id_; }

  // The key id used when the config names none: a fingerprint of the key that changes when the
  // key does, so tokens made under different keys are never mistaken for each other.
  static std::string default_key_id(std::string_view key);

 private:
  std::string key_;
  std::string key_id_;
};

}  // namespace tripline
