# One helper per target kind (library, test, benchmark).

# Sanitizers for every target of ours (docs/testing.md): -DSATURN_SANITIZE=address,undefined or
# thread. Errors halt the program (-fno-sanitize-recover=all); frame pointers and line tables give
# readable reports. Our libraries are static, so the flags reach every test, fuzz target and tool.
set(SATURN_SANITIZE "" CACHE STRING "Sanitizers for our targets: address,undefined | thread | (empty: none)")
# Fuzz targets (tests/fuzz): with -DSATURN_FUZZ=ON (clang only) they link libFuzzer and every target
# of ours gets its coverage instrumentation; without it they are plain programs that replay their
# seed and regression corpora (ctest fuzz_replay.*).
option(SATURN_FUZZ "Build the tests/fuzz targets with libFuzzer (clang)" OFF)
# The timeout of the tests that run whole suites through the CLI: 900 s, three times that under the
# sanitizers (2-5x slower programs).
set(SATURN_SUITE_TEST_TIMEOUT 900)
if(SATURN_SANITIZE)
  set(SATURN_SUITE_TEST_TIMEOUT 2700)
endif()
if(SATURN_SANITIZE)
  string(REPLACE "," ";" saturn_sanitizers "${SATURN_SANITIZE}")
  foreach(s ${saturn_sanitizers})
    if(NOT s MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "SATURN_SANITIZE: unknown sanitizer '${s}' (address, undefined or thread)")
    endif()
  endforeach()
  if("thread" IN_LIST saturn_sanitizers AND ("address" IN_LIST saturn_sanitizers))
    message(FATAL_ERROR "SATURN_SANITIZE: thread cannot be combined with address")
  endif()
  add_compile_options(-fsanitize=${SATURN_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${SATURN_SANITIZE})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options(-gline-tables-only)
  else()
    add_compile_options(-g1)
  endif()
endif()
if(SATURN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SATURN_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Warnings as errors for our own code only.
function(saturn_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  # GCC 12 reports false (maybe-)uninitialized positives inside Eigen's AVX-512 intrinsics.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized -Wno-uninitialized)
  endif()
  if(SATURN_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
  endif()
endfunction()

# saturn_library(NAME DIR DEPS...): every .cpp in DIR (recursively) becomes library saturn_NAME.
function(saturn_library name dir)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${dir}/*.cpp)
  list(FILTER srcs EXCLUDE REGEX ".*_test\\.cpp$")
  if(NOT srcs)  # a folder with headers only
    add_library(saturn_${name} INTERFACE)
    target_include_directories(saturn_${name} INTERFACE ${CMAKE_SOURCE_DIR})
    target_link_libraries(saturn_${name} INTERFACE ${ARGN})
    return()
  endif()
  add_library(saturn_${name} STATIC ${srcs})
  target_include_directories(saturn_${name} PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(saturn_${name} PUBLIC ${ARGN})
  saturn_warnings(saturn_${name})
endfunction()

# saturn_test(NAME DIR DEPS...): every *_test.cpp in DIR becomes one GoogleTest binary; its tests
# are registered with ctest as NAME.Suite.Test (ctest -R transformer_tests runs one binary's).
function(saturn_test name dir)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${dir}/*_test.cpp)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  target_link_libraries(${name} PRIVATE ${ARGN} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE SATURN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  saturn_warnings(${name})
  include(GoogleTest)
  gtest_discover_tests(${name} TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()

# saturn_benchmark(NAME SRC DEPS...)
function(saturn_benchmark name src)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE ${ARGN} benchmark::benchmark)
  saturn_warnings(${name})
endfunction()
