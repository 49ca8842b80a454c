#!/usr/bin/env bash
# Saturn vs PyTorch training throughput on the four configs, at 1 and 2 threads.
# PyTorch is measured twice: as Debian installs it, and at its best on this machine (OpenBLAS
# with its AVX-512 kernels forced by OPENBLAS_CORETYPE=SkylakeX, tcmalloc preloaded).
# Note: Saturn packs strings without padding and computes the classifier's last layer at the BOS
# position only (ForwardScope::loss); PyTorch pads each batch to its longest string.
# Usage: bash benchmarks/compare_torch.sh [build-dir]   (needs python3-torch; installs the
# OpenBLAS and tcmalloc packages when run as root)
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
if [[ $(id -u) -eq 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-openmp libtcmalloc-minimal4 >/dev/null
fi
TCMALLOC=$(ls /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4* 2>/dev/null | head -1 || true)
OUT=$(mktemp -d)
"$BUILD/train_benchmark" --benchmark_filter='BM_TrainStep|BM_GemmPeak' --benchmark_format=json > "$OUT/saturn.json" 2>/dev/null \
  || "$BUILD/benchmarks/train_benchmark" --benchmark_filter='BM_TrainStep|BM_GemmPeak' --benchmark_format=json > "$OUT/saturn.json"
# Installing OpenBLAS switches the libblas.so.3 alternative system-wide, so each run names its BLAS:
# "as installed" = Debian's reference BLAS/LAPACK (what python3-torch gets without OpenBLAS),
# "tuned" = OpenBLAS (OpenMP build) with its AVX-512 kernels forced, tcmalloc preloaded.
LIB=/usr/lib/x86_64-linux-gnu
for threads in 1 2; do
  LD_LIBRARY_PATH=$LIB/blas:$LIB/lapack OMP_NUM_THREADS=$threads \
    /usr/bin/python3 benchmarks/torch_speed.py "$threads" > "$OUT/torch_default_$threads.txt"
  LD_LIBRARY_PATH=$LIB/openblas-openmp OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads \
    LD_PRELOAD="$TCMALLOC" /usr/bin/python3 benchmarks/torch_speed.py "$threads" > "$OUT/torch_tuned_$threads.txt"
done
grep -h "^blas=" "$OUT"/torch_*_1.txt | sed 's/^/torch /'

/usr/bin/python3 - "$OUT" <<'PY'
import json, re, sys
out = sys.argv[1]
s = json.load(open(f"{out}/saturn.json"))
saturn, peak = {}, None
for b in s["benchmarks"]:
    m = re.match(r"BM_TrainStep/config:(\d)/threads:(\d)", b["name"])
    if m:
        saturn[(int(m[1]), int(m[2]))] = (b["items_per_second"], b["GFLOPs"])
    if b["name"].startswith("BM_GemmPeak/1024"):
        peak = b["GFLOPs"]
def torch(kind, t):
    r = {}
    for line in open(f"{out}/torch_{kind}_{t}.txt"):
        if line.startswith("blas="):
            continue
        m = re.match(r"config=(\d) threads=(\d) examples_per_s=([\d.]+)", line)
        r[int(m[1])] = float(m[3])
    return r
names = ["d=32 L=1 H=2 len<=32 B=32", "d=64 L=2 H=4 len<=64 B=32", "d=128 L=4 H=4 len<=128 B=64", "d=256 L=4 H=8 len<=256 B=32"]
print("Saturn packs strings (no padding) and runs the classifier's last layer at the BOS position only; PyTorch pads to the longest string of each batch and computes every position.")
print(f"single-core float32 GEMM peak (Eigen, 1024^3): {peak:.1f} GFLOP/s")
print(f"{'config':<30} {'thr':>3} {'saturn ex/s':>12} {'GFLOP/s':>8} {'torch ex/s':>11} {'tuned ex/s':>11} {'x torch':>8} {'x tuned':>8}")
for t in (1, 2):
    d, tu = torch("default", t), torch("tuned", t)
    for c in range(4):
        rate, gf = saturn[(c, t)]
        print(f"{names[c]:<30} {t:>3} {rate:>12.1f} {gf:>8.1f} {d[c]:>11.1f} {tu[c]:>11.1f} {rate/d[c]:>8.2f} {rate/tu[c]:>8.2f}")
rate, gf = saturn[(3, 1)]
print(f"d=256, 1 thread: {gf:.1f} GFLOP/s = {100*gf/peak:.0f}% of the GEMM peak")
PY
