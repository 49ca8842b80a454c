// Training-step throughput (strings/s and GFLOP/s of work actually done) for the four configs of
// issue 3, at 1 and 2 threads, and the machine's single-core float32 GEMM peak for reference.
// Compare with PyTorch: benchmarks/compare_torch.sh.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>

#include "core/parallel.h"
#include "process_cpu.h"
#include "train_configs.h"
#include "transformer/optimizer.h"

namespace saturn {
namespace {

// Args: config index, threads.
void BM_TrainStep(benchmark::State& state) {
  const auto& t = bench::train_configs()[static_cast<std::size_t>(state.range(0))];
  ThreadLimit limit(static_cast<int>(state.range(1)));
  const auto c = bench::model_config(t);
  Model<float> m(c);
  m.init(1);
  OptimizerOptions oo;
  oo.lr = 1e-4;
  Optimizer<float> opt(oo, m.table);
  Workspace<float> ws;
  std::vector<float> grads(m.params.size());
  std::vector<Batch> batches;
  for (int i = 0; i < 8; ++i) batches.push_back(bench::make_batch(t, c, static_cast<std::uint64_t>(i)));
  // Warm-up outside the timed loop: one pass over every batch grows the workspace to its final
  // size (and faults its pages in), as after the first steps of a real run.
  for (const auto& b : batches) {
    forward(m, b, ws, {}, ForwardScope::loss);
    backward(m, b, ws, grads.data());
  }
  double flops = 0;
  std::size_t k = 0;
  const double c0 = bench::process_cpu_seconds();
  for (auto _ : state) {
    const Batch& b = batches[k++ % batches.size()];
    forward(m, b, ws, {}, ForwardScope::loss);  // what train() runs
    std::fill(grads.begin(), grads.end(), 0.0f);
    backward(m, b, ws, grads.data());
    opt.step(m.params.data(), grads.data(), 1.0);
    flops += bench::train_flops(c, b);
  }
  state.counters["cpu_s_per_step"] = (bench::process_cpu_seconds() - c0) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations() * t.batch);
  state.counters["GFLOPs"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainStep)
    ->ArgNames({"config", "threads"})
    ->ArgsProduct({{0, 1, 2, 3}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(3.0);

// Single-core float32 GEMM (n x n x n) with Eigen: the peak the d=256 step is measured against.
void BM_GemmPeak(benchmark::State& state) {
  ThreadLimit limit(1);
  const long n = state.range(0);
  using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const M a = M::Random(n, n), b = M::Random(n, n);
  M c(n, n);
  for (auto _ : state) {
    c.noalias() = a * b.transpose();
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOPs"] = benchmark::Counter(2.0 * n * n * n * static_cast<double>(state.iterations()) * 1e-9,
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GemmPeak)->Arg(256)->Arg(1024)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace saturn

BENCHMARK_MAIN();
