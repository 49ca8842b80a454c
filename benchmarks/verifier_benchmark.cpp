// Verifier throughput (strings/s) over every binary string up to length N for a 2-layer d=64
// model, causal (trie walk) and bidirectional (per-string evaluation), at 1 and 2 threads.
// Run: build/verifier_benchmark [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include "core/parallel.h"
#include "core/rng.h"
#include "languages/registry.h"
#include "saturated_transformer/evaluator.h"
#include "saturated_transformer/verifier.h"

namespace saturn {
namespace {

ModelWeights random_binary_model(bool causal, std::uint64_t seed) {
  ModelWeights w;
  auto& c = w.config;
  c.tokens = {"0", "1", "<bos>"};
  c.vocab = 3;
  c.bos_id = 2;
  c.d_model = 64;
  c.n_heads = 4;
  c.n_layers = 2;
  c.d_ff = 128;
  c.layer_norm = LayerNormMode::pre;
  c.positional = Positional::learned;
  c.max_len = 64;
  c.causal = causal;
  c.readout = causal ? ClassifyReadout::last : ClassifyReadout::bos;
  Rng rng(seed);
  for (const auto& [name, shape] : ModelWeights::expected_tensors(c)) {
    Eigen::MatrixXd t(shape[0], shape.size() == 2 ? shape[1] : 1);
    for (long i = 0; i < t.size(); ++i) t.data()[i] = 0.2 * rng.normal();
    w.tensors[name] = t;
  }
  return w;
}

// Args: max length, causal (0/1), threads.
void BM_VerifyBinary(benchmark::State& state) {
  const int max_length = static_cast<int>(state.range(0));
  const bool causal = state.range(1) != 0;
  ThreadLimit limit(static_cast<int>(state.range(2)));
  const auto model = random_binary_model(causal, 1);
  const auto lang = make_language("parity");
  VerifyOptions o;
  o.max_length = max_length;
  o.mode = EvalMode::saturated();
  std::uint64_t strings = 0;
  for (auto _ : state) {
    const auto r = verify(model, *lang, o);
    strings += r.exhaustive.checked;
    benchmark::DoNotOptimize(r.exhaustive.false_accepts);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(strings));
  state.counters["strings"] = static_cast<double>(strings) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_VerifyBinary)
    ->ArgNames({"maxlen", "causal", "threads"})
    ->ArgsProduct({{14, 20}, {1}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(BM_VerifyBinary)
    ->ArgNames({"maxlen", "causal", "threads"})
    ->ArgsProduct({{12, 16}, {0}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

// One trie node: push a position on a cached prefix of length `prefix`, then pop it.
void BM_IncrementalPush(benchmark::State& state) {
  const auto model = random_binary_model(true, 2);
  const Evaluator ev(model, EvalMode::saturated());
  auto s = ev.start(64);
  ev.begin(s);
  for (int i = 0; i < state.range(0); ++i) ev.push(s, static_cast<Symbol>(i % 2));
  for (auto _ : state) {
    ev.push(s, 1);
    benchmark::DoNotOptimize(ev.readout_logit(s));
    ev.pop(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IncrementalPush)->Arg(10)->Arg(20);

}  // namespace
}  // namespace saturn

BENCHMARK_MAIN();
