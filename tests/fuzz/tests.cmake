# Fuzz targets (docs/testing.md). Each tests/fuzz/NAME_fuzz.cpp defines LLVMFuzzerTestOneInput and
# becomes fuzz_NAME: with -DSATURN_FUZZ=ON (clang) a libFuzzer program, otherwise a program that
# replays files (replay_main.cpp). Every build replays each target's seed corpus (corpus/NAME) and
# its regression inputs (regressions/NAME: minimized inputs of bugs found, kept so that they stay
# fixed) under ctest as fuzz_replay.NAME; a libFuzzer build also fuzzes each target for
# SATURN_FUZZ_SMOKE_SECONDS under ctest as fuzz_smoke.NAME (label fuzz_smoke), with a fixed seed.
# scripts/fuzz.sh runs the long campaign.
set(SATURN_FUZZ_SMOKE_SECONDS 20 CACHE STRING "Seconds of fuzzing per target in ctest's fuzz_smoke tests")
set(fuzz_dir ${CMAKE_CURRENT_LIST_DIR})

# saturn_fuzz_target(NAME DEPS...)
function(saturn_fuzz_target name)
  set(target fuzz_${name})
  if(SATURN_FUZZ)
    add_executable(${target} ${fuzz_dir}/${name}_fuzz.cpp)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${target} ${fuzz_dir}/${name}_fuzz.cpp ${fuzz_dir}/replay_main.cpp)
  endif()
  target_link_libraries(${target} PRIVATE ${ARGN})
  target_compile_definitions(${target} PRIVATE SATURN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  saturn_warnings(${target})
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)

  set(inputs ${fuzz_dir}/corpus/${name})
  if(EXISTS ${fuzz_dir}/regressions/${name})
    list(APPEND inputs ${fuzz_dir}/regressions/${name})
  endif()
  add_test(NAME fuzz_replay.${name} COMMAND ${target} -runs=0 ${inputs})
  if(SATURN_FUZZ)
    # New inputs go to a scratch corpus in the build folder (the first folder), never to the
    # committed seeds; crashes to fuzz/NAME-crash-*.
    set(scratch ${CMAKE_BINARY_DIR}/fuzz/corpus_${name})
    file(MAKE_DIRECTORY ${scratch})
    set(dict)
    if(EXISTS ${fuzz_dir}/dict/${name}.dict)
      set(dict -dict=${fuzz_dir}/dict/${name}.dict)
    endif()
    add_test(NAME fuzz_smoke.${name}
             COMMAND ${target} -max_total_time=${SATURN_FUZZ_SMOKE_SECONDS} -seed=1 -timeout=10 -rss_limit_mb=2048
                     -print_final_stats=1 ${dict} -artifact_prefix=${CMAKE_BINARY_DIR}/fuzz/${name}- ${scratch}
                     ${fuzz_dir}/corpus/${name})
    set_tests_properties(fuzz_smoke.${name} PROPERTIES LABELS fuzz_smoke TIMEOUT 300)
  endif()
endfunction()

saturn_fuzz_target(safetensors saturn_transformer)
saturn_fuzz_target(model_dir saturn_saturated_transformer saturn_transformer)
saturn_fuzz_target(task_file saturn_harness)
saturn_fuzz_target(language_spec saturn_languages)
saturn_fuzz_target(dfa_file saturn_languages)
saturn_fuzz_target(eval_lines saturn_saturated_transformer)
