#include "automata/dfa_counter.h"

#include <fmt/format.h>

#include <mutex>

#include "core/error.h"

namespace saturn::automata {

DfaCounter::DfaCounter(DfaTable table) : table_(std::move(table)) {
  table_.validate();
  // live: backward reachability from the accepting states (fixed point; tables are small).
  const int n = table_.num_states, sigma = table_.num_symbols();
  live_.assign(table_.accepting.begin(), table_.accepting.end());
  for (bool changed = true; changed;) {
    changed = false;
    for (int s = 0; s < n; ++s)
      for (int a = 0; a < sigma && !live_[static_cast<std::size_t>(s)]; ++a) {
        const int t = table_.step(s, static_cast<Symbol>(a));
        if (t >= 0 && live_[static_cast<std::size_t>(t)]) live_[static_cast<std::size_t>(s)] = 1, changed = true;
      }
  }
}

void DfaCounter::ensure(int r) const {
  {
    std::shared_lock lock(mutex_);
    if (rows_ > r) return;
  }
  std::unique_lock lock(mutex_);
  if (rows_ > r) return;  // another thread built them meanwhile (never shrink the tables)
  const int n = table_.num_states, sigma = table_.num_symbols();
  big_.resize(static_cast<std::size_t>(r + 1) * static_cast<std::size_t>(n));
  small_.resize(big_.size());
  for (; rows_ <= r; ++rows_) {
    const int row = rows_;
    for (int s = 0; s < n; ++s) {
      BigInt& c = big_[at(row, s)];
      if (row == 0) {
        c = table_.accepting[static_cast<std::size_t>(s)] ? 1 : 0;
      } else {
        c = 0;
        for (int a = 0; a < sigma; ++a) {
          const int t = table_.step(s, static_cast<Symbol>(a));
          if (t >= 0) c += big_[at(row - 1, t)];
        }
      }
      small_[at(row, s)] = c < kSaturated ? static_cast<std::uint64_t>(c) : kSaturated;
    }
  }
}

BigInt DfaCounter::completions(int state, int r) const {
  if (r < 0 || state < 0) return 0;
  ensure(r);
  std::shared_lock lock(mutex_);
  return big_[at(r, state)];
}

Word DfaCounter::sample(int n, Rng& rng) const {
  if (n < 0) throw NoMembersError(fmt::format("no accepted word of negative length {}", n));
  ensure(n);
  std::shared_lock lock(mutex_);
  const std::uint64_t small = small_[at(n, table_.start)];
  if (small == 0) throw NoMembersError(fmt::format("no accepted word of length {}", n));
  return unrank_locked(n, small == kSaturated ? uniform_below(big_[at(n, table_.start)], rng) : BigInt(rng.uniform_below(small)));
}

Word DfaCounter::unrank(int n, const BigInt& rank) const {
  if (n < 0) throw Error(fmt::format("unrank: negative length {}", n));
  ensure(n);
  std::shared_lock lock(mutex_);
  if (rank < 0 || rank >= big_[at(n, table_.start)])
    throw Error(fmt::format("unrank: rank {} is not below the {} accepted words of length {}", to_string(rank),
                            to_string(big_[at(n, table_.start)]), n));
  return unrank_locked(n, rank);
}

Word DfaCounter::unrank_locked(int n, BigInt x) const {
  const int sigma = table_.num_symbols();
  const std::int32_t* next = table_.next.data();
  Word w(static_cast<std::size_t>(n));
  int s = table_.start;
  int i = 0;
  // Invariant at position i (n - i symbols left): 0 <= x < completions(s, n - i).
  for (; i < n && small_[at(n - i, s)] == kSaturated; ++i) {
    const int r = n - i - 1;
    for (int a = 0; a < sigma; ++a) {
      const int t = next[s * sigma + a];
      if (t < 0) continue;
      const BigInt& c = big_[at(r, t)];
      if (a == sigma - 1 || x < c) {  // the last symbol needs no comparison: x < c there
        w[static_cast<std::size_t>(i)] = static_cast<Symbol>(a);
        s = t;
        break;
      }
      x -= c;
    }
  }
  if (i == n) return w;
  // Now x < completions(s, n - i) < 2^64 - 1: go on with 64-bit arithmetic.
  auto y = static_cast<std::uint64_t>(x);
  for (; i < n; ++i) {
    const int r = n - i - 1;
    for (int a = 0; a < sigma; ++a) {
      const int t = next[s * sigma + a];
      if (t < 0) continue;
      const std::uint64_t c = small_[at(r, t)];
      if (y < c) {
        w[static_cast<std::size_t>(i)] = static_cast<Symbol>(a);
        s = t;
        break;
      }
      y -= c;
    }
  }
  return w;
}

}  // namespace saturn::automata
