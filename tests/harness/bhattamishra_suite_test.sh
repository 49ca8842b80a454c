#!/usr/bin/env bash
# The bhattamishra2020_ci suite (a seconds-long copy of bhattamishra2020) end to end through the
# CLI: every run completes; results.csv holds softmax, saturated and hard rows for the train split
# and both bins of every run; runs.csv the best pass per mode and bin; each run folder an
# epochs.jsonl with one line per pass, and a model whose config has the convention's outputs and
# the MSE loss.
# Usage: bhattamishra_suite_test.sh SATURN TASKS_YAML
set -euo pipefail
SATURN=$1 TASKS=$2
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
fail() { echo "bhattamishra2020_ci: $*"; exit 1; }

"$SATURN" run "$TASKS" --suite bhattamishra2020_ci --out "$OUT" -q
[[ $(find "$OUT" -name summary.json | wc -l) -eq 4 ]] || fail "not 4 complete runs"
rows=$(($(wc -l < "$OUT/results.csv") - 1))
[[ $rows -eq 36 ]] || fail "results.csv has $rows rows, not 4 runs x 3 modes x 3 splits"
for mode in softmax saturated hard; do
  [[ $(grep -c ",$mode," "$OUT/results.csv") -eq 12 ]] || fail "results.csv: not 12 $mode rows"
done
header=$(head -1 "$OUT/runs.csv")
for col in best_softmax_test_2..12 best_epoch_softmax_test_2..12 best_saturated_test_13..20 best_hard_test_14..20 \
           best_softmax_train; do
  [[ ",$header," == *",$col,"* ]] || fail "runs.csv has no column $col"
done
declare -A passes=([bh_ci_dyck1]=1 [bh_ci_anbn]=1 [bh_ci_tomita3]=2 [bh_ci_parity]=1)
declare -A outputs=([bh_ci_dyck1]=2 [bh_ci_anbn]=3 [bh_ci_tomita3]=2 [bh_ci_parity]=2)
for task in "${!passes[@]}"; do
  dir=$(dirname "$(find "$OUT" -path "*$task*" -name summary.json | head -1)")
  [[ -s "$dir/epochs.jsonl" ]] || fail "$task: no epochs.jsonl"
  [[ $(wc -l < "$dir/epochs.jsonl") -eq ${passes[$task]} ]] || fail "$task: epochs.jsonl lines != ${passes[$task]}"
  grep -Eq "\"n_outputs\": *${outputs[$task]}(,|$)" "$dir/model/config.json" || fail "$task: n_outputs != ${outputs[$task]}"
  grep -q '"loss": *"mse"' "$dir/model/config.json" || fail "$task: model not trained with the MSE loss"
done
echo "bhattamishra2020_ci: 4 runs, $rows result rows"
