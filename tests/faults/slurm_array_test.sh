#!/usr/bin/env bash
# docs/harness.md's sbatch array script, run as Slurm would run it: once per array id 0..N-1 with
# SLURM_ARRAY_TASK_ID and SLURM_CPUS_PER_TASK set and its output in one log per id, then the
# worked example's --report-only. The merged results.csv and runs.csv must equal a one-process run
# of the same suite byte for byte; every log must name its shard and hold no '\r'. The suite is
# the scaled-down copy of tasks.yaml (shorten_tasks.py) and /shared is a temporary folder.
# Usage: slurm_array_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
BUILD=$(cd "$1" && pwd) SRC=$(cd "$2" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
cd "$T"
ln -s "$BUILD" build
/usr/bin/python3 "$SRC/tests/faults/shorten_tasks.py" "$SRC/tasks.yaml" tasks.yaml || { echo "FAIL: shorten_tasks.py"; exit 1; }
# The script: the ```bash block after the "### Slurm" heading.
awk '/^### Slurm/ { s = 1 } s && /^```bash/ { b = 1; next } b && /^```/ { exit } b { print }' "$SRC/docs/harness.md" \
  | sed "s#/shared/#$T/shared/#g" > snap.sbatch
grep -q -- '--shard' snap.sbatch || { echo "FAIL: no sbatch script found in docs/harness.md"; cat snap.sbatch; exit 1; }
array=$(sed -n 's/^#SBATCH --array=\([0-9]*\)-\([0-9]*\).*/\1 \2/p' snap.sbatch)
read -r first last <<< "$array"
[[ $first == 0 ]] || { echo "FAIL: the array must start at 0 (got '$array')"; exit 1; }
mkdir -p logs
for i in $(seq "$first" "$last"); do
  SLURM_ARRAY_JOB_ID=42 SLURM_ARRAY_TASK_ID=$i SLURM_CPUS_PER_TASK=1 bash snap.sbatch > "logs/snap_42_$i.log" 2>&1 ||
    { echo "FAIL: array task $i exited $?"; tail -n 3 "logs/snap_42_$i.log"; fail=1; }
  grep -q "shard $i/$((last + 1)) " "logs/snap_42_$i.log" || { echo "FAIL: log $i does not name shard $i/$((last + 1))"; fail=1; }
  ! grep -q $'\r' "logs/snap_42_$i.log" || { echo "FAIL: log $i holds '\\r'"; fail=1; }
done
out=$(sed -n 's/.*--out \([^ ]*\).*/\1/p' snap.sbatch)
suite=$(sed -n 's/.*--suite \([^ ]*\).*/\1/p' snap.sbatch)
build/saturn run tasks.yaml --suite "$suite" --out "$out" --report-only > report.log 2>&1 ||
  { echo "FAIL: --report-only"; cat report.log; fail=1; }
build/saturn run tasks.yaml --suite "$suite" --out one -j 1 -q > one.log 2>&1 || { echo "FAIL: one-process run"; cat one.log; fail=1; }
for f in results.csv runs.csv; do
  cmp -s "one/$f" "$out/$f" && echo "ok: $f of $((last + 1)) array tasks == one process" ||
    { echo "FAIL: $f of the array differs from one process"; fail=1; }
done
exit $fail
