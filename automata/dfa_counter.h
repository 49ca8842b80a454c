// Exact counting and exactly uniform sampling over a DFA table, by dynamic programming:
//   completions(s, r) = number of words u of length r with s·u accepting,
//   completions(s, 0) = [s accepting],  completions(s, r) = sum_a completions(step(s, a), r - 1).
// Rows r = 0, 1, ... are built on demand and cached (BigInt, plus a 64-bit copy saturated at
// 2^64 - 1 for the fast path); O(r * states * |alphabet|) big additions for the first call at
// length r, O(1) lookups afterwards. Thread-safe (rows grow under a lock).
//
// sample(n) draws one uniform rank x in [0, count(n)) and unranks it: at each position it takes
// the first symbol a (in alphabet order) with x < completions(step(s, a), r), else subtracts that
// count and tries the next symbol. So symbol a is chosen with probability exactly
// completions(step(s, a), r) / completions(s, r + 1), and every accepted word of length n comes
// out with probability exactly 1 / count(n). Arithmetic is on uint64 as soon as the remaining
// count fits in 64 bits (from the start for count(n) < 2^64 - 1), on BigInt before.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <vector>

#include "automata/dfa_table.h"
#include "core/bigint.h"
#include "core/rng.h"

namespace saturn::automata {

class DfaCounter {
 public:
  // Any well-formed DFA table (need not be trim: dead states simply count 0); throws
  // saturn::Error when DfaTable::validate() does.
  explicit DfaCounter(DfaTable table);
  DfaCounter(const DfaCounter&) = delete;
  DfaCounter& operator=(const DfaCounter&) = delete;

  const DfaTable& table() const { return table_; }

  // Exact completion count; 0 for r < 0.
  BigInt completions(int state, int r) const;
  BigInt count(int n) const { return completions(table_.start, n); }
  // Exactly uniform accepted word of length n; throws NoMembersError when there is none.
  Word sample(int n, Rng& rng) const;
  // The accepted word of length n with the given rank (0-based) in lexicographic order of symbol
  // indices; throws saturn::Error unless 0 <= rank < count(n). sample(n) == unrank(n, uniform rank).
  Word unrank(int n, const BigInt& rank) const;
  // Some accepted word (of any length) can be reached from the state. O(1) (precomputed).
  bool live(int state) const { return live_[static_cast<std::size_t>(state)] != 0; }

 private:
  static constexpr std::uint64_t kSaturated = ~std::uint64_t{0};  // "2^64 - 1 or more"
  void ensure(int r) const;  // rows 0..r exist
  Word unrank_locked(int n, BigInt rank) const;  // caller holds the shared lock; rank valid
  std::size_t at(int r, int s) const {
    return static_cast<std::size_t>(r) * static_cast<std::size_t>(table_.num_states) + static_cast<std::size_t>(s);
  }

  DfaTable table_;
  std::vector<std::uint8_t> live_;       // (states)
  mutable std::shared_mutex mutex_;
  mutable int rows_ = 0;                   // rows 0 .. rows_-1 are built
  mutable std::vector<BigInt> big_;        // (rows, states): completions(s, r) at [r * states + s]
  mutable std::vector<std::uint64_t> small_;  // (rows, states): min(completions, kSaturated)
};

}  // namespace saturn::automata
