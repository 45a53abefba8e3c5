#pragma once
#include <string>

namespace tripline {

// http(s)://host[:port][/path][?query]; IPv6 hosts in brackets.
struct Url {
  bool tls = false;
  std::string host;    // without brackets
  std::string port;    // explicit or the scheme's default
  std::string target;  // path and query, "/" when absent

  std::string host_header() const;  // host[:port] as the Host header wants it
};

bool parse_url(const std::string& text, Url& out, std::string& error);

}  // namespace tripline
