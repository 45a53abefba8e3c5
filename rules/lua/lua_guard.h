#pragma once
#include <exception>
#include <string>

namespace tripline::lua {

// Runs C++ work from inside a Lua C function. A C++ exception must not cross the Lua runtime's
// C frames, and a Lua error (longjmp) must not cross C++ frames that own objects; so the C++
// part runs to completion in here, an exception turns into `false` with its text in `error`, and
// the C function raises afterwards, once nothing with a destructor is left on its stack:
//
//   if (!cpp_guard(host.error, [&] { ... })) return luaL_error(L, "%s", host.error.c_str());
template <typename F>
bool cpp_guard(std::string& error, F&& work) noexcept {
  try {
    work();
    return true;
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "internal error";
  }
  return false;
}

}  // namespace tripline::lua
