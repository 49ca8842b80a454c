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
# Attention modes: a bad saturated:TOL or an unknown mode is one line on stderr, exit 2.
MAJ="$SRC/saturated_transformer/constructions/majority"
for bad in saturated:-1 saturated:inf saturated:nan saturated:x hard_right:1 hard_middle; do
  expect 2 "verify --mode $bad" "$SATURN" verify --model "$MAJ" --language majority --max-length 4 --mode "$bad"
  [[ $(wc -l < "$OUT/stderr") -eq 1 ]] && grep -q "^error: .*mode '$bad'" "$OUT/stderr" ||
    { echo "FAIL: --mode $bad: expected one error line naming the mode"; cat "$OUT/stderr"; fail=1; }
done
expect 2 "saturate --modes with a bad TOL" "$SATURN" saturate --model "$MAJ" --task small --tasks "$OUT/t.yaml" \
  --modes softmax,saturated:-0.5

# --set applies to the tasks whose kind has the key; an unknown key names the command line.
cat > "$OUT/mixed.yaml" <<'YAML'
tasks:
  lang:
    language: anbn
    train: {lengths: 2..8, size: 40}
    test: {bins: [10..12], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
    training: {steps: 2, batch_size: 4}
  grok:
    kind: grokking
    data: {modulus: 7, train_fraction: 0.5}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
  snap:
    kind: scan_snap
    data: {num_last: 2, num_common: 4, num_unique_per_next: 4, seq_len: 16}
suites:
  mixed: [lang, grok, snap]
YAML
expect 0 "train --set model.* in a file with grokking tasks (README)" "$SATURN" train --task lang --tasks "$OUT/mixed.yaml" \
  --out "$OUT/lang" -j 1 --set model.causal=true --set model.readout=last
grep -q '"readout": "last"' "$OUT/lang/model/config.json" || { echo "FAIL: --set model.readout not applied"; fail=1; }
expect 0 "run --set optimizer.lr over mixed kinds" "$SATURN" run "$OUT/mixed.yaml" --suite mixed --set optimizer.lr=0.001 --list
expect 0 "run --set TASK.key" "$SATURN" run "$OUT/mixed.yaml" --suite mixed --set lang.optimizer.lr=0.01 --list
expect 2 "run --set of a key no task has" "$SATURN" run "$OUT/mixed.yaml" --suite mixed --set optimizer.nosuch=1 --list
[[ $(cat "$OUT/stderr") == "error: --set optimizer.nosuch: no task of suite 'mixed' has this key (kinds there: grokking, language, scan_snap)" ]] ||
  { echo "FAIL: unknown --set key message"; cat "$OUT/stderr"; fail=1; }
expect 2 "train --set of a bad value" "$SATURN" train --task lang --tasks "$OUT/mixed.yaml" --out "$OUT/never" --set model.d_model=0
grep -q "^error: --set model.d_model=0: field 'tasks.lang.model.d_model': must be positive$" "$OUT/stderr" ||
  { echo "FAIL: bad --set value message"; cat "$OUT/stderr"; fail=1; }
[[ ! -e "$OUT/never" ]] || { echo "FAIL: a bad --set created the output folder"; fail=1; }

# Progress: one line per update when stderr is not a terminal, rewritten in place ('\r') on one.
expect 0 "train: progress into a file" "$SATURN" train --task lang --tasks "$OUT/mixed.yaml" --out "$OUT/progress" -j 1 \
  --set training.steps=4 --set training.log_every=1
[[ $(grep -c '^step [1-4]/4 ' "$OUT/stderr") -eq 4 ]] && ! grep -q $'\r' "$OUT/stderr" ||
  { echo "FAIL: progress into a file should be 4 plain lines"; cat -A "$OUT/stderr"; fail=1; }
if command -v script > /dev/null; then  # util-linux: a pseudo-terminal
  script -qec "'$SATURN' train --task lang --tasks '$OUT/mixed.yaml' --out '$OUT/progress_tty' -j 1 --set training.steps=4 \
    --set training.log_every=1" /dev/null > "$OUT/tty" 2>&1
  grep -q $'\rstep 4/4 ' "$OUT/tty" || { echo "FAIL: progress on a terminal should use \\r"; cat -A "$OUT/tty"; fail=1; }
fi

# Model folders: config.json without `tokens` (the default a, b, ..., <bos>), corrupt or empty ones.
model_without_tokens() {  # construction, folder
  mkdir -p "$2" && cp "$SRC/saturated_transformer/constructions/$1/model.safetensors" "$2/" &&
    sed '/"tokens"/,/\],/d' "$SRC/saturated_transformer/constructions/$1/config.json" > "$2/config.json"
}
model_without_tokens anbn "$OUT/anbn_no_tokens"
grep -q tokens "$OUT/anbn_no_tokens/config.json" && { echo "FAIL: tokens not removed"; fail=1; }
printf 'ab\naab\n' > "$OUT/strings.txt"
expect 0 "eval: config.json without tokens" "$SATURN" eval --model "$OUT/anbn_no_tokens" --mode saturated -i "$OUT/strings.txt"
[[ $(grep -c '"accepted":true' "$OUT/stdout") -eq 1 && $(grep -c '"accepted":false' "$OUT/stdout") -eq 1 ]] ||
  { echo "FAIL: eval without tokens should accept ab and reject aab"; cat "$OUT/stdout"; fail=1; }
grep -q "default token list a, b, <bos>" "$OUT/stderr" || { echo "FAIL: no note on the default tokens"; fail=1; }
expect 0 "verify: config.json without tokens" "$SATURN" verify --model "$OUT/anbn_no_tokens" --language anbn --max-length 8
model_without_tokens dyck1 "$OUT/dyck1_no_tokens"
expect 2 "verify: default tokens are not the language's" "$SATURN" verify --model "$OUT/dyck1_no_tokens" --language dyck:k=1 --max-length 6
grep -q "dyck1_no_tokens/config.json: field 'tokens': token 0 is 'a' but symbol 0 of dyck:k=1 is '('" "$OUT/stderr" ||
  { echo "FAIL: alphabet mismatch message"; cat "$OUT/stderr"; fail=1; }
mkdir -p "$OUT/corrupt" && cp "$OUT/anbn_no_tokens/model.safetensors" "$OUT/corrupt/"
printf '{"vocab": 3, "d_model": ' > "$OUT/corrupt/config.json"
expect 2 "eval: corrupt config.json" "$SATURN" eval --model "$OUT/corrupt" -i "$OUT/strings.txt"
[[ $(wc -l < "$OUT/stderr") -eq 1 ]] && grep -q "corrupt/config.json: not valid JSON" "$OUT/stderr" ||
  { echo "FAIL: corrupt config.json message"; cat "$OUT/stderr"; fail=1; }
sed 's/"vocab": 3/"vocab": 5/' "$OUT/anbn_no_tokens/config.json" > "$OUT/corrupt/config.json"
expect 2 "verify: no default tokens fit" "$SATURN" verify --model "$OUT/corrupt" --language anbn
grep -q "corrupt/config.json: field 'tokens': missing, and the default" "$OUT/stderr" || { echo "FAIL: ambiguous tokens message"; cat "$OUT/stderr"; fail=1; }
sed 's/"vocab": 3,/"vocab": 3, "tokens": [],/' "$OUT/anbn_no_tokens/config.json" > "$OUT/corrupt/config.json"
expect 2 "eval: empty token list" "$SATURN" eval --model "$OUT/corrupt" -i "$OUT/strings.txt"
grep -q "corrupt/config.json: field 'tokens': empty" "$OUT/stderr" || { echo "FAIL: empty tokens message"; cat "$OUT/stderr"; fail=1; }

# Bounded resources: hostile inputs are one error line and exit 2, not a crash, a hang or gigabytes.
one_line() {  # description, pattern the single stderr line must match
  [[ $(wc -l < "$OUT/stderr") -eq 1 ]] && grep -q "$2" "$OUT/stderr" || { echo "FAIL: $1 message"; cat "$OUT/stderr" | cut -c1-300; fail=1; }
}
deep=$(printf '%*s' 30000 '' | tr ' ' '(')a$(printf '%*s' 30000 '' | tr ' ' ')')
expect 2 "regex nested 30000 deep" "$SATURN" count --language "regex:pattern=$deep" --length 3
one_line "regex nesting" "^error: regex '((((.*' (60001 characters): groups nested more than 1000 deep (the limit, kMaxRegexNesting)"
nots=$(printf 'not(%.0s' $(seq 25000))parity$(printf '%*s' 25000 '' | tr ' ' ')')
expect 2 "not(...) nested 25000 deep" "$SATURN" count --language "$nots" --length 3
one_line "spec nesting" "^error: language 'not(not(.*' (125006 characters): and/or/not nested more than 1000 deep (the limit, kMaxSpecNesting)$"
copies=$(printf '(a|b)%.0s' $(seq 18))
expect 2 "regex whose DFA passes the state budget" "$SATURN" count --language "regex:pattern=(a|b)*a$copies" --length 3
one_line "DFA state budget" "^error: regex '(a|b)\*a(a|b)(a|b).*': its DFA needs more than 100000 states (the budget; raise it with max_states=N"
expect 0 "regex within a raised budget" "$SATURN" count --language "regex:pattern=(a|b)*a(a|b)(a|b),max_states=16" --length 5
mkdir -p "$OUT/huge" && cp "$SRC/saturated_transformer/constructions/anbn/model.safetensors" "$OUT/huge/"
sed 's/"n_layers": [0-9]*/"n_layers": 100000/' "$SRC/saturated_transformer/constructions/anbn/config.json" > "$OUT/huge/config.json"
expect 2 "eval: config.json with n_layers 100000" "$SATURN" eval --model "$OUT/huge" -i "$OUT/strings.txt"
one_line "model sanity bound" "huge/config.json: model.n_layers: 100000 is above the sanity bound 1024 (ModelBounds)$"
expect 2 "verify: 2^41 strings, refused before starting" "$SATURN" verify --model "$MAJ" --language majority --max-length 40
one_line "verify budget" "^error: verify: every string up to length 40 over 2 symbols is 2199023255551 strings, above the budget of 100000000 (raise it with --max-strings N)$"
expect 2 "verify: 127 strings above --max-strings 126" "$SATURN" verify --model "$MAJ" --language majority --max-length 6 --max-strings 126
expect 0 "verify: 127 strings within --max-strings 127" "$SATURN" verify --model "$MAJ" --language majority --max-length 6 --max-strings 127
"$SATURN" verify --help | grep -q -- "--max-strings" || { echo "FAIL: verify --help does not document --max-strings"; fail=1; }

# YAML nested 100000 deep (tasks.yaml, a --set value, a DFA table): yaml-cpp's depth guard, one
# located line naming the nesting, not a stack overflow or its bare "bad file".
deep_yaml=$(printf '%*s' 100000 '' | tr ' ' '[')$(printf '%*s' 100000 '' | tr ' ' ']')
printf 'tasks:\n  x: %s\n' "$deep_yaml" > "$OUT/deep.yaml"
expect 2 "tasks.yaml nested 100000 deep" "$SATURN" run "$OUT/deep.yaml" --list
one_line "tasks.yaml nesting" "^error: .*deep.yaml:2:[0-9]*: YAML nested [0-9]* levels deep, deeper than the parser allows"
# (one argument holds at most 128 KiB: 20000 deep)
deep_arg=$(printf '%*s' 20000 '' | tr ' ' '[')$(printf '%*s' 20000 '' | tr ' ' ']')
expect 2 "--set value nested 20000 deep" "$SATURN" run "$OUT/t.yaml" --suite ok --list --set "training.steps=$deep_arg"
one_line "--set nesting" "^error: --set training.steps: the value is YAML nested [0-9]* levels deep"
printf 'alphabet: ab\nstart: q\ntransitions: %s\n' "$deep_yaml" > "$OUT/deep_dfa.yaml"
expect 2 "DFA table nested 100000 deep" "$SATURN" count --language "dfa:file=$OUT/deep_dfa.yaml" --length 3
one_line "DFA table nesting" "deep_dfa.yaml:3:[0-9]*: YAML nested [0-9]* levels deep, deeper than the parser allows"
printf 'alphabet: ab\nstart: q\ntransitions: %s\n' "$(printf '{a: %.0s' $(seq 100000))q$(printf '%*s' 100000 '' | tr ' ' '}')" \
  > "$OUT/deep_dfa2.yaml"
expect 2 "DFA table of mappings nested 100000 deep" "$SATURN" count --language "dfa:file=$OUT/deep_dfa2.yaml" --length 3
one_line "DFA table nesting (mappings)" "YAML nested [0-9]* levels deep"

# Lengths beyond what a language counts and samples in reasonable time (languages/language.h).
expect 2 "count at length 100000" "$SATURN" count --language dyck:k=2 --length 100000
one_line "count length" "^error: language 'dyck:k=2': length 100000 is beyond 2048, the longest length it counts and samples"
expect 2 "sample shuffle_dyck at length 4000" "$SATURN" sample --language shuffle_dyck:k=2 --length 4000 --count 1
one_line "sample length" "^error: language 'shuffle_dyck:k=2': length 4000 is beyond 512"
expect 2 "an empty language over lengths 1..100000" "$SATURN" count --language 'and(parity;not(parity))' --length 1..100000
one_line "empty language length" "length 2049 is beyond 2048"
expect 0 "count at the longest length" "$SATURN" count --language dyck:k=2 --length 2048
cat > "$OUT/long.yaml" <<'YAML'
tasks:
  long:
    language: dyck:k=1
    train: {lengths: 2..100000, size: 40}
    test: {bins: [10..12], size: 10}
  empty:
    language: and(parity;not(parity))
    train: {lengths: 1..100000, size: 40}
    test: {bins: [10..12], size: 10}
suites:
  long: [long]
  empty: [empty]
YAML
expect 2 "a task training on lengths up to 100000" "$SATURN" train --task long --tasks "$OUT/long.yaml" --out "$OUT/long" -j 1
grep -q "length 2049 is beyond 2048" "$OUT/stderr" || { echo "FAIL: no length message for train lengths 2..100000"; cat "$OUT/stderr"; fail=1; }
[[ ! -e "$OUT/long" ]] || { echo "FAIL: a refused task created its output folder"; fail=1; }

# 1: failures and negative results.
expect 1 "diverged train" "$SATURN" train --task boom --tasks "$OUT/t.yaml" --out "$OUT/boom" -j 1
grep -q "loss became" "$OUT/stderr" || { echo "FAIL: no divergence message"; fail=1; }
expect 1 "suite with a diverged run" "$SATURN" run "$OUT/t.yaml" --suite diverges --out "$OUT/div" -j 1 -q
[[ -f "$OUT/div/small/summary.json" && ! -f "$OUT/div/boom/summary.json" ]] ||
  { echo "FAIL: the other run should be complete and the diverged one not"; fail=1; }
expect 1 "verify: hard attention cannot count" "$SATURN" verify --model "$SRC/saturated_transformer/constructions/majority" \
  --language majority --max-length 6 --mode hard
grep -q "does NOT recognize" "$OUT/stdout" || { echo "FAIL: no negative verdict printed"; fail=1; }
# Majority's scores all tie: hard_right reads the last symbol (fails), saturated:TOL still counts.
expect 1 "verify: hard_right cannot count either" "$SATURN" verify --model "$MAJ" --language majority --max-length 6 \
  --mode hard_right
grep -q "in hard_right mode" "$OUT/stdout" || { echo "FAIL: hard_right not named"; fail=1; }
expect 0 "verify: majority in saturated:0.25" "$SATURN" verify --model "$MAJ" --language majority --max-length 6 \
  --mode saturated:0.25

# 0: success, and capacity reads what run wrote.
expect 0 "verify: the dyck1 construction" "$SATURN" verify --model "$SRC/saturated_transformer/constructions/dyck1" \
  --language dyck:k=1 --max-length 8
expect 0 "run" "$SATURN" run "$OUT/t.yaml" --suite ok --out "$OUT/ok" -j 1 -q
cp "$OUT/ok/small/summary.json" "$OUT/summary.before"
expect 0 "capacity" "$SATURN" capacity --tasks "$OUT/t.yaml" --suite ok --out "$OUT/ok"
cmp -s "$OUT/summary.before" "$OUT/ok/small/summary.json" || { echo "FAIL: capacity changed the run"; fail=1; }
[[ $(wc -l < "$OUT/ok/capacity.csv") -eq 7 ]] || { echo "FAIL: capacity.csv should have 3 modes x 2 bins + header"; fail=1; }
exit $fail
