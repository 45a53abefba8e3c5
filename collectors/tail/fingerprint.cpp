#include "collectors/tail/fingerprint.h"

#include "core/digest.h"

namespace tripline {

PrefixRelation compare_prefix(std::string_view candidate, std::string_view known) {
  const size_t common = candidate.size() < known.size() ? candidate.size() : known.size();
  if (candidate.substr(0, common) != known.substr(0, common)) return PrefixRelation::kDifferent;
  if (candidate.size() < known.size()) return PrefixRelation::kUndecided;
  return known.size() >= kMinContentMatchBytes ? PrefixRelation::kSame : PrefixRelation::kDifferent;
}

std::string fingerprint_hash(std::string_view prefix) { return sha256_hex(prefix); }

bool matches_fingerprint(std::string_view prefix, size_t fp_len, const std::string& fp_hash) {
  if (prefix.size() < fp_len) return false;
  return fingerprint_hash(prefix.substr(0, fp_len)) == fp_hash;
}

}  // namespace tripline
