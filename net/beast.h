#pragma once
// Beast and Asio's TLS layer, always after core/asio.h (which fixes an include-order problem of
// Boost 1.74 under C++20). Include this only from .cpp files: it is heavy to compile.
#include "core/asio.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
