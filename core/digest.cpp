#include "core/digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>

namespace tripline {
namespace {

// OpenSSL 3 looks the implementation up in its provider store on every EVP_sha256() digest
// (a locked hash-table walk that cost more than hashing a short alert id): fetch it once.
const EVP_MD* sha256_md() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched ? fetched : EVP_sha256();
  }();
  return md;
}

struct CtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string sha256_hex(std::string_view data, size_t hex_chars) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  // One context per thread, reset by each EVP_DigestInit_ex2: no allocation per digest.
  thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1) {
    len = 0;
    EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  // Whole bytes: an odd `hex_chars` rounds up, as it always has.
  const size_t n = std::min<size_t>((hex_chars + 1) / 2 * 2, size_t{len} * 2);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) {
    const unsigned char byte = md[i / 2];
    out[i] = kHex[i % 2 ? byte & 0xF : byte >> 4];
  }
  return out;
}

}  // namespace tripline
