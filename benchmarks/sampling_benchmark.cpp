// Sampling throughput (symbols/s) of the exact uniform samplers, and enumeration of every binary
// string up to length 20 with membership.
// Run: build/sampling_benchmark
#include <benchmark/benchmark.h>

#include "core/enumerate.h"
#include "core/parallel.h"
#include "languages/registry.h"

namespace saturn {
namespace {

// Args: length. Items = symbols.
void sample(benchmark::State& state, const char* spec) {
  const auto lang = make_language(spec);
  const int n = static_cast<int>(state.range(0));
  lang->count(n);  // warm any count tables outside the timed loop
  Rng rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(lang->sample_member(n, rng));
  state.SetItemsProcessed(state.iterations() * n);
  state.SetComplexityN(n);
}

// Non-members and near misses of Dyck-2. Args: length. Items = symbols.
void BM_SampleNonmemberDyck2(benchmark::State& state) {
  const auto lang = make_language("dyck:k=2");
  const int n = static_cast<int>(state.range(0));
  lang->count(n);
  Rng rng(2);
  for (auto _ : state) benchmark::DoNotOptimize(lang->sample_nonmember(n, rng));
  state.SetItemsProcessed(state.iterations() * n);
}
void BM_NearMissDyck2(benchmark::State& state) {
  const auto lang = make_language("dyck:k=2");
  const int n = static_cast<int>(state.range(0));
  Rng rng(3);
  for (auto _ : state) benchmark::DoNotOptimize(lang->near_miss(n, rng));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_SampleNonmemberDyck2)->Arg(100)->Arg(1000);
BENCHMARK(BM_NearMissDyck2)->Arg(100)->Arg(1000);

void BM_SampleDyck2(benchmark::State& s) { sample(s, "dyck:k=2"); }
void BM_SampleDyck2Depth5(benchmark::State& s) { sample(s, "dyck:k=2,depth=5"); }
void BM_SampleShuffleDyck2(benchmark::State& s) { sample(s, "shuffle_dyck:k=2"); }
void BM_SampleAnbncn(benchmark::State& s) { sample(s, "anbncn"); }
void BM_SamplePalindrome(benchmark::State& s) { sample(s, "palindrome"); }
void BM_SampleCopy(benchmark::State& s) { sample(s, "copy"); }
void BM_SampleMajority(benchmark::State& s) { sample(s, "majority"); }
void BM_SampleRegexDfa(benchmark::State& s) { sample(s, "regex:pattern=(a|b)*abb(a|b)*"); }
void BM_SampleTomita3(benchmark::State& s) { sample(s, "tomita:n=3"); }
BENCHMARK(BM_SampleDyck2)->Arg(100)->Arg(1000)->Arg(2000)->Complexity(benchmark::oN);
BENCHMARK(BM_SampleDyck2Depth5)->Arg(100)->Arg(1000);
BENCHMARK(BM_SampleShuffleDyck2)->Arg(100)->Arg(500);  // shuffle_dyck counts up to 512
BENCHMARK(BM_SampleAnbncn)->Arg(99)->Arg(999);
BENCHMARK(BM_SamplePalindrome)->Arg(100)->Arg(1000);
BENCHMARK(BM_SampleCopy)->Arg(101)->Arg(1001);
BENCHMARK(BM_SampleMajority)->Arg(100)->Arg(1000);
BENCHMARK(BM_SampleRegexDfa)->Arg(100)->Arg(1000);
BENCHMARK(BM_SampleTomita3)->Arg(100)->Arg(1000);

// Every binary string of length 0..N checked for membership, on `threads` threads.
void BM_EnumerateBinaryWithMembership(benchmark::State& state) {
  const int max_n = static_cast<int>(state.range(0));
  ThreadLimit limit(static_cast<int>(state.range(1)));
  const auto majority = make_language("majority");
  std::uint64_t words = 0;
  for (auto _ : state) {
    std::uint64_t members = 0;
    for (int n = 0; n <= max_n; ++n)
      members += reduce_words(
          2, n, std::uint64_t{0}, [&](WordView w, std::uint64_t& acc) { acc += majority->contains(w); },
          [](std::uint64_t a, std::uint64_t b) { return a + b; });
    words += num_words(2, max_n + 1) - 1;
    benchmark::DoNotOptimize(members);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(words));
}
BENCHMARK(BM_EnumerateBinaryWithMembership)->ArgNames({"maxlen", "threads"})->ArgsProduct({{20}, {1, 2}})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace saturn

BENCHMARK_MAIN();
