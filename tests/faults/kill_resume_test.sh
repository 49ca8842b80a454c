#!/usr/bin/env bash
# Kill-anywhere resume: `saturn train` SIGKILLed at exact moments (SATURN_KILL_AT, core/fault_point.h:
# mid-interval, at a checkpoint step, half-way through an atomic file write, before its rename, and
# at each step of a checkpoint swap, twice in a row) and at random times, then rerun with the same
# command until it completes, ends with the bytes of an uninterrupted run: model/model.safetensors,
# the final checkpoint (weights, optimizer state, state.json) and metrics.jsonl (timings removed).
# After every kill a complete checkpoint must exist once the first one was written.
# Usage: kill_resume_test.sh SATURN [RANDOM_KILLS]
set -uo pipefail
SATURN=$1 RANDOM_KILLS=${2:-6}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0

cat > "$T/t.yaml" <<'YAML'
tasks:
  k:
    language: parity
    train: {lengths: 1..12, size: 200}
    test: {bins: [13..16], size: 40}
    model: {d_model: 16, n_heads: 2, d_ff: 16}
    optimizer: {kind: adamw, lr: 0.003}
    training: {steps: 40, batch_size: 8, checkpoint_every: 3, log_every: 2, eval_every: 10, schedule: cosine, warmup: 5}
YAML

train() {  # out-dir [extra args...]; exit code in $?
  local out=$1; shift
  "$SATURN" train --task k --tasks "$T/t.yaml" --out "$out" "$@" > "$out.stdout" 2> "$out.stderr"
}
# Everything that must not depend on interruptions: weights, optimizer state, step counters,
# metrics without their timings, and the printed evaluation.
same_as_reference() {  # out-dir label
  local out=$1 what=$2 f
  for f in model/model.safetensors model/config.json checkpoint/model.safetensors checkpoint/optimizer.safetensors \
           checkpoint/state.json; do
    cmp -s "$T/ref/$f" "$out/$f" || { echo "FAIL: $what: $f differs from the uninterrupted run"; fail=1; return; }
  done
  local strip='s/"examples_per_second":[^,}]*//g'
  cmp -s <(sed "$strip" "$T/ref/metrics.jsonl") <(sed "$strip" "$out/metrics.jsonl") ||
    { echo "FAIL: $what: metrics.jsonl differs"; diff <(sed "$strip" "$T/ref/metrics.jsonl") <(sed "$strip" "$out/metrics.jsonl") | head -5; fail=1; return; }
  cmp -s <(grep accuracy "$T/ref.stdout") <(grep accuracy "$out.stdout") ||
    { echo "FAIL: $what: the final evaluation differs"; fail=1; return; }
  [[ -z $(find "$out" -name '*.tmp*') ]] || { echo "FAIL: $what: temporary files left: $(find "$out" -name '*.tmp*')"; fail=1; return; }
  echo "ok: $what"
}
checkpoint_step() {  # out-dir -> the step of the checkpoint a resume would load (-1: none)
  local d
  for d in "$1/checkpoint" "$1/checkpoint.old"; do
    if [[ -f $d/state.json && -f $d/model.safetensors && -f $d/optimizer.safetensors && -f $d/config.json ]]; then
      sed -n 's/^ *"step": *\([0-9]*\),*$/\1/p' "$d/state.json"; return
    fi
  done
  echo -1
}

train "$T/ref" -j 1 || { echo "FAIL: the uninterrupted run failed"; cat "$T/ref.stderr"; exit 1; }
[[ $(checkpoint_step "$T/ref") == 40 ]] || { echo "FAIL: the reference has no final checkpoint at step 40"; exit 1; }

# Kills at named points: one or more kills (each must happen: exit 137), then a clean rerun.
n=0
kill_then_resume() {  # kill specs...
  local out="$T/kill$((n += 1))" spec got before=-1 now
  for spec in "$@"; do
    SATURN_KILL_AT=$spec train "$out" -j 2
    got=$?
    [[ $got -eq 137 ]] || { echo "FAIL: $*: SATURN_KILL_AT=$spec: exit $got, expected 137 (killed)"; cat "$out.stderr"; fail=1; return; }
    now=$(checkpoint_step "$out")
    (( now >= before )) || { echo "FAIL: $*: after the kill at $spec the checkpoint went back from step $before to $now"; fail=1; return; }
    before=$now
  done
  train "$out" -j 2 || { echo "FAIL: $*: the resumed run failed"; cat "$out.stderr"; fail=1; return; }
  same_as_reference "$out" "killed at $*, resumed (checkpoint at step $before)"
}
kill_then_resume train.step:1                 # before any checkpoint
kill_then_resume train.step:7                 # between checkpoints (6 and 9)
kill_then_resume train.step:9                 # at a checkpoint step, before the checkpoint
kill_then_resume checkpoint.written:3         # new checkpoint complete in checkpoint.tmp
kill_then_resume checkpoint.moved_old:3       # old one moved aside, new one not yet in place
kill_then_resume checkpoint.swapped:3         # new one in place, old one not yet removed
kill_then_resume checkpoint.swapped:14        # the final checkpoint in place, model/ not written
# Twice between the two renames: the second run resumes from checkpoint.old and must keep it
# until its own checkpoint is in place.
kill_then_resume checkpoint.moved_old:3 checkpoint.moved_old:1 checkpoint.written:1
for k in 2 5 9 12 20 31; do                  # half-way through the k-th atomic write of the run
  kill_then_resume write_file_atomic.half:$k
  kill_then_resume write_file_atomic.before_rename:$k
done
# A kill spec that is never reached must not kill (the point exists only where named).
SATURN_KILL_AT=no.such.point train "$T/unarmed" -j 1 && same_as_reference "$T/unarmed" "unknown kill point: no kill" ||
  { echo "FAIL: SATURN_KILL_AT=no.such.point changed the run"; fail=1; }

# Random moments: checkpoints after every step, SIGKILL after a random delay, rerun until done.
for r in $(seq 1 "$RANDOM_KILLS"); do
  out="$T/random$r" kills=0 done=0
  for attempt in $(seq 1 40); do
    "$SATURN" train --task k --tasks "$T/t.yaml" --out "$out" -j 2 --set training.checkpoint_every=1 \
      > "$out.stdout" 2> "$out.stderr" &
    pid=$!
    sleep "0.$(printf '%03d' $((RANDOM % 1000)))"
    if kill -KILL "$pid" 2> /dev/null; then kills=$((kills + 1)); fi
    wait "$pid"
    [[ $? -eq 0 ]] && { done=1; break; }
  done
  [[ $done == 1 ]] || { echo "FAIL: random run $r did not complete in 40 attempts"; fail=1; continue; }
  # checkpoint_every changes when checkpoints happen, not the numbers: compare with the reference.
  same_as_reference "$out" "random run $r: $kills SIGKILLs at random times"
done

exit $fail
