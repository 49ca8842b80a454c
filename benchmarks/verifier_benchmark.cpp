// Verifier throughput (strings/s) over every binary string up to length N for a 2-layer d=64
// model (4 heads, d_ff 128, saturated mode): causal (trie walk, batched in slices of `rows` trie
// nodes, or rows = 0: one node at a time through Evaluator::push) and bidirectional (per-string
// evaluation), at 1 and 2 threads. Counters: strings per iteration, cpu_s (process CPU seconds per
// iteration, all threads), items_per_second (strings per wall second).
// Run: build/benchmarks/verifier_benchmark [--benchmark_filter=...]
// The length-24 figure alone (benchmarks/workloads.sh; about 2^25 strings, tens of seconds):
//   build/benchmarks/verifier_benchmark --benchmark_filter='BM_VerifyBinary/maxlen:24/'
// The issue-13 comparison (length 20, 2 threads, batched vs one node at a time):
//   build/benchmarks/verifier_benchmark --benchmark_filter='BM_VerifyBinary/maxlen:20/causal:1/threads:2/'
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "core/parallel.h"
#include "core/rng.h"
#include "languages/registry.h"
#include "saturated_transformer/evaluator.h"
#include "saturated_transformer/verifier.h"

#include <limits>

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

// Process CPU time (user + system, every thread) in seconds.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Args: max length, causal (0/1), threads, rows (trie nodes per slice; 0: one at a time).
void BM_VerifyBinary(benchmark::State& state) {
  const int max_length = static_cast<int>(state.range(0));
  const bool causal = state.range(1) != 0;
  ThreadLimit limit(static_cast<int>(state.range(2)));
  const auto model = random_binary_model(causal, 1);
  const auto lang = make_language("parity");
  VerifyOptions o;
  o.max_length = max_length;
  o.mode = EvalMode::saturated();
  o.trie_rows = static_cast<int>(state.range(3));
  o.max_strings = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t strings = 0;
  double cpu = 0;
  for (auto _ : state) {
    const double cpu0 = process_cpu_seconds();
    const auto r = verify(model, *lang, o);
    cpu += process_cpu_seconds() - cpu0;
    strings += r.exhaustive.checked;
    benchmark::DoNotOptimize(r.exhaustive.false_accepts);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(strings));
  state.counters["strings"] = static_cast<double>(strings) / static_cast<double>(state.iterations());
  state.counters["cpu_s"] = cpu / static_cast<double>(state.iterations());
}
BENCHMARK(BM_VerifyBinary)
    ->ArgNames({"maxlen", "causal", "threads", "rows"})
    ->ArgsProduct({{14, 20}, {1}, {1, 2}, {0, kDefaultTrieRows}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(BM_VerifyBinary)  // every binary string up to length 24 (2^25 - 1): the figure
    ->ArgNames({"maxlen", "causal", "threads", "rows"})
    ->Args({24, 1, 2, kDefaultTrieRows})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(BM_VerifyBinary)  // slice size: what kDefaultTrieRows was chosen from
    ->ArgNames({"maxlen", "causal", "threads", "rows"})
    ->ArgsProduct({{18}, {1}, {1}, {16, 32, 64, 128, 256, 512}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(BM_VerifyBinary)
    ->ArgNames({"maxlen", "causal", "threads", "rows"})
    ->ArgsProduct({{12, 16}, {0}, {1, 2}, {kDefaultTrieRows}})
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
