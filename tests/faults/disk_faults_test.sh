#!/usr/bin/env bash
# A full and a read-only output folder: `saturn train` and `saturn run` end with exit 1 and one
# "error:" line naming the file and the reason, and everything that was there before (checkpoints,
# models, results) is byte for byte as it was, with no temporaries left; once space is freed the
# run resumes to the bytes of an uninterrupted run. The file systems are a small tmpfs and a
# read-only bind mount in a private mount namespace (unshare -m): where that is not allowed (not
# root, no user namespaces) the test says so and is skipped (exit 77, ctest SKIP_RETURN_CODE).
# Usage: disk_faults_test.sh SATURN
set -uo pipefail
SATURN=$1
if [[ ${2:-} != --inside ]]; then
  if ! unshare -m --propagation private true 2> /dev/null; then
    echo "SKIP: cannot create a mount namespace here (unshare -m needs root or user namespaces)"; exit 77
  fi
  exec unshare -m --propagation private bash "$0" "$SATURN" --inside
fi
T=$(mktemp -d)
trap 'umount -l "$T/ro" "$T/small" 2> /dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/small" "$T/rw" "$T/ro"
if ! mount -t tmpfs -o size=4m tmpfs "$T/small" 2> /dev/null; then
  echo "SKIP: cannot mount a tmpfs (not root?)"; exit 77
fi
fail=0

cat > "$T/t.yaml" <<'YAML'
tasks:
  k:
    language: parity
    train: {lengths: 1..12, size: 200}
    test: {bins: [13..16], size: 40}
    model: {d_model: 16, n_heads: 2, d_ff: 16}
    training: {steps: 40, batch_size: 8, checkpoint_every: 3, log_every: 2}
    analysis: {modes: [softmax, saturated], verify_length: 4, heads: false}
suites:
  s: [k]
YAML
sums() { (cd "$1" && find . -type f ! -name filler | sort | xargs -r sha256sum); }
one_error_line() {  # stderr-file label reason-regex: exactly one "error:" line, the last, with the reason
  local n
  n=$(grep -c '^error: ' "$1")
  if [[ $n -ne 1 ]] || ! tail -n 1 "$1" | grep -Eq "^error: .*($3)"; then
    echo "FAIL: $2: expected one last line 'error: ... $3'"; cat "$1"; fail=1
  else
    echo "   $(tail -n 1 "$1" | sed "s#$T#T#g")"
  fi
}
expect() {  # code label command...
  local want=$1 what=$2; shift 2
  "$@" > "$T/stdout" 2> "$T/stderr"
  local got=$?
  [[ $got -eq $want ]] && echo "ok: $what (exit $got)" || { echo "FAIL: $what: exit $got, expected $want"; cat "$T/stderr"; fail=1; }
}
fill() {  # folder free-bytes: fill the tmpfs until about free-bytes are left
  rm -f "$1/filler"
  dd if=/dev/zero of="$1/filler" bs=4k 2> /dev/null
  local avail
  avail=$(df --output=avail -B1 "$1" | tail -n 1)
  truncate -s $(( $(stat -c %s "$1/filler") + avail - $2 )) "$1/filler"
}

"$SATURN" train --task k --tasks "$T/t.yaml" --out "$T/ref" -j 1 > /dev/null 2>&1 || { echo "FAIL: reference run"; exit 1; }

# 1. train on a disk that fills up: killed at step 20 (checkpoint of step 18 in place), then
# resumed with room for metrics but not for a checkpoint.
RUN=$T/small/run
SATURN_KILL_AT=train.step:20 "$SATURN" train --task k --tasks "$T/t.yaml" --out "$RUN" -j 1 > /dev/null 2>&1
before=$(sums "$RUN/checkpoint")
fill "$T/small" 16384
expect 1 "train, disk full at a checkpoint" "$SATURN" train --task k --tasks "$T/t.yaml" --out "$RUN" -j 1
one_error_line "$T/stderr" "train on a full disk" "No space left on device"
[[ $(sums "$RUN/checkpoint") == "$before" ]] || { echo "FAIL: the checkpoint changed on a full disk"; fail=1; }
[[ -z $(find "$T/small" -name '*.tmp*' -type f) ]] || { echo "FAIL: temporaries left: $(find "$T/small" -name '*.tmp*')"; fail=1; }
fill "$T/small" 0
expect 1 "train, disk completely full" "$SATURN" train --task k --tasks "$T/t.yaml" --out "$RUN" -j 1
one_error_line "$T/stderr" "train on a completely full disk" "No space left on device"
[[ $(sums "$RUN/checkpoint") == "$before" ]] || { echo "FAIL: the checkpoint changed on a completely full disk"; fail=1; }
rm -f "$T/small/filler"
expect 0 "train resumed once there is room" "$SATURN" train --task k --tasks "$T/t.yaml" --out "$RUN" -j 1
cmp -s "$T/ref/model/model.safetensors" "$RUN/model/model.safetensors" ||
  { echo "FAIL: the run resumed after a full disk differs from an uninterrupted one"; fail=1; }

# 2. a finished suite, rerun on a full disk: its results, runs.csv and report stay as they were.
SUITE=$T/small/suite
expect 0 "suite on a tmpfs" "$SATURN" run "$T/t.yaml" --suite s --out "$SUITE" -j 1 --quiet
before=$(sums "$SUITE")
fill "$T/small" 0
expect 1 "suite rerun on a full disk" "$SATURN" run "$T/t.yaml" --suite s --out "$SUITE" -j 1 --quiet
one_error_line "$T/stderr" "suite rerun on a full disk" "No space left on device"
[[ $(sums "$SUITE") == "$before" ]] || { echo "FAIL: the suite's files changed on a full disk"; diff <(echo "$before") <(sums "$SUITE"); fail=1; }
rm -f "$T/small/filler"

# 3. a read-only bind mount over finished work.
cp -r "$T/ref" "$T/rw/run"
"$SATURN" run "$T/t.yaml" --suite s --out "$T/rw/suite" -j 1 --quiet > /dev/null 2>&1 || { echo "FAIL: suite"; fail=1; }
mount --bind "$T/rw" "$T/ro" && mount -o remount,bind,ro "$T/ro" || { echo "SKIP: cannot make a read-only bind mount"; exit 77; }
before=$(sums "$T/rw")
expect 1 "train into a read-only folder" "$SATURN" train --task k --tasks "$T/t.yaml" --out "$T/ro/new" -j 1
one_error_line "$T/stderr" "train into a read-only folder" "Read-only file system"
expect 1 "train rerun over a read-only run" "$SATURN" train --task k --tasks "$T/t.yaml" --out "$T/ro/run" -j 1
one_error_line "$T/stderr" "train rerun over a read-only run" "Read-only file system"
expect 1 "suite rerun in a read-only folder" "$SATURN" run "$T/t.yaml" --suite s --out "$T/ro/suite" -j 1 --quiet
one_error_line "$T/stderr" "suite rerun in a read-only folder" "Read-only file system"
[[ $(sums "$T/rw") == "$before" ]] || { echo "FAIL: files under the read-only mount changed"; fail=1; }

exit $fail
