#pragma once
#include <chrono>
#include <string>

#include "net/http_client.h"

namespace tripline::testing {

// GET http://127.0.0.1:<port><target>; status 0 when the server could not be reached.
inline HttpClient::Response http_get(uint16_t port, const std::string& target,
                                     HttpClient::Headers headers = {}) {
  Url url;
  std::string error;
  parse_url("http://127.0.0.1:" + std::to_string(port), url, error);
  HttpClient::Response res;
  auto client = HttpClient::create(url, {}, std::chrono::seconds(5), error);
  if (!client || !client->request("GET", target, headers, "", "", res, error)) res.status = 0;
  return res;
}

}  // namespace tripline::testing
