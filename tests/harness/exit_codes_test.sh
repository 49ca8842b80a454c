#!/usr/bin/env bash
# The CLI's exit codes as README and docs/harness.md state them: 2 for bad input only (nothing
# runs), 1 for failures and for verify's negative result, 0 for success; and `saturn capacity`
# as a view over the run folders of `saturn run` (it trains nothing).
# Usage: exit_codes_test.sh SATURN SOURCE_DIR
set -uo pipefail
SATURN=$1 SRC=$2
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
fail=0

expect() {  # expected code, description, command...
  local want=$1 what=$2; shift 2
  "$@" > "$OUT/stdout" 2> "$OUT/stderr"
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL: $what: exit $got, expected $want"; cat "$OUT/stderr"; fail=1
  else
    echo "ok: $what (exit $got)"
  fi
}

cat > "$OUT/t.yaml" <<'YAML'
tasks:
  small:
    language: anbn
    train: {lengths: 2..8, size: 40}
    test: {bins: [10..12], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
    training: {steps: 4, batch_size: 4}
    analysis: {modes: [softmax, saturated, hard], verify_length: 4}
  boom:
    language: anbn
    train: {lengths: 2..8, size: 40}
    test: {bins: [10..12], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
    optimizer: {lr: 1.0e+30}
    training: {steps: 20, batch_size: 4}
suites:
  ok: [small]
  diverges: [small, boom]
YAML
printf 'tasks:\n  x: {language: anbn, train: {lengths: 9..3, size: 4}}\n' > "$OUT/bad.yaml"

# 2: bad input, nothing run.
expect 2 "unknown language" "$SATURN" count --language nope --length 3
expect 2 "malformed task file" "$SATURN" run "$OUT/bad.yaml" --suite x --out "$OUT/bad"
[[ ! -e "$OUT/bad" ]] || { echo "FAIL: a malformed task file created its output folder"; fail=1; }
grep -q "bad.yaml:2:.*9..3" "$OUT/stderr" || { echo "FAIL: no located message"; cat "$OUT/stderr"; fail=1; }
expect 2 "unknown option" "$SATURN" run "$OUT/t.yaml" --no-such-option
expect 2 "missing model folder" "$SATURN" verify --model "$OUT/nothing" --language anbn
expect 2 "capacity without runs" "$SATURN" capacity --tasks "$OUT/t.yaml" --suite ok --out "$OUT/none"

# 1: failures and negative results.
expect 1 "diverged train" "$SATURN" train --task boom --tasks "$OUT/t.yaml" --out "$OUT/boom" -j 1
grep -q "loss became" "$OUT/stderr" || { echo "FAIL: no divergence message"; fail=1; }
expect 1 "suite with a diverged run" "$SATURN" run "$OUT/t.yaml" --suite diverges --out "$OUT/div" -j 1 -q
[[ -f "$OUT/div/small/summary.json" && ! -f "$OUT/div/boom/summary.json" ]] ||
  { echo "FAIL: the other run should be complete and the diverged one not"; fail=1; }
expect 1 "verify: hard attention cannot count" "$SATURN" verify --model "$SRC/saturated_transformer/constructions/majority" \
  --language majority --max-length 6 --mode hard
grep -q "does NOT recognize" "$OUT/stdout" || { echo "FAIL: no negative verdict printed"; fail=1; }

# 0: success, and capacity reads what run wrote.
expect 0 "verify: the dyck1 construction" "$SATURN" verify --model "$SRC/saturated_transformer/constructions/dyck1" \
  --language dyck:k=1 --max-length 8
expect 0 "run" "$SATURN" run "$OUT/t.yaml" --suite ok --out "$OUT/ok" -j 1 -q
cp "$OUT/ok/small/summary.json" "$OUT/summary.before"
expect 0 "capacity" "$SATURN" capacity --tasks "$OUT/t.yaml" --suite ok --out "$OUT/ok"
cmp -s "$OUT/summary.before" "$OUT/ok/small/summary.json" || { echo "FAIL: capacity changed the run"; fail=1; }
[[ $(wc -l < "$OUT/ok/capacity.csv") -eq 7 ]] || { echo "FAIL: capacity.csv should have 3 modes x 2 bins + header"; fail=1; }
exit $fail
