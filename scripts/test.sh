#!/usr/bin/env bash
# The README's second command (and CI's): install, build, run the whole test suite; then the same
# suite under AddressSanitizer + UndefinedBehaviorSanitizer, the multi-threaded tests under
# ThreadSanitizer, and a short run of every fuzz target (docs/testing.md). The normal tests come
# first so that their failures show early. SATURN_SKIP_SANITIZERS=1 stops after the normal tests.
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { echo "== test.sh: $1 (at ${SECONDS} s)"; }
stage "install"; bash scripts/install-deps.sh
stage "build"; bash scripts/build.sh
stage "tests"; ctest --test-dir build --output-on-failure -j"$(nproc)"
[[ "${SATURN_SKIP_SANITIZERS:-0}" == 1 ]] && exit 0
stage "asan"; bash scripts/sanitize.sh asan
stage "tsan"; bash scripts/sanitize.sh tsan
stage "fuzz smoke"; bash scripts/fuzz.sh --smoke
stage "done"
