// The training steps of the seed experiments (issue 13), at 1 and 2 threads:
//   BM_GrokkingStep:           tasks.yaml `grokking` (harness/kinds/grokking/): 3831 strings [a, b, =]
//                              in one full batch, 1 layer, d 128, 4 heads, MLP 512, lm head read at the
//                              last position, AdamW; the layer-norm placement M+A* (arg ln: 0 none, 1 M+A*).
//   BM_ScanSnapTransformerStep: tasks.yaml `scan_snap_transformer` (scan_snap/transformer_variant.h):
//                              batch 128 of 127 keys + query, d 64, one head, SGD; data sampling included.
//   BM_ScanSnapReparamStep:    tasks.yaml `scan_snap_fig6` at num_last 10 (scan_snap/reparam_model.h):
//                              batch 128, the reparameterised model's forward/backward in double.
// Counters: cpu_s_per_step = user + system CPU seconds of the whole process per step (every
// thread), next to the wall time Google Benchmark reports. Compare with PyTorch:
// benchmarks/torch_grokking.py (benchmarks/workloads.sh runs both).
#include <benchmark/benchmark.h>

#include <vector>

#include "core/parallel.h"
#include "process_cpu.h"
#include "harness/kinds/grokking/modular_addition.h"
#include "harness/kinds/grokking/spec.h"
#include "scan_snap/data.h"
#include "scan_snap/reparam_model.h"
#include "scan_snap/transformer_variant.h"
#include "transformer/model.h"
#include "transformer/optimizer.h"

namespace saturn {
namespace {

// Runs `step` in the timed loop and reports the process's CPU seconds per step.
template <class Step>
void timed_steps(benchmark::State& state, Step step) {
  const double c0 = bench::process_cpu_seconds();
  for (auto _ : state) step();
  state.counters["cpu_s_per_step"] = (bench::process_cpu_seconds() - c0) / static_cast<double>(state.iterations());
}

// Args: threads, layer-norm placement (0: none, 1: M+A*).
void BM_GrokkingStep(benchmark::State& state) {
  ThreadLimit limit(static_cast<int>(state.range(0)));
  GrokkingSpec s = default_grokking_spec();
  if (state.range(1) == 1) s.model.config.ln = {AttnLnPlace::qkv, true, false};
  const ModelConfig c = grokking_config(s);
  const auto split = modular_addition_split(s.modulus, s.train_fraction, s.seed);
  const Batch batch = modular_addition_batch(c, s.modulus, s.bos, split.train);
  Model<float> m(c);
  m.init(1);
  Optimizer<float> opt(s.optimizer, m.table);
  Workspace<float> ws;
  std::vector<float> grads(m.params.size());
  forward(m, batch, ws, {}, ForwardScope::loss);  // warm-up: the workspace reaches its size
  backward(m, batch, ws, grads.data());
  timed_steps(state, [&] {
    forward(m, batch, ws, {}, ForwardScope::loss);  // what train() runs
    std::fill(grads.begin(), grads.end(), 0.0f);
    backward(m, batch, ws, grads.data());
    opt.step(m.params.data(), grads.data(), 1.0);
  });
  state.SetItemsProcessed(state.iterations() * batch.size());
}
BENCHMARK(BM_GrokkingStep)
    ->ArgNames({"threads", "ln"})
    ->ArgsProduct({{1, 2}, {1, 0}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

// Args: threads. One step of train_transformer: sample the batch, forward, backward, SGD.
void BM_ScanSnapTransformerStep(benchmark::State& state) {
  ThreadLimit limit(static_cast<int>(state.range(0)));
  scan_snap::DataOptions d;
  d.num_last = 3;
  d.seq_len = 128;
  const scan_snap::Dataset data(d);
  scan_snap::TransformerOptions o;
  o.model.d_model = 64;
  o.model.n_heads = 1;
  o.model.d_ff = 64;
  o.model.layer_norm = LayerNormMode::none;
  o.model.positional = Positional::none;
  o.model.attn_bias = false;
  o.optimizer.kind = OptimizerKind::sgd;
  o.optimizer.momentum = 0.9;
  o.lr_z = 0.01;
  const ModelConfig c = scan_snap::transformer_config(data, o.model);
  Model<float> m(c);
  m.init(1);
  Optimizer<float> opt(o.optimizer, m.table);
  Workspace<float> ws;
  std::vector<float> grads(m.params.size());
  std::vector<scan_snap::Sequence> seqs(static_cast<std::size_t>(o.batch));
  std::uint64_t step = 0;
  timed_steps(state, [&] {
    for (std::size_t i = 0; i < seqs.size(); ++i) seqs[i] = data.sample(1, step * seqs.size() + i);
    ++step;
    const Batch b = scan_snap::transformer_batch(seqs);
    forward(m, b, ws, {}, ForwardScope::loss);
    std::fill(grads.begin(), grads.end(), 0.0f);
    backward(m, b, ws, grads.data());
    opt.step(m.params.data(), grads.data(), 1.0);
  });
  state.SetItemsProcessed(state.iterations() * o.batch);
}
BENCHMARK(BM_ScanSnapTransformerStep)->ArgNames({"threads"})->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// One step of the reparameterised model (scan_snap::train): sample the batch, forward/backward.
void BM_ScanSnapReparamStep(benchmark::State& state) {
  scan_snap::DataOptions d;
  d.num_last = 10;
  d.seq_len = 128;
  const scan_snap::Dataset data(d);
  scan_snap::Model m(data.vocab());
  scan_snap::Grads g(data.vocab());
  std::vector<scan_snap::Sequence> seqs(128);
  std::uint64_t step = 0;
  timed_steps(state, [&] {
    for (std::size_t i = 0; i < seqs.size(); ++i) seqs[i] = data.sample(1, step * seqs.size() + i);
    ++step;
    g.zero();
    benchmark::DoNotOptimize(scan_snap::forward_backward(m, seqs, g));
  });
  state.SetItemsProcessed(state.iterations() * 128);
}
BENCHMARK(BM_ScanSnapReparamStep)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace saturn

BENCHMARK_MAIN();
