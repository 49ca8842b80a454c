// Training-step cost of the transformer (float): one forward and one backward pass over a packed
// batch, for four model sizes, on 1 and 2 threads. Items = strings; GFLOP/s counts the matrix
// products actually done (forward and backward, attention only over each string's own tokens).
// Run: build/model_benchmark
#include <benchmark/benchmark.h>

#include <vector>

#include "core/parallel.h"
#include "core/rng.h"
#include "transformer/model.h"

namespace saturn {
namespace {

ModelConfig bench_config(int d, int layers, int heads, int max_symbols) {
  ModelConfig c;
  c.tokens = {"a", "b", "c", "<bos>"};
  c.vocab = 4;
  c.bos_id = 3;
  c.d_model = d;
  c.n_layers = layers;
  c.n_heads = heads;
  c.d_ff = 4 * d;
  c.activation = Activation::gelu;
  c.max_len = max_symbols + 1;
  c.head = HeadKind::classify;
  c.n_outputs = 1;
  return c;
}

// Strings of uniform random length 0..max_symbols with random labels.
Batch bench_batch(const ModelConfig& c, int strings, int max_symbols) {
  Rng rng(42);
  Batch b;
  for (int i = 0; i < strings; ++i) {
    std::vector<int> w(rng.uniform_below(static_cast<std::uint64_t>(max_symbols) + 1));
    for (int& s : w) s = static_cast<int>(rng.uniform_below(3));
    b.add_string(c, w);
    b.labels.push_back(static_cast<float>(rng.uniform_below(2)));
  }
  return b;
}

// Multiply-adds x 2 of the forward products; the backward does twice as many.
double step_flops(const ModelConfig& c, const Batch& b) {
  const double N = b.num_tokens(), d = c.d_model, F = c.d_ff;
  double attn = 0;
  for (int i = 0; i < b.size(); ++i) attn += static_cast<double>(b.length(i)) * b.length(i);
  const double per_layer = 2 * N * d * (4 * d + 2 * F) + 4 * attn * d;
  const double forward = c.n_layers * per_layer + 2 * b.size() * d;
  return 3 * forward;
}

// Args: d, layers, heads, max symbols per string, strings per batch, threads.
void BM_ForwardBackward(benchmark::State& state) {
  const auto c = bench_config(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
                              static_cast<int>(state.range(2)), static_cast<int>(state.range(3)));
  const Batch batch = bench_batch(c, static_cast<int>(state.range(4)), static_cast<int>(state.range(3)));
  ThreadLimit limit(static_cast<int>(state.range(5)));
  Model<float> m(c);
  m.init(1);
  Workspace<float> ws;
  std::vector<float> grads(m.params.size(), 0.0f);
  for (auto _ : state) {
    benchmark::DoNotOptimize(forward(m, batch, ws).loss);
    backward(m, batch, ws, grads.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * batch.size());
  state.counters["GFLOP/s"] = benchmark::Counter(step_flops(c, batch) * static_cast<double>(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
  state.counters["tokens"] = batch.num_tokens();
}

BENCHMARK(BM_ForwardBackward)
    ->ArgNames({"d", "layers", "heads", "len", "batch", "threads"})
    ->Args({32, 1, 2, 32, 32, 1})
    ->Args({32, 1, 2, 32, 32, 2})
    ->Args({64, 2, 4, 64, 32, 1})
    ->Args({64, 2, 4, 64, 32, 2})
    ->Args({128, 4, 4, 128, 64, 1})
    ->Args({128, 4, 4, 128, 64, 2})
    ->Args({256, 4, 8, 256, 32, 1})
    ->Args({256, 4, 8, 256, 32, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace saturn

BENCHMARK_MAIN();
