#pragma once
#include <cstddef>
#include <cstdint>
#include <map>

namespace tripline {

// The committed position of one byte stream when batches of it are acknowledged out of order
// (several pipeline threads). Ranges [begin, end) are handed out contiguously from the start
// offset; committed() is the end of the longest committed run from the start, so a checkpoint
// never covers bytes whose batch is still in flight. Not thread-safe: the owner locks.
class CommitTracker {
 public:
  explicit CommitTracker(uint64_t start = 0) : committed_(start) {}

  void commit(uint64_t begin, uint64_t end);
  uint64_t committed() const { return committed_; }
  // Committed ranges waiting for an earlier one.
  size_t waiting() const { return waiting_.size(); }

 private:
  uint64_t committed_;
  std::map<uint64_t, uint64_t> waiting_;  // begin → end
};

}  // namespace tripline
