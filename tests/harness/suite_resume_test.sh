#!/usr/bin/env bash
# SIGKILL a suite mid-run, restart it with the same command, and expect byte-identical results.csv
# (and runs.csv) to an uninterrupted run.
# Usage: suite_resume_test.sh SATURN TASKS_YAML [SUITE [SEEDS]]   (default: the quick suite; the
#        sanitizer builds pass a smaller one, saturation_training_ci with 3 seeds = 6 runs, since
#        the quick suite's analyses take minutes per run there)
set -euo pipefail
SATURN=$1 TASKS=$2 SUITE=${3:-quick} SEEDS=${4:-}
OUT=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill -9 $pid 2>/dev/null; rm -rf "$OUT"' EXIT
complete_runs() { find "$1" -name summary.json 2>/dev/null | wc -l || true; }
ARGS=(run "$TASKS" --suite "$SUITE" --set training.steps=60 -q -j 2)
[[ -n $SEEDS ]] && ARGS+=(--seeds "$SEEDS")

"$SATURN" "${ARGS[@]}" --out "$OUT/ref" >/dev/null

for kill_after in 1 4; do
  dir="$OUT/killed_$kill_after"
  "$SATURN" "${ARGS[@]}" --out "$dir" >/dev/null &
  pid=$!
  # Kill it once `kill_after` runs are complete (mid-way through the next one).
  for _ in $(seq 1 2000); do
    n=$(complete_runs "$dir")
    [[ $n -ge $kill_after ]] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.01
  done
  sleep 0.05
  kill -9 $pid 2>/dev/null || { echo "the suite ended before it could be killed"; exit 1; }
  wait $pid 2>/dev/null || true
  done_before=$(complete_runs "$dir")
  pid=
  total=$("$SATURN" "${ARGS[@]}" --out "$dir" --list | wc -l)
  [[ $done_before -lt $total ]] || { echo "killed too late ($done_before of $total runs complete)"; exit 1; }
  "$SATURN" "${ARGS[@]}" --out "$dir" >/dev/null
  cmp "$OUT/ref/results.csv" "$dir/results.csv"
  cmp "$OUT/ref/runs.csv" "$dir/runs.csv"
  echo "killed after $done_before of $total runs: results.csv identical after the restart"
done
