// The flat form of a DFA that every hot path runs on: a states x |alphabet| table of int32
// successors (-1 = dead), accepting flags and a start state. Boost-free; built by compile()
// (automata/compile.h), counted and sampled by DfaCounter (automata/dfa_counter.h).
#pragma once

#include <cstdint>
#include <vector>

#include "core/word.h"

namespace saturn::automata {

struct DfaTable {
  Alphabet alphabet;
  int num_states = 0;
  int start = 0;
  std::vector<std::int32_t> next;       // (states, |alphabet|): [state * |alphabet| + symbol] -> state, or -1
  std::vector<std::uint8_t> accepting;  // (states)

  int num_symbols() const { return alphabet.size(); }
  int step(int s, Symbol a) const {
    return next[static_cast<std::size_t>(s) * static_cast<std::size_t>(alphabet.size()) + a];
  }
  // Membership; O(|w|).
  bool accepts(WordView w) const;
  // Throws saturn::Error naming the first problem unless the table is well formed: at least one
  // state, start a state, `next` (states, |alphabet|) with every entry a state or -1, `accepting`
  // (states). Tables from compile() always are. O(states * |alphabet|).
  void validate() const;
};

}  // namespace saturn::automata
