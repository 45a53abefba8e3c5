#pragma once
#include <string>
#include <string_view>

namespace tripline {

// Lower-case hex SHA-256 of `data` (OpenSSL EVP), cut to `hex_chars` characters.
std::string sha256_hex(std::string_view data, size_t hex_chars = 64);

}  // namespace tripline
