#!/usr/bin/env bash
# Every suite of tasks.yaml, scaled down to seconds with --set, runs end to end; its outputs are
# complete (a summary per run, suite.json, results.csv, runs.csv, report.html with figures) and
# consistent (results.csv has the rows the summaries announce).
# Usage: suites_test.sh SATURN TASKS_YAML
set -euo pipefail
SATURN=$1 TASKS=$2
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

check() {  # suite, then saturn run arguments
  local suite=$1; shift
  local dir="$OUT/$suite"
  "$SATURN" run "$TASKS" --suite "$suite" --out "$dir" -q "$@"
  local total complete rows expected
  total=$("$SATURN" run "$TASKS" --suite "$suite" --out "$dir" --list "$@" | wc -l)
  complete=$(find "$dir" -name summary.json | wc -l)
  [[ $complete -eq $total ]] || { echo "$suite: $complete of $total runs complete"; exit 1; }
  for f in results.csv runs.csv report.html suite.json; do [[ -s "$dir/$f" ]] || { echo "$suite: no $f"; exit 1; }; done
  rows=$(($(wc -l < "$dir/results.csv") - 1))
  expected=$(cat $(find "$dir" -name summary.json) | grep -c '"mode":' || true)
  [[ $rows -eq $expected && $rows -gt 0 ]] || { echo "$suite: results.csv has $rows rows, summaries $expected"; exit 1; }
  [[ $(($(wc -l < "$dir/runs.csv") - 1)) -eq $total ]] || { echo "$suite: runs.csv rows != runs"; exit 1; }
  if "${SATURN_PYTHON:-/usr/bin/python3}" -c "import matplotlib" 2>/dev/null; then
    grep -q "data:image/png;base64" "$dir/report.html" || { echo "$suite: report without figures"; exit 1; }
  fi
  echo "$suite: $total runs, $rows result rows"
}

check quick --set training.steps=40
check capacity --set training.steps=20 --set train.size=100 --set test.size=40 --set analysis.verify_budget=300
check norm_growth --set training.steps=120 --set train.size=100 --set test.size=40 --set analysis.saturation_every=40 \
  --set analysis.saturation_strings=20
check scan_snap_ci
check grokking_ci
check saturation_training_ci
