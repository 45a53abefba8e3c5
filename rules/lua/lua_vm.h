#pragma once
#include <lua.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace tripline::lua {

// Which limit stopped a call.
enum class Violation : uint8_t { kNone, kInstructions, kWallTime, kMemory };
const char* violation_name(Violation v);  // "instruction budget", "wall-clock limit", ...

// What one protected call produced.
struct CallOutcome {
  bool ok = false;
  Violation violation = Violation::kNone;  // set even when the rule swallowed the error
  std::string error;                       // message without the "file:line:" prefix
  int line = 0;                            // innermost Lua line the error came from, 0 unknown
};

// One lua_State with the limits every rule runs under:
//  - a custom allocator that refuses to grow the heap past `memory_cap` bytes;
//  - a per-call budget of "units": one per VM instruction (counted by a count hook), plus what
//    the sandbox's C functions charge for their work (bytes allocated, pattern steps, elements
//    moved), so a rule cannot buy unbounded work with one instruction;
//  - a wall-clock deadline, checked by the same hook, as the second line.
// Once a limit trips during a call the hook fires on every following instruction and raises
// again, so `pcall` inside the rule cannot swallow it: the call unwinds to the engine.
// Not thread-safe: the owner serialises calls (one thread inside a state at a time).
class LuaVm {
 public:
  // Creates the state; null when even the empty state does not fit in `memory_cap`.
  static std::unique_ptr<LuaVm> create(uint64_t memory_cap);
  ~LuaVm();
  LuaVm(const LuaVm&) = delete;
  LuaVm& operator=(const LuaVm&) = delete;

  lua_State* state() const { return L_; }
  static LuaVm* from(lua_State* L) { return *static_cast<LuaVm**>(lua_getextraspace(L)); }

  // Runs `fn` with `nargs` arguments already pushed above it, in protected mode under a fresh
  // budget. Leaves `nresults` results on the stack when ok (caller pops), nothing otherwise.
  // Stack index 1 holds the message handler for the state's whole life: never pop below it.
  // `fn` and its arguments must be pushed without allocating (see ensure_stack): an allocation
  // failure outside protected mode would abort the process.
  CallOutcome call(int nargs, int nresults, uint64_t budget, std::chrono::milliseconds wall);
  // Guarantees `n` free stack slots without raising; false when the stack cannot grow.
  bool ensure_stack(int n) { return lua_checkstack(L_, n) != 0; }

  // For the sandbox's C functions: charges `units` of work to the running call. Returns false
  // (and arms the hook) once the budget is spent; the caller then raises with raise_limit().
  bool charge(uint64_t units);
  uint64_t budget_left() const;
  // Raises the current violation as a Lua error (never returns).
  [[noreturn]] void raise_limit();
  // For C functions that know up front their result cannot fit under the memory cap: trips the
  // cap (so the rule is treated as exceeding it, whatever it catches) and raises.
  [[noreturn]] void raise_memory_limit();
  Violation tripped() const { return tripped_; }
  bool in_call() const { return active_; }
  // Checks the wall clock now (long C loops call this between steps).
  bool check_deadline();

  uint64_t memory_used() const { return mem_used_; }
  uint64_t memory_cap() const { return mem_cap_; }
  uint64_t peak_memory() const { return mem_peak_; }
  // Units the last call used (instructions + charged work).
  uint64_t last_call_units() const { return used_; }

  // Opaque owner (the rule instance running in this state), for the bindings.
  void set_owner(void* owner) { owner_ = owner; }
  void* owner() const { return owner_; }

  // Records the innermost Lua line of an error being raised (set by the message handler).
  void note_error_line(int line) { error_line_ = line; }

  // Set once a rule file's top level has run: from then on assigning a global raises.
  void freeze_globals() { globals_frozen_ = true; }
  bool globals_frozen() const { return globals_frozen_; }

  // Full garbage collection (after a failed call, so the next one starts from a clean heap).
  void collect();

  static constexpr int kHookInterval = 100;   // instructions between hook calls
  static constexpr unsigned kAllocShift = 6;  // one unit per 64 bytes allocated during a call
  static constexpr size_t kMaxErrorBytes = 1024;
  static constexpr int kMessageHandlerIndex = 1;

 private:
  explicit LuaVm(uint64_t memory_cap);
  static void* allocate(void* ud, void* ptr, size_t osize, size_t nsize);
  static void hook(lua_State* L, lua_Debug* ar);
  static int message_handler(lua_State* L);
  void trip(Violation v);

  lua_State* L_ = nullptr;
  void* owner_ = nullptr;
  uint64_t mem_used_ = 0;
  uint64_t mem_cap_;
  uint64_t mem_peak_ = 0;
  bool active_ = false;
  Violation tripped_ = Violation::kNone;
  uint64_t used_ = 0;
  uint64_t limit_ = 0;
  std::chrono::steady_clock::time_point deadline_{};
  std::chrono::milliseconds wall_{0};
  bool deadline_set_ = false;  // the clock is read at the first check, not on every call
  int error_line_ = 0;
  bool globals_frozen_ = false;
};

// Splits a Lua error message "chunk:line: text" into line and text when it starts with the
// chunk name of `file` (as loaded with chunkname "@file").
void split_error_position(const std::string& file, std::string& message, int& line);

}  // namespace tripline::lua
