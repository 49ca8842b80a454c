// Automata hot paths: exactly uniform sampling from a regex's minimal DFA (symbols/s), DFA-table
// membership (symbols/s), the counting table, and the regex -> minimal DFA pipeline.
// Inputs (automata, count tables, words) are built outside the timed loops.
// Run: build/benchmarks/automata_benchmark
#include <benchmark/benchmark.h>

#include "automata/compile.h"
#include "automata/determinize.h"
#include "automata/dfa_counter.h"
#include "automata/minimize.h"
#include "automata/regex_to_nfa.h"
#include "languages/registry.h"

namespace saturn::automata {
namespace {

constexpr const char* kPattern = "(a|b)*abb(a|b)*";

DfaTable regex_table(const char* pattern) {
  return compile(minimize(determinize(regex_to_nfa(pattern, Alphabet(regex_literals(pattern))))));
}

// Arg: length n. Items = sampled symbols. Lengths up to ~60 take the 64-bit path, longer ones the
// BigInt path (the number of members of length n grows like 2^n).
void BM_SampleRegexDfa(benchmark::State& state) {
  const DfaCounter counter(regex_table(kPattern));
  const int n = static_cast<int>(state.range(0));
  counter.count(n);  // fill the count table outside the timed loop
  Rng rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(counter.sample(n, rng));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_SampleRegexDfa)->Arg(40)->Arg(100)->Arg(1000);

// The same through the Language interface (make_language("regex:...")->sample_member).
void BM_SampleRegexLanguage(benchmark::State& state) {
  const auto lang = make_language(std::string("regex:pattern=") + kPattern);
  const int n = static_cast<int>(state.range(0));
  lang->count(n);
  Rng rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(lang->sample_member(n, rng));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_SampleRegexLanguage)->Arg(100)->Arg(1000);

// Membership of a fixed random word of length n on the flat table. Items = symbols.
void BM_DfaTableAccepts(benchmark::State& state) {
  const DfaTable table = regex_table(kPattern);
  const int n = static_cast<int>(state.range(0));
  Rng rng(2);
  Word w(static_cast<std::size_t>(n));
  for (auto& a : w) a = static_cast<Symbol>(rng.uniform_below(2));
  for (auto _ : state) benchmark::DoNotOptimize(table.accepts(w));
  state.SetItemsProcessed(state.iterations() * n);
  state.SetComplexityN(n);
}
BENCHMARK(BM_DfaTableAccepts)->RangeMultiplier(10)->Range(100, 100000)->Complexity(benchmark::oN);

// Building the exact count table completions(., r) for r <= n from scratch. Cost grows like n^2
// (n rows of numbers with O(n) bits).
void BM_CountRegexDfa(benchmark::State& state) {
  const DfaTable table = regex_table(kPattern);
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    const DfaCounter counter(table);
    benchmark::DoNotOptimize(counter.count(n));
  }
  state.SetComplexityN(n);
}
BENCHMARK(BM_CountRegexDfa)->Arg(100)->Arg(1000)->Arg(4000)->Unit(benchmark::kMicrosecond);

// Thompson NFA -> subset construction -> Moore minimisation -> flat table.
void BM_CompileRegex(benchmark::State& state) {
  const char* patterns[] = {kPattern, "(a|b)*a(a|b)(a|b)(a|b)(a|b)(a|b)", "((ab)*|(ba)*)a(aa|b)*"};
  const char* pattern = patterns[state.range(0)];
  for (auto _ : state) benchmark::DoNotOptimize(regex_table(pattern));
  state.SetLabel(pattern);
}
BENCHMARK(BM_CompileRegex)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace saturn::automata

BENCHMARK_MAIN();
