#pragma once
#include <lua.hpp>

namespace tripline::lua {

// The environment a rule file runs in. What it offers:
//   base     assert error getmetatable ipairs next pairs pcall rawequal rawget rawlen rawset
//            select setmetatable tonumber tostring type xpcall _VERSION _G
//   string   everything but dump; find/match/gmatch/gsub on the budgeted matcher
//   table    math    utf8    os.time    os.clock
// and nothing else: no io, os.execute/getenv/..., package, require, load, loadstring, loadfile,
// dofile, debug, collectgarbage, print, coroutine. Library tables and the global table are
// read-only proxies (their metatables are locked, rawset refuses them); setmetatable refuses
// __gc (finalizers would run outside any rule's budget). C functions whose cost grows with
// their input charge the call's budget (string.rep, table.sort/move/insert/remove/unpack/concat,
// utf8 scans, byte/pack/unpack, tonumber). Assigning a global works while the file's top level
// runs and raises once LuaVm::freeze_globals() was called; redefining a built-in always raises.

// lua_CFunction: builds the environment in a fresh state. Run it through LuaVm::call.
int open_sandbox(lua_State* L);

// Pushes the table holding the built-ins; the rule API adds its functions to it (before load).
// Needs one free stack slot; does not allocate.
void push_builtins(lua_State* L);
// Pushes the environment proxy (the _ENV of rule chunks). Needs one free slot; no allocation.
void push_environment(lua_State* L);

// Adds find, match, gmatch and gsub (budgeted) to the table at `table`.
void add_pattern_functions(lua_State* L, int table);

// Makes the table at `idx` read-only to rules: rawset refuses it. (Proxies made by the sandbox
// are already protected.)
void protect_table(lua_State* L, int idx);

}  // namespace tripline::lua
