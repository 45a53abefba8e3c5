// SigV4 canonicalisation: URI encoding of object keys and query parameters, the canonical query
// string, header canonicalisation and the Authorization header of sigv4_authorization, over
// arbitrary keys, values, header names and credentials.
// Properties: encoding is lossless and only emits unreserved characters and %XX escapes; the
// canonical query is sorted and independent of the parameters' order; signing is deterministic,
// well-formed, and changes when the signed content changes.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/s3/sigv4.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using tripline::fuzz::check;

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // SigV4 wants upper-case hex only
}

// Decodes what aws_uri_encode produced, failing on anything it must not produce.
bool decode(std::string_view encoded, bool keep_slash, std::string& out) {
  out.clear();
  for (size_t i = 0; i < encoded.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(encoded[i]);
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    if (c != '%' || i + 2 >= encoded.size()) return false;
    const int hi = hex_value(encoded[i + 1]), lo = hex_value(encoded[i + 2]);
    if (hi < 0 || lo < 0) return false;
    const unsigned char decoded = static_cast<unsigned char>(hi * 16 + lo);
    // An escape of a character that may stay literal is not canonical.
    if (unreserved(decoded) || (keep_slash && decoded == '/')) return false;
    out.push_back(static_cast<char>(decoded));
    i += 2;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  tripline::SigV4Request request;
  request.method = in.PickValueInArray({"GET", "HEAD", "PUT", "POST"});
  request.path = in.ConsumeRandomLengthString(64);
  const int params = in.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < params; ++i) {
    std::string k = in.ConsumeRandomLengthString(16);
    request.query.emplace_back(std::move(k), in.ConsumeRandomLengthString(16));
  }
  request.headers.emplace_back("host", in.ConsumeRandomLengthString(24));
  request.headers.emplace_back("x-amz-date", "20260101T000000Z");
  const int headers = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < headers; ++i) {
    std::string k = in.ConsumeRandomLengthString(12);
    request.headers.emplace_back(std::move(k), in.ConsumeRandomLengthString(24));
  }
  request.payload_sha256 = std::string(64, 'e');
  tripline::AwsCredentials creds{in.ConsumeRandomLengthString(20), in.ConsumeRandomLengthString(40),
                                 ""};
  const std::string region = in.ConsumeRandomLengthString(12);
  const std::string rest = in.ConsumeRemainingBytesAsString();

  for (bool keep_slash : {false, true}) {
    for (std::string_view s : {std::string_view(request.path), std::string_view(rest)}) {
      const std::string encoded = tripline::aws_uri_encode(s, keep_slash);
      std::string decoded;
      check(decode(encoded, keep_slash, decoded));
      check(decoded == s);
    }
  }

  const std::string query = tripline::canonical_query(request.query);
  auto reversed = request.query;
  std::reverse(reversed.begin(), reversed.end());
  check(tripline::canonical_query(reversed) == query);
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (!query.empty() && start <= query.size()) {
    const size_t amp = std::min(query.find('&', start), query.size());
    const std::string_view item(query.data() + start, amp - start);
    const size_t eq = item.find('=');
    check(eq != std::string_view::npos);
    pairs.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    start = amp + 1;
  }
  check(pairs.size() == request.query.size());
  check(std::is_sorted(pairs.begin(), pairs.end()));

  const std::string auth =
      tripline::sigv4_authorization(request, creds, region, "s3", "20260101T000000Z");
  check(auth == tripline::sigv4_authorization(request, creds, region, "s3", "20260101T000000Z"));
  check(auth.rfind("AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/20260101/", 0) == 0);
  const size_t sig = auth.rfind(", Signature=");
  check(sig != std::string::npos && auth.size() - sig == 12 + 64);
  // The signature covers the path: another path signs differently.
  tripline::SigV4Request other = request;
  other.path += "x";
  check(tripline::sigv4_authorization(other, creds, region, "s3", "20260101T000000Z") != auth);
  return 0;
}
