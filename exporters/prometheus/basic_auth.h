#pragma once
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace tripline {

// HTTP basic auth against bcrypt hashes (libxcrypt). bcrypt is slow on purpose, so a successful
// check is remembered (by a SHA-256 of user, password and hash) and a scrape every few seconds
// costs one hash lookup; failures are never cached.
class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {}

  bool enabled() const { return !users_.empty(); }
  // `authorization` is the Authorization header value ("Basic base64(user:password)").
  bool check(std::string_view authorization);
  // Hashes `password` with bcrypt at `cost` (tests, documentation examples).
  static std::string hash_password(const std::string& password, int cost = 10);
  static bool verify(const std::string& password, const std::string& hash);

 private:
  std::map<std::string, std::string> users_;
  std::mutex mu_;
  std::set<std::string> verified_;
};

}  // namespace tripline
