#pragma once
// Whole-file reads and writes shared by the test helpers. Header-only.
#include <fstream>
#include <sstream>
#include <string>

namespace tripline::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace tripline::testing
