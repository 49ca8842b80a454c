#!/usr/bin/env bash
# Saturn vs tuned PyTorch on the workloads of issue 13, in one run (about 5 minutes on a quiet
# 2-core machine): the core's measured FMA ceiling and float GEMM peak (Eigen and OpenBLAS), the four
# benchmark configs, the grokking step, the scan-and-snap transformer step, and the verifier figure.
# Every row gives wall seconds and CPU seconds (user + system, all threads) per step, at 1 and 2
# threads. "Tuned PyTorch" = Debian's python3-torch with OpenBLAS (OpenMP build, AVX-512 kernels
# forced by OPENBLAS_CORETYPE=SkylakeX) and tcmalloc preloaded, torch.set_num_threads = threads.
# Usage: bash benchmarks/workloads.sh [build-dir]    (needs the build's train_benchmark,
#        workload_benchmark, verifier_benchmark and gemm_benchmark, and python3-torch)
# The table this printed is recorded in docs/performance.md.
set -euo pipefail
BUILD=$(realpath "${1:-build}")
cd "$(dirname "$0")/.."
bin() {
  for p in "$BUILD/benchmarks/$1" "$BUILD/$1"; do
    if [[ -x $p ]]; then echo "$p"; return; fi
  done
  echo "workloads.sh: $1 not found in $BUILD (cmake --build $BUILD --target $1)" >&2
  exit 2
}
TRAIN=$(bin train_benchmark); WORK=$(bin workload_benchmark); VERIFY=$(bin verifier_benchmark); GEMM=$(bin gemm_benchmark)
LIB=/usr/lib/x86_64-linux-gnu
TCMALLOC=$(ls $LIB/libtcmalloc_minimal.so.4* 2>/dev/null | head -1 || true)
tuned() {  # tuned THREADS script args...
  local t=$1; shift
  LD_LIBRARY_PATH=$LIB/openblas-openmp OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t \
    LD_PRELOAD="$TCMALLOC" /usr/bin/python3 "$@"
}
OUT=$(mktemp -d)
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw results: $OUT" >&2

OPENBLAS_CORETYPE=SkylakeX "$GEMM" --benchmark_format=json > "$OUT/gemm.json" 2>/dev/null
"$TRAIN" --benchmark_filter='BM_TrainStep' --benchmark_format=json > "$OUT/train.json" 2>/dev/null
"$WORK" --benchmark_filter='BM_GrokkingStep/threads:[12]/ln:1|BM_ScanSnap' --benchmark_format=json > "$OUT/work.json" 2>/dev/null
for t in 1 2; do
  tuned $t benchmarks/torch_speed.py $t 3 > "$OUT/torch_$t.txt"
  tuned $t benchmarks/torch_grokking.py $t 10 > "$OUT/grok_$t.txt"
  tuned $t benchmarks/torch_scan_snap.py $t 5 > "$OUT/scan_$t.txt"
done
"$VERIFY" --benchmark_filter='BM_VerifyBinary/maxlen:(20/causal:1/threads:2|24)/' --benchmark_format=json \
  > "$OUT/verify.json" 2>/dev/null || echo "verifier_benchmark failed" >&2

/usr/bin/python3 - "$OUT" <<'PY'
import json, os, re, sys
out = sys.argv[1]
UNIT = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
def bench(name):  # {name prefix up to /min_time or /real_time: record}
    r = {}
    for b in json.load(open(f"{out}/{name}.json"))["benchmarks"]:
        if b.get("run_type") != "aggregate":
            r[re.sub(r"/(min_time|real_time).*", "", b["name"])] = b
    return r
def secs(b):
    return b["real_time"] * UNIT[b["time_unit"]]
def kv(path):  # the key=value pairs of a PyTorch script's result line
    for line in open(path):
        if line.startswith(("grokking", "scan_snap")):
            return dict(re.findall(r"(\w+)=([\w.]+)", line))

gemm = bench("gemm")
fma = {k: gemm[f"BM_FmaPeak{k}"]["GFLOPs"] for k in ("Float", "Double") if f"BM_FmaPeak{k}" in gemm}
if fma:
    print(f"\nmeasured FMA ceiling of one core (gemm_benchmark BM_FmaPeak*): float {fma['Float']:.1f}, "
          f"double {fma['Double']:.1f} GFLOP/s")
