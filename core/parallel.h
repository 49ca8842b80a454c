// The one place for parallel loops and reductions.
//
// Every reduction goes through deterministic_reduce: oneTBB's parallel_deterministic_reduce with a
// simple_partitioner and a fixed, named grain size splits the range the same way whatever the
// number of threads, so floating-point sums are bitwise reproducible with 1 or N threads.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include <cstddef>
#include <memory>

namespace saturn {

// Grain sizes (items per leaf task). Changing one changes results bitwise; keep them constants.
inline constexpr std::size_t kGrainSamples = 1;         // one training string per leaf
inline constexpr std::size_t kGrainEnumeration = 4096;  // words per leaf when enumerating

// reduce(body(lo, hi) -> T, join(T, T) -> T) over [begin, end) with a fixed split tree.
template <class T, class Body, class Join>
T deterministic_reduce(std::size_t begin, std::size_t end, std::size_t grain, const T& identity, Body body,
                       Join join) {
  return tbb::parallel_deterministic_reduce(
      tbb::blocked_range<std::size_t>(begin, end, grain), identity,
      [&](const tbb::blocked_range<std::size_t>& r, T acc) { return join(std::move(acc), body(r.begin(), r.end())); },
      join, tbb::simple_partitioner());
}

// for_each(lo, hi) over fixed chunks of `grain` items; writes must be owned by the chunk.
template <class Body>
void parallel_chunks(std::size_t begin, std::size_t end, std::size_t grain, Body body) {
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(begin, end, grain),
      [&](const tbb::blocked_range<std::size_t>& r) { body(r.begin(), r.end()); }, tbb::simple_partitioner());
}

// Limits oneTBB to n threads while alive (n <= 0: no limit).
class ThreadLimit {
 public:
  explicit ThreadLimit(int n) {
    if (n > 0) control_ = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, n);
  }

 private:
  std::unique_ptr<tbb::global_control> control_;
};

}  // namespace saturn
