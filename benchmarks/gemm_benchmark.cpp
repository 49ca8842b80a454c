// The GEMM ceiling of one core (issue 13 goal 4): Eigen's float GEMM against OpenBLAS's
// (cblas_sgemm, one thread) on the products of the d=256 training config and on 1024^3.
// Shapes are the linear layer's: y (m, n) = x (m, k) W^T with m = 256 activation rows (the
// kGrainRows task of transformer/layers/linear.cpp), k = d = 256, n = 3d (q|k|v), 4d (fc1), d (o);
// and fc2 with k = 4d. OpenBLAS picks its kernels at load time (the "core" label; on the AMD EPYC
// development VM Debian's 0.3.21 picks Cooperlake, AVX-512, by itself; OPENBLAS_CORETYPE=SkylakeX,
// which benchmarks/workloads.sh sets as for tuned PyTorch, gives the same speed there).
// Also the core's measured FMA ceiling (BM_FmaPeak*), float and double.
// Run: build/benchmarks/gemm_benchmark
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <Eigen/Dense>
#include <immintrin.h>

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

// The core's measured FMA ceiling: independent chains of fused multiply-adds on registers (12
// accumulators hide the FMA latency), the widest vectors this build targets. This, not a
// datasheet figure, is what "% of the FMA ceiling" is taken against: the development VM's AMD EPYC
// retires two 256-bit FMAs a cycle whether the code asks for 256 or 512 bits.
template <class V, class S>
void fma_peak(benchmark::State& state, V (*set1)(S), V (*fmadd)(V, V, V), int lanes) {
  V acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = set1(static_cast<S>(0.001 * i));
  const V a = set1(static_cast<S>(0.9999)), b = set1(static_cast<S>(1e-4));
  constexpr long kInner = 1 << 16;
  for (auto _ : state) {
    for (long it = 0; it < kInner; ++it) {
#pragma GCC unroll 12
      for (int i = 0; i < 12; ++i) acc[i] = fmadd(acc[i], a, b);
    }
    for (auto& x : acc) benchmark::DoNotOptimize(x);
  }
  state.counters["GFLOPs"] = benchmark::Counter(2.0 * 12 * lanes * kInner * static_cast<double>(state.iterations()) * 1e-9,
                                                benchmark::Counter::kIsRate);
}
#if defined(__AVX512F__)
void BM_FmaPeakFloat(benchmark::State& state) { fma_peak<__m512, float>(state, _mm512_set1_ps, _mm512_fmadd_ps, 16); }
void BM_FmaPeakDouble(benchmark::State& state) { fma_peak<__m512d, double>(state, _mm512_set1_pd, _mm512_fmadd_pd, 8); }
BENCHMARK(BM_FmaPeakFloat)->UseRealTime();
BENCHMARK(BM_FmaPeakDouble)->UseRealTime();
#elif defined(__FMA__)
void BM_FmaPeakFloat(benchmark::State& state) { fma_peak<__m256, float>(state, _mm256_set1_ps, _mm256_fmadd_ps, 8); }
void BM_FmaPeakDouble(benchmark::State& state) { fma_peak<__m256d, double>(state, _mm256_set1_pd, _mm256_fmadd_pd, 4); }
BENCHMARK(BM_FmaPeakFloat)->UseRealTime();
BENCHMARK(BM_FmaPeakDouble)->UseRealTime();
#endif

#define GEMM_SHAPES Args({256, 96, 32})->Args({256, 32, 128})->Args({96, 32, 256})->Args({256, 192, 64})->Args({256, 768, 256})->Args({256, 1024, 256})->Args({256, 256, 1024})->Args({256, 256, 256})->Args({1024, 1024, 1024})
BENCHMARK(BM_GemmEigen)->ArgNames({"m", "n", "k"})->GEMM_SHAPES->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GemmOpenBlas)->ArgNames({"m", "n", "k"})->GEMM_SHAPES->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
