#pragma once
#include <string>

#include "collectors/s3/sigv4.h"

namespace tripline {

// Where an input's AWS credentials come from, most specific first:
//  1. the input's config (access_key_id with secret_access_key / secret_access_key_file, optional
//     session_token / session_token_file);
//  2. the standard environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN;
//  3. a shared credentials file (INI): `credentials_file`, else $AWS_SHARED_CREDENTIALS_FILE,
//     else ~/.aws/credentials; section `profile`, else $AWS_PROFILE, else "default".
// Files are read again at every resolve() so rotated keys are picked up without a restart.
struct AwsCredentialSource {
  AwsCredentials inline_credentials;  // from config (secrets already read from their *_file)
  std::string credentials_file;
  std::string profile;

  // Returns false with `error` naming what was tried when no complete key pair is found.
  bool resolve(AwsCredentials& out, std::string& error) const;
};

// Reads `profile` from an AWS shared credentials file. Exposed for tests.
bool read_credentials_file(const std::string& path, const std::string& profile,
                           AwsCredentials& out, std::string& error);

}  // namespace tripline
