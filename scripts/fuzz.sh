#!/usr/bin/env bash
# Fuzzing with libFuzzer (docs/testing.md), in the clang ASan/UBSan build (build-asan).
#   bash scripts/fuzz.sh --smoke              CI: every target for SATURN_FUZZ_SMOKE_SECONDS (20 s), fixed
#                                             seed, through ctest (fuzz_smoke.*); fails on any finding
#   bash scripts/fuzz.sh [--seconds N] [TARGET...]
#                                             the long campaign: each target (all when none named) for
#                                             N seconds (default 3600), one after the other, one process
#                                             at a time, going on after a finding; the corpus grows in
#                                             build-asan/fuzz/corpus_TARGET (kept for the next campaign)
# Targets: safetensors model_dir task_file language_spec dfa_file eval_lines (tests/fuzz/TARGET_fuzz.cpp).
# Findings land in build-asan/fuzz/TARGET-{crash,leak,timeout,oom}-*; the campaign's log of each target
# is build-asan/fuzz/TARGET.log, and its last line gives the executions. A finding becomes a
# regression input: minimize it (build-asan/fuzz/fuzz_TARGET -minimize_crash=1 -runs=100000 FILE),
# fix the bug, and commit the input as tests/fuzz/regressions/TARGET/NAME (replayed by ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
ALL=(safetensors model_dir task_file language_spec dfa_file eval_lines)
seconds=3600
smoke=0
targets=()
while (($#)); do
  case "$1" in
    --smoke) smoke=1 ;;
    --seconds) seconds=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "error: fuzz.sh: unknown option '$1'" >&2; exit 2 ;;
    *) [[ " ${ALL[*]} " == *" $1 "* ]] || { echo "error: fuzz.sh: unknown target '$1' (${ALL[*]})" >&2; exit 2; }
       targets+=("$1") ;;
  esac
  shift
done
((${#targets[@]})) || targets=("${ALL[@]}")

export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/sanitizers/ubsan.supp"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp"

bash scripts/sanitize.sh configure-asan
cmake --build build-asan -j"$(nproc)" --target "${targets[@]/#/fuzz_}"
if ((smoke)); then
  regex=$(IFS='|'; echo "${targets[*]}")
  norandom=()  # as in sanitize.sh: shadow memory vs address-space randomisation
  setarch "$(uname -m)" -R true 2>/dev/null && norandom=(setarch "$(uname -m)" -R)
  exec "${norandom[@]}" ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -L fuzz_smoke -R "^fuzz_smoke\.($regex)$"
fi

out=build-asan/fuzz
for t in "${targets[@]}"; do
  mkdir -p "$out/corpus_$t"
  dict=()
  [[ -f tests/fuzz/dict/$t.dict ]] && dict=(-dict="tests/fuzz/dict/$t.dict")
  echo "== $t: $seconds s (log $out/$t.log)"
  # -fork=1: one child at a time, restarted after a finding (-ignore_*), so the campaign goes on.
  "$out/fuzz_$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -use_value_profile=1 "${dict[@]}" -artifact_prefix="$out/$t-" \
    "$out/corpus_$t" "tests/fuzz/corpus/$t" > "$out/$t.log" 2>&1 || true
  grep -E '^#[0-9]+' "$out/$t.log" | tail -1 || true
  ls "$out/$t-"* 2>/dev/null | sed 's/^/finding: /' || true
done
