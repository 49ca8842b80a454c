// The hot path for regular languages: a DFA compiled to a flat transition table
// (states x |alphabet| int32, -1 = dead), with exact completion counts for counting and exactly
// uniform sampling by dynamic programming. Boost-free.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "core/bigint.h"
#include "core/rng.h"
#include "core/word.h"

namespace saturn::automata {

struct Automaton;

struct DfaTable {
  Alphabet alphabet;
  int num_states = 0;
  int start = 0;
  std::vector<std::int32_t> next;      // [state * |alphabet| + symbol] -> state, or -1
  std::vector<std::uint8_t> accepting;  // [state]

  int num_symbols() const { return alphabet.size(); }
  int step(int s, Symbol a) const { return next[static_cast<std::size_t>(s) * static_cast<std::size_t>(alphabet.size()) + a]; }
  bool accepts(WordView w) const;
};

// Compiles a deterministic automaton (states renumbered in breadth-first order from the start).
// Throws saturn::Error when the automaton is not deterministic.
DfaTable compile(const Automaton& dfa);

// Exact counts over a trim DFA table: completions(s, r) = number of words of length r leading
// from s to acceptance. Rows are built on demand and cached; thread-safe.
class DfaCounter {
 public:
  explicit DfaCounter(DfaTable table);
  const DfaTable& table() const { return table_; }

  BigInt completions(int state, int r) const;
  BigInt count(int n) const { return completions(table_.start, n); }
  // Exactly uniform accepted word of length n; throws NoMembersError when there is none.
  Word sample(int n, Rng& rng) const;
  // Some accepted word is reachable from the state (true for every state of a trim table).
  bool live(int state) const { return live_[static_cast<std::size_t>(state)] != 0; }

 private:
  void ensure(int r) const;  // rows 0..r exist
  DfaTable table_;
  std::vector<std::uint8_t> live_;
  mutable std::shared_mutex mutex_;
  mutable std::vector<std::vector<BigInt>> rows_;  // rows_[r][state]
};

}  // namespace saturn::automata
