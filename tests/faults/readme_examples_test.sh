#!/usr/bin/env bash
# Every example command line of README.md runs as written, in README order, in one temporary
# folder: `build` there is this build folder, `tasks.yaml` a copy of the repository's (scaled down
# by shorten_tasks.py unless SATURN_README_FULL=1), `saturated_transformer/` and `benchmarks/` the
# repository's. A line's exit code must be 0, or N where its comment says "exit N". The Google
# Benchmark programs run with BENCHMARK_MIN_TIME=0.01 and without their largest cases (verifying
# lengths 18-24, the three larger training configs, the 1024 GEMM: minutes on 2 cores) unless
# SATURN_README_FULL=1. Not run: the
# first code block (the set-up and test commands: CI runs them around this very test).
# benchmarks/compare_torch.sh installs packages and times PyTorch for minutes: it runs only with
# SATURN_README_FULL=1 (it is listed as not run otherwise).
# Usage: readme_examples_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
BUILD=$(cd "$1" && pwd) SRC=$(cd "$2" && pwd)
FULL=${SATURN_README_FULL:-0}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
[[ -x $BUILD/saturn ]] || { echo "FAIL: no $BUILD/saturn"; exit 1; }
ln -s "$BUILD" "$T/build"
ln -s "$SRC/saturated_transformer" "$T/saturated_transformer"
ln -s "$SRC/benchmarks" "$T/benchmarks"
if [[ $FULL == 1 ]]; then
  cp "$SRC/tasks.yaml" "$T/tasks.yaml"
else
  /usr/bin/python3 "$SRC/tests/faults/shorten_tasks.py" "$SRC/tasks.yaml" "$T/tasks.yaml" ||
    { echo "FAIL: shorten_tasks.py"; exit 1; }
  export BENCHMARK_MIN_TIME=0.01
  export BENCHMARK_FILTER='-maxlen:(18|20|24)/|config:[123]/|GemmPeak/1024'
fi

# The command lines: inside ``` blocks after the first, lines starting with "build/" or "bash ",
# continuation lines ("\" at the end) joined.
mapfile -t lines < <(awk '
  /^```/ { inblock = !inblock; if (inblock) blocks++; next }
  inblock && blocks > 1 {
    line = (cont != "" ? cont " " : "") $0
    if (line ~ /\\$/) { sub(/\\$/, "", line); cont = line; next }
    cont = ""
    sub(/^[ \t]+/, "", line)
    if (line ~ /^(build\/|bash )/) print line
  }' "$SRC/README.md")
[[ ${#lines[@]} -ge 10 ]] || { echo "FAIL: found only ${#lines[@]} command lines in README.md"; exit 1; }

fail=0 ran=0
cd "$T"
for line in "${lines[@]}"; do
  if [[ $FULL != 1 && $line == *compare_torch.sh* ]]; then
    echo "not run (SATURN_README_FULL=1 runs it): $line"; continue
  fi
  want=0
  [[ $line =~ \#.*exit\ ([0-9]+) ]] && want=${BASH_REMATCH[1]}
  start=$SECONDS
  bash -c "$line" > "$T/stdout" 2> "$T/stderr" < /dev/null
  got=$?
  ran=$((ran + 1))
  if [[ $got -ne $want ]]; then
    echo "FAIL (exit $got, expected $want): $line"; tail -n 5 "$T/stderr"; fail=1
  else
    echo "ok (exit $got, $((SECONDS - start)) s): $line"
  fi
done
echo "$ran README command lines run"
exit $fail
