#include "core/digest.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

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

namespace {

// OpenSSL 3 looks up the HMAC and SHA-256 implementations on every one-shot HMAC() call (five
// per signature); a context configured once and copied per call looks them up once per process.
const EVP_MAC_CTX* configured_hmac_sha256() {
  static EVP_MAC_CTX* const configured = [] {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    EVP_MAC_free(mac);  // the context keeps its own reference
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end()};
    if (ctx && EVP_MAC_CTX_set_params(ctx, params) != 1) {
      EVP_MAC_CTX_free(ctx);
      ctx = nullptr;
    }
    return ctx;
  }();
  return configured;
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  const EVP_MAC_CTX* configured = configured_hmac_sha256();
  EVP_MAC_CTX* ctx = configured ? EVP_MAC_CTX_dup(configured) : nullptr;
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  const bool ok = ctx &&
                  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                               nullptr) == 1 &&
                  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()),
                                 data.size()) == 1 &&
                  EVP_MAC_final(ctx, out, &len, sizeof out) == 1;
  EVP_MAC_CTX_free(ctx);
  // Without an HMAC implementation no request can be signed; an empty MAC makes the store
  // reject the request with a clear signature error instead of crashing here.
  return ok ? std::string(reinterpret_cast<const char*>(out), len) : std::string();
}

std::string hex_lower(std::string_view bytes, size_t hex_chars) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(bytes.size() * 2, hex_chars));
  for (unsigned char c : bytes) {
    if (out.size() >= hex_chars) break;
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

}  // namespace tripline
