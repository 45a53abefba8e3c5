#include "collectors/commit_tracker.h"

namespace tripline {

void CommitTracker::commit(uint64_t begin, uint64_t end) {
  if (end <= committed_) return;  // already covered (a replayed acknowledgement)
  if (begin > committed_) {
    uint64_t& slot = waiting_[begin];
    if (end > slot) slot = end;
    return;
  }
  committed_ = end;
  // Swallow every waiting range that now touches the committed run.
  auto it = waiting_.begin();
  while (it != waiting_.end() && it->first <= committed_) {
    if (it->second > committed_) committed_ = it->second;
    it = waiting_.erase(it);
  }
}

}  // namespace tripline
