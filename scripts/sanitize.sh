#!/usr/bin/env bash
# The sanitizer runs of CI (docs/testing.md), after the normal build and tests:
#   asan  clang-14, -fsanitize=address,undefined + libFuzzer instrumentation, in build-asan: the
#         whole ctest suite (the fuzz targets' seed and regression replays included, their timed
#         smoke runs excluded: scripts/fuzz.sh --smoke runs those; readme_examples and
#         report_in_chromium excluded: see below)
#   tsan  gcc, -fsanitize=thread, in build-tsan: the multi-threaded test binaries (transformer,
#         harness, saturated_transformer; the languages' concurrency test), linked against a oneTBB
#         built with -fsanitize=thread from Debian's own source of the installed version (apt-get
#         source onetbb through a private deb-src list; the system's apt configuration is left
#         alone): ThreadSanitizer cannot see the synchronisation inside an uninstrumented libtbb and
#         reports false races in every parallel_for.
# usage: bash scripts/sanitize.sh [asan] [tsan]     (both when none is named)
#        bash scripts/sanitize.sh configure-asan    (only configures build-asan; scripts/fuzz.sh uses it)
# Every sanitizer report halts the program that made it, so a report is a failed test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)
stages=("$@")
((${#stages[@]})) || stages=(asan tsan)

# Runtime options: halt on the first report; suppressions only for the libraries' own code, each
# entry with its reason (tests/sanitizers/*.supp).
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/sanitizers/ubsan.supp"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/sanitizers/tsan.supp"

# Sanitizer runtimes map their shadow memory at fixed addresses, which some kernels' address-space
# randomisation (vm.mmap_rnd_bits = 32) collides with ("unexpected memory mapping"); where the
# personality call is allowed (not in every container), the tests run with randomisation off.
norandom=()
setarch "$(uname -m)" -R true 2>/dev/null && norandom=(setarch "$(uname -m)" -R)

# The threaded tests: every test of these binaries, and the languages' concurrency test.
TSAN_TARGETS=(transformer_tests harness_tests saturated_transformer_tests languages_tests)
TSAN_TESTS='^(transformer_tests|harness_tests|saturated_transformer_tests)\.|^languages_tests\.Concurrency\.'
# Single-threaded tests of those binaries that cost the TSan stage most (the compiled programs'
# interpreter comparisons, PyTorch on exported models, the quick suite's data survey): nothing
# there for ThreadSanitizer to see.
TSAN_SKIP='ProgramsInTorch|Programs/ShippedProgram|HonestData'

# Debian's oneTBB source (the installed version), built with -fsanitize=thread into
# build-tsan/onetbb/install (once; kept between runs).
build_tsan_tbb() {
  local dir=$root/build-tsan/onetbb
  [[ -f $dir/install/lib/cmake/TBB/TBBConfig.cmake ]] && return 0
  rm -rf "$dir" && mkdir -p "$dir/apt/lists/partial" "$dir/src"
  local version
  version=$(dpkg-query -W -f='${Version}' libtbb-dev)
  printf 'deb-src http://deb.debian.org/debian bookworm main\ndeb-src http://deb.debian.org/debian-security bookworm-security main\ndeb-src http://deb.debian.org/debian bookworm-updates main\n' > "$dir/apt/sources.list"
  local apt=(-o Dir::Etc::SourceList="$dir/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
             -o Dir::State::Lists="$dir/apt/lists" -o APT::Sandbox::User=root)
  apt-get "${apt[@]}" update -qq
  (cd "$dir/src" && apt-get "${apt[@]}" source -qq --download-only "onetbb=$version" && dpkg-source -x --no-check ./*.dsc tbb > /dev/null)
  cmake -S "$dir/src/tbb" -B "$dir/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
    -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF -DTBB_EXAMPLES=OFF \
    -DCMAKE_INSTALL_PREFIX="$dir/install" -DCMAKE_INSTALL_LIBDIR=lib > /dev/null
  # oneTBB's own build warns at length under -fsanitize=thread (-Wtsan): its log goes to a file.
  cmake --build "$dir/build" -j"$jobs" > "$dir/build.log" 2>&1 || { tail -n 40 "$dir/build.log"; exit 1; }
  cmake --install "$dir/build" > /dev/null
  echo "oneTBB $version built with -fsanitize=thread in $dir/install (log: $dir/build.log)"
}

configure_asan() {
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 \
    -DSATURN_SANITIZE=address,undefined -DSATURN_FUZZ=ON -DSATURN_BUILD_BENCHMARKS=OFF -DSATURN_BUILD_PYTHON=OFF > /dev/null
}

for stage in "${stages[@]}"; do
  case "$stage" in
    configure-asan) configure_asan ;;
    asan)
      configure_asan
      cmake --build build-asan -j"$jobs"
      # Not here: readme_examples (the README's benchmark lines need the benchmark programs, not
      # built here) and report_in_chromium (Chromium's rendering); the normal build runs both, and
      # the code they reach runs here through suites_end_to_end and cli_exit_codes.
      # Also not here: the two tests that spend their time in other programs (ProgramsInTorch runs
      # PyTorch on exported models, docs_slurm_array the Slurm example's shell loop): 150 s of ASan
      # CI for no code of ours that the other tests do not reach.
      "${norandom[@]}" ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE fuzz_smoke \
        -E '^(readme_examples|report_in_chromium|docs_slurm_array)$|ProgramsInTorch'
      ;;
    tsan)
      build_tsan_tbb
      cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
        -DSATURN_SANITIZE=thread -DSATURN_BUILD_BENCHMARKS=OFF -DSATURN_BUILD_PYTHON=OFF \
        -DTBB_DIR="$root/build-tsan/onetbb/install/lib/cmake/TBB" > /dev/null
      cmake --build build-tsan -j"$jobs" --target "${TSAN_TARGETS[@]}"
      "${norandom[@]}" ctest --test-dir build-tsan --output-on-failure -j"$jobs" -R "$TSAN_TESTS" -E "$TSAN_SKIP"
      ;;
    *) echo "error: sanitize.sh: unknown stage '$stage' (asan or tsan)" >&2; exit 2 ;;
  esac
done
