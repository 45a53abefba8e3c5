#include "collectors/cloud/cursor_store.h"

#include "core/atomic_file.h"

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json_writer.h"
#include "core/log.h"
#include "core/metrics.h"

namespace tripline {
namespace {

constexpr uint64_t kVersion = 1;

// Input names come from config; keep the file name portable and inside the directory.
std::string file_name_for(const std::string& input) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < input.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(input[i]);
    if (std::isalnum(c) || c == '_' || c == '-' || (c == '.' && i > 0)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return (out.empty() ? "%00" : out) + ".json";
}

std::string write_atomically(const std::string& file, std::string_view data) {
  std::string error;
  return write_file_atomically(file, data, error) ? std::string() : error;
}

}  // namespace

CursorStore::CursorStore(const std::string& state_dir, std::string input_name, std::string kind)
    : input_(std::move(input_name)),
      kind_(std::move(kind)),
      dir_(state_dir + "/checkpoints"),
      file_(dir_ + "/" + file_name_for(input_)) {}

CursorStore::LoadResult CursorStore::load(std::string& state) {
  state.clear();
  std::ifstream in(file_, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return LoadResult::kMissing;
    log::warn("checkpoint unreadable; starting the input over",
              {{"input", input_}, {"file", file_}, {"error", std::strerror(errno)}});
    Metrics::global().checkpoint_errors(input_).Increment();
    return LoadResult::kCorrupt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  simdjson::dom::parser parser;
  simdjson::padded_string padded(ss.str());
  simdjson::dom::element root;
  uint64_t version = 0;
  std::string_view kind;
  simdjson::dom::element value;
  const bool ok = parser.parse(padded).get(root) == simdjson::SUCCESS &&
                  root["version"].get_uint64().get(version) == simdjson::SUCCESS &&
                  version == kVersion &&
                  root["kind"].get_string().get(kind) == simdjson::SUCCESS && kind == kind_ &&
                  root["state"].get(value) == simdjson::SUCCESS;
  if (!ok) {
    log::warn("checkpoint corrupt or of another input kind; starting the input over",
              {{"input", input_}, {"file", file_}});
    Metrics::global().checkpoint_errors(input_).Increment();
    return LoadResult::kCorrupt;
  }
  state = simdjson::minify(value);
  return LoadResult::kLoaded;
}

bool CursorStore::save(std::string_view state) {
  JsonWriter w;
  w.begin_object();
  w.key("version").value(kVersion);
  w.key("input").value(input_);
  w.key("kind").value(kind_);
  w.key("state").raw_json(state);
  w.end_object();
  std::string data = w.take();
  data.push_back('\n');

  const std::string error = write_atomically(file_, data);
  if (!error.empty()) {
    if (!failing_) log::error("checkpoint not saved", {{"input", input_}, {"error", error}});
    failing_ = true;
    return false;
  }
  if (failing_) log::info("checkpoint saved again", {{"input", input_}});
  failing_ = false;
  return true;
}

}  // namespace tripline