def g(kind, shape):
    b = gemm[f"BM_Gemm{kind}/m:{shape[0]}/n:{shape[1]}/k:{shape[2]}"]
    return b["GFLOPs"], b.get("label", "")
print("\nsingle-core float32 GEMM y = x W^T, GFLOP/s:  Eigen | OpenBLAS (one thread)")
for shape in [(1024, 1024, 1024), (256, 768, 256), (256, 1024, 256), (256, 256, 1024)]:
    (e, _), (o, label) = g("Eigen", shape), g("OpenBlas", shape)
    print(f"  m x n x k = {'x'.join(map(str, shape)):<16} {e:7.1f} | {o:7.1f}   OpenBLAS {label}")

print("\nstep (s/step: wall, cpu = user+sys)     thr   saturn wall (cpu)      torch wall (cpu)       x torch wall   x torch cpu")
def row(name, t, s_wall, s_cpu, p_wall, p_cpu=None):
    pc = f"{p_cpu:8.4f}" if p_cpu is not None else "    -   "
    ratio = f"{p_cpu / s_cpu:8.2f}" if p_cpu is not None else "       -"
    print(f"{name:<38} {t:>3}  {s_wall:8.4f} ({s_cpu:7.4f})   {p_wall:8.4f} ({pc})   {p_wall / s_wall:8.2f}      {ratio}")

train = bench("train")
names = ["d=32 L=1 H=2 len<=32 B=32", "d=64 L=2 H=4 len<=64 B=32", "d=128 L=4 H=4 len<=128 B=64", "d=256 L=4 H=8 len<=256 B=32"]
batch = [32, 32, 64, 32]
for t in (1, 2):
    torch = {}
    for line in open(f"{out}/torch_{t}.txt"):
        m = re.match(r"config=(\d) threads=\d examples_per_s=([\d.]+)", line)
        if m:
            torch[int(m[1])] = float(m[2])
    for c in range(4):
        b = train[f"BM_TrainStep/config:{c}/threads:{t}"]
        row(names[c], t, secs(b), b["cpu_s_per_step"], batch[c] / torch[c])  # torch_speed.py reports wall time only
work = bench("work")
for t in (1, 2):
    b, p = work[f"BM_GrokkingStep/threads:{t}/ln:1"], kv(f"{out}/grok_{t}.txt")
    row("grokking (M+A*, 3831 strings x 3)", t, secs(b), b["cpu_s_per_step"], float(p["seconds_per_step"]),
        float(p["cpu_seconds_per_step"]))
for t in (1, 2):
    b, p = work[f"BM_ScanSnapTransformerStep/threads:{t}"], kv(f"{out}/scan_{t}.txt")
    row("scan-and-snap transformer (128 x 128)", t, secs(b), b["cpu_s_per_step"], float(p["seconds_per_step"]),
        float(p["cpu_seconds_per_step"]))
b = work["BM_ScanSnapReparamStep"]
print(f"{'scan-and-snap reparam (M=240, B=128)':<38} {1:>3}  {secs(b):8.4f} ({b['cpu_s_per_step']:7.4f})   (no PyTorch counterpart)")

gf = train["BM_TrainStep/config:3/threads:1"]["GFLOPs"]
peak_o, peak_e = g("OpenBlas", (1024, 1024, 1024))[0], g("Eigen", (1024, 1024, 1024))[0]
ceiling = f"{100 * gf / fma['Float']:.0f}% of the core's measured float FMA ceiling, " if fma else ""
print(f"\nd=256, 1 thread: {gf:.1f} GFLOP/s of useful work = {ceiling}{100 * gf / peak_o:.0f}% of OpenBLAS's "
      f"1024^3 GEMM, {100 * gf / peak_e:.0f}% of Eigen's")

if os.path.getsize(f"{out}/verify.json") > 0:
    print("\nverifier (benchmarks/verifier_benchmark.cpp: every binary string up to the length, 2-layer d=64 model):")
    for name, b in bench("verify").items():
        extra = "".join(f" {k} {b[k]:.3g}" for k in ("cpu_s", "strings") if k in b)
        print(f"  {name:<60} {secs(b):8.2f} s wall{extra}")
PY
