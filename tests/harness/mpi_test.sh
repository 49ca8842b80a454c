#!/usr/bin/env bash
# The MPI build (-DSATURN_MPI=ON): `mpirun -n 3 saturn run` gives the same results.csv and runs.csv
# as one process. Usage: mpi_test.sh SATURN MPIEXEC TASKS_YAML
set -euo pipefail
SATURN=$1 MPIEXEC=$2 TASKS=$3
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
ARGS=(run "$TASKS" --suite quick --set training.steps=30 -q -j 1)
"$SATURN" "${ARGS[@]}" --out "$OUT/one" >/dev/null
MPI_FLAGS=(-n 3 --oversubscribe)
[[ $(id -u) -eq 0 ]] && MPI_FLAGS+=(--allow-run-as-root)
"$MPIEXEC" "${MPI_FLAGS[@]}" "$SATURN" "${ARGS[@]}" --out "$OUT/mpi" >/dev/null
cmp "$OUT/one/results.csv" "$OUT/mpi/results.csv"
cmp "$OUT/one/runs.csv" "$OUT/mpi/runs.csv"
echo "mpirun -n 3: results.csv and runs.csv identical to one process"
