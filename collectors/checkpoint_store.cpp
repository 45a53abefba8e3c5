#include "collectors/checkpoint_store.h"

#include "core/atomic_file.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
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
// Fingerprints are short; a larger value can only come from a damaged file.
constexpr uint64_t kMaxFingerprintLen = 1 << 20;

// Input names come from config; keep the file name portable and inside the directory.
std::string file_name_for(const std::string& input) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < input.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(input[i]);
    const bool plain = std::isalnum(c) || c == '_' || c == '-' || (c == '.' && i > 0);
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  if (out.empty()) out = "%00";
  return out + ".json";
}

std::string to_hex(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool from_hex(std::string_view s, std::string& out) {
  if (s.size() % 2 != 0) return false;
  out.clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (hex_value(c) < 0) return false;
  }
  return true;
}

}  // namespace

CheckpointStore::CheckpointStore(const std::string& state_dir, std::string input_name)
    : input_(std::move(input_name)),
      dir_(state_dir + "/checkpoints"),
      file_(dir_ + "/" + file_name_for(input_)) {}

std::string CheckpointStore::encode(const std::string& input,
                                    const std::vector<FileCheckpoint>& files) {
  JsonWriter w;
  w.begin_object();
  w.key("version").value(kVersion);
  w.key("input").value(input);
  w.key("files").begin_array();
  for (const FileCheckpoint& f : files) {
    w.begin_object();
    // The writer replaces invalid UTF-8; a path that is not UTF-8 is kept exactly as hex.
    if (simdjson::validate_utf8(f.path.data(), f.path.size())) {
      w.key("path").value(f.path);
    } else {
      w.key("path_hex").value(to_hex(f.path));
    }
    w.key("dev").value(f.dev);
    w.key("ino").value(f.ino);
    w.key("fp_len").value(f.fp_len);
    w.key("fp_sha256").value(f.fp_sha256);
    w.key("offset").value(f.offset);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  std::string out = w.take();
  out.push_back('\n');
  return out;
}

bool CheckpointStore::decode(const std::string& text, std::vector<FileCheckpoint>& out,
                             std::string& error) {
  out.clear();
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root); err) {
    error = std::string("not valid JSON: ") + simdjson::error_message(err);
    return false;
  }
  uint64_t version = 0;
  if (root["version"].get_uint64().get(version) || version != kVersion) {
    error = "missing or unsupported version";
    return false;
  }
  simdjson::dom::array files;
  if (root["files"].get_array().get(files)) {
    error = "missing files array";
    return false;
  }
  for (simdjson::dom::element item : files) {
    FileCheckpoint f;
    std::string_view path, hash;
    bool ok = true;
    if (item["path"].get_string().get(path) == simdjson::SUCCESS) {
      f.path = std::string(path);
    } else if (item["path_hex"].get_string().get(path) == simdjson::SUCCESS) {
      ok = from_hex(path, f.path);
    } else {
      ok = false;
    }
    ok = ok && item["dev"].get_uint64().get(f.dev) == simdjson::SUCCESS &&
         item["ino"].get_uint64().get(f.ino) == simdjson::SUCCESS &&
         item["fp_len"].get_uint64().get(f.fp_len) == simdjson::SUCCESS &&
         item["fp_sha256"].get_string().get(hash) == simdjson::SUCCESS &&
         item["offset"].get_uint64().get(f.offset) == simdjson::SUCCESS;
    if (!ok || !is_sha256_hex(hash) || f.fp_len > kMaxFingerprintLen) {
      error = "malformed entry " + std::to_string(out.size());
      out.clear();
      return false;
    }
    f.fp_sha256 = std::string(hash);
    out.push_back(std::move(f));
  }
  return true;
}

CheckpointStore::LoadResult CheckpointStore::load(std::vector<FileCheckpoint>& out) {
  out.clear();
  std::ifstream in(file_, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return LoadResult::kMissing;
    log::warn("checkpoint unreadable; reading the input's files from the beginning",
              {{"input", input_}, {"file", file_}, {"error", std::strerror(errno)}});
    Metrics::global().checkpoint_errors(input_).Increment();
    return LoadResult::kCorrupt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string error;
  if (!decode(ss.str(), out, error)) {
    log::warn("checkpoint corrupt; reading the input's files from the beginning",
              {{"input", input_}, {"file", file_}, {"error", error}});
    Metrics::global().checkpoint_errors(input_).Increment();
    return LoadResult::kCorrupt;
  }
  return LoadResult::kLoaded;
}

bool CheckpointStore::write_atomically(const std::string& data, std::string& error) {
  return write_file_atomically(file_, data, error);
}

bool CheckpointStore::save(const std::vector<FileCheckpoint>& files) {
  std::string error;
  if (!write_atomically(encode(input_, files), error)) {
    if (!failing_) {
      log::error("cannot write checkpoint; positions are kept in memory and retried",
                 {{"input", input_}, {"file", file_}, {"error", error}});
    }
    failing_ = true;
    return false;
  }
  if (failing_) log::info("checkpoint written again", {{"input", input_}, {"file", file_}});
  failing_ = false;
  return true;
}

}  // namespace tripline
