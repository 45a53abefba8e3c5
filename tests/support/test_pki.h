#pragma once
#include <cstdlib>
#include <string>

#include "tests/support/temp_dir.h"

namespace tripline::testing {

// A throw-away PKI made by tests/support/make_certs.sh (openssl CLI): ca, server (localhost,
// 127.0.0.1), client, and an unrelated other-ca. ok() is false when openssl failed.
class TestPki {
 public:
  TestPki() {
    const std::string cmd = std::string("bash '") + TRIPLINE_SOURCE_DIR +
                            "/tests/support/make_certs.sh' '" + dir_.path() + "' >/dev/null 2>&1";
    ok_ = std::system(cmd.c_str()) == 0;
  }
  bool ok() const { return ok_; }
  std::string path(const std::string& name) const { return dir_ / name; }

 private:
  TempDir dir_;
  bool ok_ = false;
};

}  // namespace tripline::testing
