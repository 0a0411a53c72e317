# Compiler flags every Ponte target shares, and the precompiled-header sets.
# Boost.Beast/Asio dominate compile time: targets that use them precompile
# them once (ponte_pch_asio), so a clean build + tests fits CI's budget.

function(ponte_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
                         -Wno-missing-field-initializers)
  # GCC 12 misreports Asio's awaitable frames, which pair a class operator
  # new with its own sized delete (clang has no such warning).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
  endif()
  # GCC 12 at -O3 (Release) reports libstdc++ string copies as overflowing,
  # out of bounds or uninitialized (GCC bugs 105329, 105651, 107138): false
  # positives that would break Release builds under -Werror. The -O2 build CI
  # runs keeps every one of these as an error, and ASan checks the real thing.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-Wno-stringop-overflow
      -Wno-restrict -Wno-array-bounds -Wno-maybe-uninitialized>)
  endif()
  if(PONTE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  target_compile_definitions(${target} PRIVATE
    BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_CONCEPTS
    BOOST_BEAST_USE_STD_STRING_VIEW)
endfunction()

if(PONTE_SANITIZE)
  add_compile_options(-fsanitize=${PONTE_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${PONTE_SANITIZE})
endif()

# libFuzzer targets (tests/fuzz) need clang. Everything in the tree gets the
# fuzzer's coverage instrumentation (fuzzer-no-link), so one sanitizer build
# serves both the test suite and the fuzz targets; only the fuzz targets link
# libFuzzer's main.
if(PONTE_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PONTE_BUILD_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
  # clang 14 with UBSan's `function` check and the fuzzer's coverage
  # sections cannot assemble coroutines ("Cannot represent a difference
  # across sections"): that one check is left out of the fuzz build.
  if(PONTE_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize=function)
  endif()
endif()

# Headers precompiled for targets built on Asio/Beast.
set(PONTE_PCH_ASIO
  <boost/asio.hpp>
  <boost/asio/ssl.hpp>
  <boost/beast/core.hpp>
  <boost/beast/http.hpp>
  <boost/beast/ssl.hpp>
  <nlohmann/json.hpp>
  <string> <vector> <map> <memory> <chrono> <optional>)
set(PONTE_PCH_JSON <nlohmann/json.hpp> <string> <vector> <map> <memory> <optional>)
