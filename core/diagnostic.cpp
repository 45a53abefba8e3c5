#include "core/diagnostic.h"

#include <algorithm>

#include "core/json_writer.h"

namespace tripline {

std::string Diagnostic::to_string() const {
  std::string out = file.empty() ? "<input>" : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += severity == Severity::kError ? ": error" : ": warning";
  if (!code.empty()) out += "[" + code + "]";
  out += ": " + message;
  return out;
}

std::string Diagnostic::to_json() const {
  JsonWriter w;
  w.begin_object();
  w.key("severity").value(severity == Severity::kError ? "error" : "warning");
  w.key("code").value(code);
  w.key("file").value(file);
  w.key("line").value(static_cast<int64_t>(line));
  w.key("column").value(static_cast<int64_t>(column));
  w.key("message").value(message);
  w.end_object();
  return w.take();
}

void Diagnostics::error(std::string code, std::string file, int line, int column,
                        std::string message) {
  items.push_back({Diagnostic::Severity::kError, std::move(code), std::move(file), line, column,
                   std::move(message)});
}

void Diagnostics::warning(std::string code, std::string file, int line, int column,
                          std::string message) {
  items.push_back({Diagnostic::Severity::kWarning, std::move(code), std::move(file), line, column,
                   std::move(message)});
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  return static_cast<size_t>(std::count_if(items.begin(), items.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::kError;
  }));
}

void Diagnostics::append(const Diagnostics& other) {
  items.insert(items.end(), other.items.begin(), other.items.end());
}

}  // namespace tripline
