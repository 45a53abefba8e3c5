#pragma once
#include <string>
#include <string_view>

namespace tripline {

// Lower-case hex SHA-256 of `data` (OpenSSL EVP), cut to `hex_chars` characters.
std::string sha256_hex(std::string_view data, size_t hex_chars = 64);

// Raw HMAC-SHA256 of `data` under `key`; empty when OpenSSL has no HMAC implementation.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Lower-case hex of `bytes`, cut after the byte that reaches `hex_chars` characters.
std::string hex_lower(std::string_view bytes, size_t hex_chars = std::string::npos);

}  // namespace tripline
