#include "exporters/prometheus/basic_auth.h"

#include <cctype>

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <memory>

#include "core/digest.h"

namespace tripline {
namespace {

constexpr size_t kMaxCache = 256;

bool base64_decode(std::string_view in, std::string& out) {
  while (!in.empty() && (in.back() == ' ' || in.back() == '\t')) in.remove_suffix(1);
  if (in.empty() || in.size() % 4 != 0 || in.size() > 4096) return false;
  out.resize(in.size() / 4 * 3);
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return false;
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts '=' padding as decoded zero bytes.
  if (in.back() == '=') --len;
  if (in.size() >= 2 && in[in.size() - 2] == '=') --len;
  out.resize(len);
  return true;
}

}  // namespace

bool BasicAuth::verify(const std::string& password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* out = crypt_rn(password.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  if (!out || out[0] == '*') return false;
  const size_t n = std::strlen(out);
  return n == hash.size() && CRYPTO_memcmp(out, hash.data(), n) == 0;
}

std::string BasicAuth::hash_password(const std::string& password, int cost) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2y$", static_cast<unsigned long>(cost), nullptr, 0, salt,
                        sizeof salt)) {
    return {};
  }
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* out = crypt_rn(password.c_str(), salt, data.get(), sizeof(crypt_data));
  return out && out[0] != '*' ? std::string(out) : std::string();
}

bool BasicAuth::check(std::string_view authorization) {
  constexpr std::string_view kBasic = "Basic ";
  if (authorization.size() <= kBasic.size()) return false;
  for (size_t i = 0; i < kBasic.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kBasic[i]))) {
      return false;
    }
  }
  std::string decoded;
  if (!base64_decode(authorization.substr(kBasic.size()), decoded)) return false;
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  const std::string user = decoded.substr(0, colon);
  const std::string password = decoded.substr(colon + 1);
  auto it = users_.find(user);
  if (it == users_.end()) {
    // Same cost as a known user, so response time does not reveal which users exist.
    verify(password, "$2y$10$abcdefghijklmnopqrstuu5Cz5eC4hYj6gYHf8a3S7oBVkmA2z3ma");
    return false;
  }
  const std::string key = sha256_hex(user + '\0' + password + '\0' + it->second);
  {
    std::lock_guard lock(mu_);
    if (verified_.count(key)) return true;
  }
  if (!verify(password, it->second)) return false;
  std::lock_guard lock(mu_);
  if (verified_.size() >= kMaxCache) verified_.clear();
  verified_.insert(key);
  return true;
}

}  // namespace tripline
