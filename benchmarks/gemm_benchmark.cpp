// The GEMM ceiling of one core (issue 13 goal 4): Eigen's float GEMM against OpenBLAS's
// (cblas_sgemm, one thread) on the products of the d=256 training config and on 1024^3.
// Shapes are the linear layer's: y (m, n) = x (m, k) W^T with m = 256 activation rows (the
// kGrainRows task of transformer/layers/linear.cpp), k = d = 256, n = 3d (q|k|v), 4d (fc1), d (o);
// and fc2 with k = 4d. OpenBLAS picks its kernels at load time (the "core" label; on the AMD EPYC
// development VM Debian's 0.3.21 picks Cooperlake, AVX-512, by itself; OPENBLAS_CORETYPE=SkylakeX,
// which benchmarks/workloads.sh sets as for tuned PyTorch, gives the same speed there).
// Run: build/benchmarks/gemm_benchmark
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <Eigen/Dense>

namespace {

using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void counters(benchmark::State& state, long m, long n, long k) {
  state.counters["GFLOPs"] =
      benchmark::Counter(2.0 * static_cast<double>(m * n * k) * static_cast<double>(state.iterations()) * 1e-9,
                         benchmark::Counter::kIsRate);
}

// Args: m, n, k. y = x W^T as in linear_forward.
void BM_GemmEigen(benchmark::State& state) {
  const long m = state.range(0), n = state.range(1), k = state.range(2);
  const M x = M::Random(m, k), w = M::Random(n, k);
  M y(m, n);
  for (auto _ : state) {
    y.noalias() = x * w.transpose();
    benchmark::DoNotOptimize(y.data());
  }
  counters(state, m, n, k);
}

void BM_GemmOpenBlas(benchmark::State& state) {
  openblas_set_num_threads(1);
  const long m = state.range(0), n = state.range(1), k = state.range(2);
  const M x = M::Random(m, k), w = M::Random(n, k);
  M y(m, n);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f,
                x.data(), static_cast<int>(k), w.data(), static_cast<int>(k), 0.0f, y.data(), static_cast<int>(n));
    benchmark::DoNotOptimize(y.data());
  }
  counters(state, m, n, k);
  state.SetLabel(std::string("core=") + openblas_get_corename());
}

#define GEMM_SHAPES Args({256, 96, 32})->Args({256, 32, 128})->Args({96, 32, 256})->Args({256, 192, 64})->Args({256, 768, 256})->Args({256, 1024, 256})->Args({256, 256, 1024})->Args({256, 256, 256})->Args({1024, 1024, 1024})
BENCHMARK(BM_GemmEigen)->ArgNames({"m", "n", "k"})->GEMM_SHAPES->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GemmOpenBlas)->ArgNames({"m", "n", "k"})->GEMM_SHAPES->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
