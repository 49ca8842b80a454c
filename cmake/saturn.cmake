# One helper per target kind (library, test, benchmark).

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
