#pragma once
// Whole-file reads and writes shared by the test helpers. Header-only.
#include <filesystem>
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

// Creates the parent directories first.
inline void write_file(const std::string& path, const std::string& text) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace tripline::testing
