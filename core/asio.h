#pragma once
// The one place Boost.Asio/Beast are included from. Boost 1.74 Asio under C++20 with GCC 12 uses
// std::exchange without including <utility>; including it first keeps every translation unit
// building.
#include <utility>

#include <boost/asio.hpp>
