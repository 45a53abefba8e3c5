#pragma once
#include <sys/stat.h>

#include <set>
#include <string>
#include <vector>

namespace tripline {

struct ScannedFile {
  std::string path;
  struct stat st;
};

// Expands an input's `paths` globs (glob(3) syntax: * ? [...]; a leading '.' is matched only
// explicitly) minus its `exclude` globs. An exclude with a '/' is matched against the whole
// path, one without against the file name ("*.gz").
class GlobScanner {
 public:
  GlobScanner(std::vector<std::string> patterns, std::vector<std::string> exclude);

  // Regular files that match, in path order, each inode once (symlinks and hard links to one
  // file are one file). Unreadable directories are skipped; the next scan retries them.
  std::vector<ScannedFile> scan() const;
  // True when `path` matches a pattern and no exclude (filters inotify events).
  bool matches(const std::string& path) const;
  bool excluded(const std::string& path) const;
  // Directories to watch: each pattern's leading directory without wildcards, and every
  // directory that holds a matched file.
  std::set<std::string> watch_dirs(const std::vector<ScannedFile>& files) const;

  const std::vector<std::string>& patterns() const { return patterns_; }

 private:
  std::vector<std::string> patterns_;
  std::vector<std::string> exclude_;
};

}  // namespace tripline
