#include "collectors/tail/glob_scanner.h"

#include <fnmatch.h>
#include <glob.h>

#include <map>
#include <utility>

namespace tripline {
namespace {

bool has_wildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string parent_dir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

GlobScanner::GlobScanner(std::vector<std::string> patterns, std::vector<std::string> exclude)
    : patterns_(std::move(patterns)), exclude_(std::move(exclude)) {}

bool GlobScanner::excluded(const std::string& path) const {
  for (const std::string& ex : exclude_) {
    if (ex.find('/') != std::string::npos) {
      if (::fnmatch(ex.c_str(), path.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) return true;
    } else if (::fnmatch(ex.c_str(), base_name(path).c_str(), FNM_PERIOD) == 0) {
      return true;
    }
  }
  return false;
}

bool GlobScanner::matches(const std::string& path) const {
  for (const std::string& p : patterns_) {
    if (::fnmatch(p.c_str(), path.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) {
      return !excluded(path);
    }
  }
  return false;
}

std::vector<ScannedFile> GlobScanner::scan() const {
  std::map<std::string, struct stat> found;
  for (const std::string& pattern : patterns_) {
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        std::string path = g.gl_pathv[i];
        if (found.count(path) || excluded(path)) continue;
        struct stat st;
        if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        found.emplace(std::move(path), st);
      }
    }
    ::globfree(&g);
  }
  std::vector<ScannedFile> out;
  std::set<std::pair<dev_t, ino_t>> inodes;
  for (auto& [path, st] : found) {
    if (!inodes.insert({st.st_dev, st.st_ino}).second) continue;
    out.push_back({path, st});
  }
  return out;
}

std::set<std::string> GlobScanner::watch_dirs(const std::vector<ScannedFile>& files) const {
  std::set<std::string> dirs;
  for (const std::string& p : patterns_) {
    // The deepest directory of the pattern that has no wildcard in it.
    std::string dir = parent_dir(p);
    while (has_wildcard(dir) && dir != "/" && dir != ".") dir = parent_dir(dir);
    dirs.insert(dir);
  }
  for (const ScannedFile& f : files) dirs.insert(parent_dir(f.path));
  return dirs;
}

}  // namespace tripline
