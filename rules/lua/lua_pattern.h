#pragma once
#include <cstddef>
#include <cstdint>

namespace tripline::lua {

// Lua 5.4 pattern matching (manual §6.4.1) with a step budget. The stock string library matches
// patterns in C with no hook point, so `("a"):rep(1e5):find(("a*"):rep(20) .. "b")` would hold
// a worker thread for longer than the universe has left; this matcher counts every step of its
// backtracking and stops when the rule's budget is spent. Same semantics and error texts as the
// stock matcher. Trivially destructible throughout, so a Lua error may unwind through it.
class PatternMatcher {
 public:
  static constexpr int kMaxCaptures = 32;
  static constexpr int kMaxDepth = 200;  // recursion, as the stock MAXCCALLS
  static constexpr ptrdiff_t kUnfinished = -1;
  static constexpr ptrdiff_t kPosition = -2;

  enum class Status : uint8_t { kOk, kBudget, kMalformed };

  struct Capture {
    const char* init;
    ptrdiff_t len;  // kUnfinished, kPosition or the length
  };

  PatternMatcher(const char* src, size_t src_len, const char* pattern, size_t pattern_len,
                 uint64_t step_limit);

  // Tries to match the pattern from `pattern_start` (after a leading '^' the caller consumed)
  // at subject position `s`. Returns the end of the match, or nullptr for no match and for a
  // failure (status() says which).
  const char* match_at(const char* s, const char* pattern_start);

  Status status() const { return status_; }
  const char* error() const { return error_; }  // for kMalformed; static or internal buffer
  uint64_t steps() const { return steps_; }
  // Steps still allowed; the caller charges steps() to the rule's budget afterwards.
  void set_step_limit(uint64_t limit) { step_limit_ = limit; }
  // Called every kCheckpointSteps steps (the wall-clock guard); returning false stops the match
  // as if the budget were spent.
  using Checkpoint = bool (*)(void* ctx);
  void set_checkpoint(Checkpoint fn, void* ctx) {
    checkpoint_ = fn;
    checkpoint_ctx_ = ctx;
  }
  static constexpr uint64_t kCheckpointSteps = 1 << 16;

  int level() const { return level_; }
  const Capture& capture(int i) const { return captures_[i]; }
  const char* src_init() const { return src_init_; }
  const char* src_end() const { return src_end_; }

  // Clears captures (and the depth counter) before a new attempt at another position.
  void reset();

 private:
  const char* do_match(const char* s, const char* p);
  const char* class_end(const char* p);
  bool single_match(const char* s, const char* p, const char* ep) const;
  bool match_bracket_class(unsigned char c, const char* p, const char* ec) const;
  const char* max_expand(const char* s, const char* p, const char* ep);
  const char* min_expand(const char* s, const char* p, const char* ep);
  const char* start_capture(const char* s, const char* p, ptrdiff_t what);
  const char* end_capture(const char* s, const char* p);
  const char* match_balance(const char* s, const char* p);
  const char* match_back_reference(const char* s, int index_char);
  bool step();
  const char* fail(const char* message);

  const char* src_init_;
  const char* src_end_;
  const char* p_end_;
  int depth_left_ = kMaxDepth;
  int level_ = 0;
  Status status_ = Status::kOk;
  const char* error_ = nullptr;
  uint64_t steps_ = 0;
  uint64_t step_limit_;
  uint64_t next_checkpoint_ = kCheckpointSteps;
  Checkpoint checkpoint_ = nullptr;
  void* checkpoint_ctx_ = nullptr;
  Capture captures_[kMaxCaptures];
  char error_buffer_[64];
};

// True when `pattern` has none of the magic characters ^$*+?.([%- (a plain substring search).
bool pattern_is_plain(const char* pattern, size_t len);

}  // namespace tripline::lua
