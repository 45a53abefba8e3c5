#include "collectors/s3/aws_credentials.h"

#include <cstdlib>
#include <fstream>

namespace tripline {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

bool read_credentials_file(const std::string& path, const std::string& profile,
                           AwsCredentials& out, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read credentials file " + path;
    return false;
  }
  std::string line, section;
  bool found = false;
  AwsCredentials c;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      // ~/.aws/config style "[profile name]" headers are accepted too.
      if (section.rfind("profile ", 0) == 0) section = trim(section.substr(8));
      found = found || section == profile;
      continue;
    }
    if (section != profile) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    if (key == "aws_access_key_id") c.access_key_id = value;
    else if (key == "aws_secret_access_key") c.secret_access_key = value;
    else if (key == "aws_session_token") c.session_token = value;
  }
  if (!found) {
    error = "profile [" + profile + "] not found in " + path;
    return false;
  }
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    error = "profile [" + profile + "] in " + path +
            " lacks aws_access_key_id or aws_secret_access_key";
    return false;
  }
  out = std::move(c);
  return true;
}

bool AwsCredentialSource::resolve(AwsCredentials& out, std::string& error) const {
  if (!inline_credentials.access_key_id.empty()) {
    out = inline_credentials;
    return true;
  }
  if (credentials_file.empty() && !env("AWS_ACCESS_KEY_ID").empty() &&
      !env("AWS_SECRET_ACCESS_KEY").empty()) {
    out = {env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
    return true;
  }
  std::string file = credentials_file;
  if (file.empty()) file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (file.empty() && !env("HOME").empty()) file = env("HOME") + "/.aws/credentials";
  std::string name = profile;
  if (name.empty()) name = env("AWS_PROFILE");
  if (name.empty()) name = "default";
  if (file.empty()) {
    error = "no AWS credentials: none in config, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY unset, "
            "no credentials file";
    return false;
  }
  if (!read_credentials_file(file, name, out, error)) {
    error = "no AWS credentials in config or environment; " + error;
    return false;
  }
  return true;
}

}  // namespace tripline
