#pragma once
#include <string>
#include <vector>

namespace tripline {

// One load-time finding (config or rule) with the place it points at. Printed as
// "file:line:col: error[code]: message". Line and column are 1-based; 0 means unknown.
struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string code;  // stable, e.g. "config.unknown-key"
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  std::string to_string() const;
  std::string to_json() const;
};

struct Diagnostics {
  std::vector<Diagnostic> items;

  void error(std::string code, std::string file, int line, int column, std::string message);
  void warning(std::string code, std::string file, int line, int column, std::string message);
  bool has_errors() const;
  size_t error_count() const;
  void append(const Diagnostics& other);
};

}  // namespace tripline
