# Every dependency is a Debian 12 package; README's first command installs them.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(simdjson REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(prometheus-cpp REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
# Debian ships cnats-config.cmake pointing at a static archive it does not package: use pkg-config.
pkg_check_modules(NATS REQUIRED IMPORTED_TARGET libnats)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(LUA REQUIRED IMPORTED_TARGET lua5.4)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
if(TRIPLINE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(TRIPLINE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Sources of a folder library: every .cpp below it except tests. Globbing keeps parallel work on
# separate files from colliding in one CMakeLists.
function(tripline_folder_sources out dir)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${dir}/*.cpp)
  set(${out} ${srcs} PARENT_SCOPE)
endfunction()
