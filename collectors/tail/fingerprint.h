#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace tripline {

// Files are told apart by device/inode plus a fingerprint of their first bytes (up to
// kFingerprintBytes). Inodes alone are not enough: an inode is reused by the next file created
// after a delete, a copy (copytruncate) has a new inode but old content, and a file rotated while
// the agent was down shows up under another name.
inline constexpr size_t kFingerprintBytes = 1024;
// Two files are only called copies of each other on content alone when they share at least this
// many leading bytes; shorter files are read again rather than risk skipping a new one.
inline constexpr size_t kMinContentMatchBytes = 64;

enum class PrefixRelation {
  kDifferent,  // not the same content
  kSame,       // the candidate starts with all of `known` (long enough to be trusted)
  kUndecided,  // the candidate is a shorter prefix of `known`: a copy still being written, or a
               // new file that has not yet said enough to tell
};

// Compares the first bytes of a file of unknown identity with those of a known file.
PrefixRelation compare_prefix(std::string_view candidate, std::string_view known);

// The checkpointed form of a fingerprint: SHA-256 (hex) of its bytes.
std::string fingerprint_hash(std::string_view prefix);

// True when `prefix` (a file's first bytes) starts with the fingerprint (fp_len, fp_hash).
bool matches_fingerprint(std::string_view prefix, size_t fp_len, const std::string& fp_hash);

}  // namespace tripline
