// string.find / match / gmatch / gsub for the sandbox, on the budgeted PatternMatcher. Argument
// handling, results and error texts follow the Lua 5.4 string library so rules behave as the
// manual says. Every frame here is trivially destructible: Lua errors unwind through them.
#include <cctype>
#include <cstring>

#include "rules/lua/lua_pattern.h"
#include "rules/lua/lua_sandbox.h"
#include "rules/lua/lua_vm.h"

namespace tripline::lua {
namespace {

bool on_checkpoint(void* ctx) { return static_cast<LuaVm*>(ctx)->check_deadline(); }

// A PatternMatcher whose steps are charged to the running call's budget as they accrue.
class BudgetedMatch {
 public:
  BudgetedMatch(lua_State* L, const char* s, size_t ls, const char* p, size_t lp)
      : L_(L), vm_(LuaVm::from(L)), m_(s, ls, p, lp, vm_->budget_left()) {
    m_.set_checkpoint(&on_checkpoint, vm_);
  }

  // One attempt at `s`; raises when the budget, the deadline or a malformed pattern stopped it.
  const char* attempt(const char* s, const char* p) {
    m_.reset();
    m_.set_step_limit(m_.steps() + vm_->budget_left());
    const char* e = m_.match_at(s, p);
    settle();
    return e;
  }

  PatternMatcher& matcher() { return m_; }

 private:
  void settle() {
    const uint64_t fresh = m_.steps() - charged_;
    charged_ = m_.steps();
    switch (m_.status()) {
      case PatternMatcher::Status::kOk:
        if (!vm_->charge(fresh)) vm_->raise_limit();
        return;
      case PatternMatcher::Status::kBudget:
        // Spent or past the deadline: make sure the VM knows, then unwind.
        if (vm_->tripped() == Violation::kNone) vm_->charge(fresh + vm_->budget_left() + 1);
        vm_->raise_limit();
      case PatternMatcher::Status::kMalformed:
        luaL_error(L_, "%s", m_.error());
    }
  }

  lua_State* L_;
  LuaVm* vm_;
  PatternMatcher m_;
  uint64_t charged_ = 0;
};

// Lua's posrelatI: a 1-based start position from a possibly negative argument.
size_t start_index(lua_Integer pos, size_t len) {
  if (pos > 0) return static_cast<size_t>(pos);
  if (pos == 0) return 1;
  if (pos < -static_cast<lua_Integer>(len)) return 1;
  return len + static_cast<size_t>(pos) + 1;
}

void push_capture(lua_State* L, const PatternMatcher& m, int i, const char* s, const char* e) {
  if (i >= m.level()) {
    if (i != 0) luaL_error(L, "invalid capture index %%%d", i + 1);
    lua_pushlstring(L, s, static_cast<size_t>(e - s));  // no captures: the whole match
    return;
  }
  const PatternMatcher::Capture& c = m.capture(i);
  if (c.len == PatternMatcher::kUnfinished) luaL_error(L, "unfinished capture");
  if (c.len == PatternMatcher::kPosition) {
    lua_pushinteger(L, static_cast<lua_Integer>(c.init - m.src_init()) + 1);
  } else {
    lua_pushlstring(L, c.init, static_cast<size_t>(c.len));
  }
}

int push_captures(lua_State* L, const PatternMatcher& m, const char* s, const char* e) {
  const int n = (m.level() == 0 && s) ? 1 : m.level();
  luaL_checkstack(L, n, "too many captures");
  for (int i = 0; i < n; ++i) push_capture(L, m, i, s, e);
  return n;
}

int find_aux(lua_State* L, bool find) {
  size_t ls = 0;
  size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  const size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || pattern_is_plain(p, lp))) {
    // memmem is linear (two-way); charge it like the bytes it scans.
    if (!LuaVm::from(L)->charge((ls - init + lp) / 16)) LuaVm::from(L)->raise_limit();
    const void* found = memmem(s + init, ls - init, p, lp);
    if (found) {
      const auto start = static_cast<const char*>(found) - s;
      lua_pushinteger(L, static_cast<lua_Integer>(start) + 1);
      lua_pushinteger(L, static_cast<lua_Integer>(start + static_cast<ptrdiff_t>(lp)));
      return 2;
    }
    luaL_pushfail(L);
    return 1;
  }
  BudgetedMatch bm(L, s, ls, p, lp);
  const bool anchor = lp > 0 && *p == '^';
  const char* pattern = anchor ? p + 1 : p;
  const char* s1 = s + init;
  do {
    const char* e = bm.attempt(s1, pattern);
    if (e) {
      if (find) {
        lua_pushinteger(L, static_cast<lua_Integer>(s1 - s) + 1);
        lua_pushinteger(L, static_cast<lua_Integer>(e - s));
        return push_captures(L, bm.matcher(), nullptr, nullptr) + 2;
      }
      return push_captures(L, bm.matcher(), s1, e);
    }
  } while (s1++ < s + ls && !anchor);
  luaL_pushfail(L);
  return 1;
}

int str_find(lua_State* L) { return find_aux(L, true); }
int str_match(lua_State* L) { return find_aux(L, false); }

