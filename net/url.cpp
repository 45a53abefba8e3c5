#include "net/url.h"

namespace tripline {

std::string Url::host_header() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const bool default_port = (tls && port == "443") || (!tls && port == "80");
  return default_port ? h : h + ":" + port;
}

bool parse_url(const std::string& text, Url& out, std::string& error) {
  size_t rest;
  if (text.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = 8;
  } else if (text.rfind("http://", 0) == 0) {
    out.tls = false;
    rest = 7;
  } else {
    error = "URL must start with http:// or https://";
    return false;
  }
  const size_t slash = text.find_first_of("/?", rest);
  const std::string authority = text.substr(rest, slash == std::string::npos ? std::string::npos
                                                                            : slash - rest);
  out.target = slash == std::string::npos ? "/" : text.substr(slash);
  if (out.target[0] == '?') out.target = "/" + out.target;
  if (authority.empty() || authority.find('@') != std::string::npos) {
    error = "URL needs a host (and no user info: use the auth keys)";
    return false;
  }
  std::string host = authority, port;
  if (authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) {
      error = "unterminated IPv6 address in URL";
      return false;
    }
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        error = "bad URL authority";
        return false;
      }
      port = authority.substr(close + 2);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!port.empty() && (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
                        std::stoul(port) > 65535)) {
    error = "bad port in URL: " + port;
    return false;
  }
  if (host.empty()) {
    error = "URL needs a host";
    return false;
  }
  out.host = host;
  out.port = port.empty() ? (out.tls ? "443" : "80") : port;
  return true;
}

}  // namespace tripline
