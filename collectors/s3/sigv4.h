#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/digest.h"  // hmac_sha256, used by the signer and its tests

namespace tripline {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials (STS) only
};

// One request to sign with AWS Signature Version 4.
struct SigV4Request {
  std::string method;                                       // "GET"
  std::string path;                                         // "/bucket/key", not yet encoded
  std::vector<std::pair<std::string, std::string>> query;   // not yet encoded
  std::vector<std::pair<std::string, std::string>> headers; // must include "host"
  std::string payload_sha256;                               // hex; of "" for GET
};

// URI-encodes per SigV4: unreserved characters (A-Z a-z 0-9 - _ . ~) stay, every other byte
// becomes %XX (upper case); '/' stays when `keep_slash` (object key paths).
std::string aws_uri_encode(std::string_view s, bool keep_slash);

// The canonical query string: encoded pairs sorted by key then value, joined with '&'. Used for
// the request target too, so what is signed is exactly what is sent.
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);

// Returns the Authorization header value for `request` at `amz_date` ("20130524T000000Z"). The
// request's headers must already hold x-amz-date (and x-amz-content-sha256 for S3, and
// x-amz-security-token with temporary credentials): every header given is signed.
std::string sigv4_authorization(const SigV4Request& request, const AwsCredentials& credentials,
                                const std::string& region, const std::string& service,
                                const std::string& amz_date);

}  // namespace tripline