// gmatch keeps offsets, not pointers, in its state: the strings live as upvalues.
struct GmatchState {
  size_t next;         // where the next search starts
  ptrdiff_t last_end;  // end of the previous match, -1 before the first
};

int gmatch_step(lua_State* L) {
  size_t ls = 0;
  size_t lp = 0;
  const char* s = lua_tolstring(L, lua_upvalueindex(1), &ls);
  const char* p = lua_tolstring(L, lua_upvalueindex(2), &lp);
  auto* state = static_cast<GmatchState*>(lua_touserdata(L, lua_upvalueindex(3)));
  BudgetedMatch bm(L, s, ls, p, lp);
  for (const char* src = s + state->next; src <= s + ls; ++src) {
    const char* e = bm.attempt(src, p);
    // An empty match right where the previous one ended is skipped (Lua 5.4 semantics).
    if (e && e - s != state->last_end) {
      state->next = static_cast<size_t>(e - s);
      state->last_end = e - s;
      return push_captures(L, bm.matcher(), src, e);
    }
  }
  state->next = ls + 1;
  return 0;
}

int str_gmatch(lua_State* L) {
  size_t ls = 0;
  luaL_checklstring(L, 1, &ls);
  luaL_checkstring(L, 2);
  size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) init = ls + 1;
  lua_settop(L, 2);
  auto* state = static_cast<GmatchState*>(lua_newuserdatauv(L, sizeof(GmatchState), 0));
  state->next = init;
  state->last_end = -1;
  lua_pushcclosure(L, gmatch_step, 3);
  return 1;
}

void add_replacement_string(lua_State* L, const PatternMatcher& m, luaL_Buffer* b, const char* s,
                            const char* e) {
  size_t l = 0;
  const char* news = lua_tolstring(L, 3, &l);
  const char* p;
  while ((p = static_cast<const char*>(std::memchr(news, '%', l))) != nullptr) {
    luaL_addlstring(b, news, static_cast<size_t>(p - news));
    ++p;  // Lua strings end with '\0', so reading one past a trailing '%' is safe
    if (*p == '%') {
      luaL_addchar(b, *p);
    } else if (*p == '0') {
      luaL_addlstring(b, s, static_cast<size_t>(e - s));
    } else if (std::isdigit(static_cast<unsigned char>(*p))) {
      push_capture(L, m, *p - '1', s, e);
      luaL_tolstring(L, -1, nullptr);
      lua_remove(L, -2);
      luaL_addvalue(b);
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", '%');
    }
    l -= static_cast<size_t>(p + 1 - news);
    news = p + 1;
  }
  luaL_addlstring(b, news, l);
}

// Appends the replacement of one match; false when the original text was kept.
bool add_replacement(lua_State* L, const PatternMatcher& m, luaL_Buffer* b, const char* s,
                     const char* e, int repl_type) {
  switch (repl_type) {
    case LUA_TFUNCTION: {
      lua_pushvalue(L, 3);
      const int n = push_captures(L, m, s, e);
      lua_call(L, n, 1);
      break;
    }
    case LUA_TTABLE:
      push_capture(L, m, 0, s, e);
      lua_gettable(L, 3);
      break;
    default:
      add_replacement_string(L, m, b, s, e);
      return true;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, static_cast<size_t>(e - s));
    return false;
  }
  if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  }
  luaL_addvalue(b);
  return true;
}

int str_gsub(lua_State* L) {
  size_t srcl = 0;
  size_t lp = 0;
  const char* src = luaL_checklstring(L, 1, &srcl);
  const char* p = luaL_checklstring(L, 2, &lp);
  const char* last_match = nullptr;
  const int repl_type = lua_type(L, 3);
  const lua_Integer max_s = luaL_optinteger(L, 4, static_cast<lua_Integer>(srcl) + 1);
  luaL_argexpected(L,
                   repl_type == LUA_TNUMBER || repl_type == LUA_TSTRING ||
                       repl_type == LUA_TFUNCTION || repl_type == LUA_TTABLE,
                   3, "string/function/table");
  const bool anchor = lp > 0 && *p == '^';
  const char* pattern = anchor ? p + 1 : p;
  const char* const src_end = src + srcl;
  lua_Integer n = 0;
  bool changed = false;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  BudgetedMatch bm(L, src, srcl, p, lp);
  while (n < max_s) {
    const char* e = bm.attempt(src, pattern);
    if (e && e != last_match) {
      ++n;
      changed = add_replacement(L, bm.matcher(), &b, src, e, repl_type) || changed;
      src = last_match = e;
    } else if (src < src_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchor) break;
  }
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    luaL_addlstring(&b, src, static_cast<size_t>(src_end - src));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}

}  // namespace

void add_pattern_functions(lua_State* L, int table) {
  table = lua_absindex(L, table);
  static constexpr luaL_Reg kFunctions[] = {{"find", str_find},
                                            {"match", str_match},
                                            {"gmatch", str_gmatch},
                                            {"gsub", str_gsub},
                                            {nullptr, nullptr}};
  for (const luaL_Reg* r = kFunctions; r->name; ++r) {
    lua_pushcfunction(L, r->func);
    lua_setfield(L, table, r->name);
  }
}

}  // namespace tripline::lua
