# -Werror everywhere: CI builds exactly what developers build.
add_compile_options(-Wall -Wextra -Werror -Wno-missing-field-initializers)
# GCC 12 reports false -Wrestrict/-Wstringop-overflow on std::string concatenation at -O2/-O3
# (GCC bug 105329); they are noise in libstdc++ headers, not findings in our code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-restrict -Wno-stringop-overflow)
endif()
