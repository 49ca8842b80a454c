#include "automata/dfa_table.h"

#include <fmt/format.h>

#include "core/error.h"

namespace saturn::automata {

bool DfaTable::accepts(WordView w) const {
  int s = start;
  for (Symbol a : w) {
    s = step(s, a);
    if (s < 0) return false;
  }
  return accepting[static_cast<std::size_t>(s)] != 0;
}

void DfaTable::validate() const {
  if (num_states < 1) throw Error(fmt::format("DFA table: {} states (at least one needed)", num_states));
  if (start < 0 || start >= num_states) throw Error(fmt::format("DFA table: start state {} is not one of the {} states", start, num_states));
  const std::size_t cells = static_cast<std::size_t>(num_states) * static_cast<std::size_t>(alphabet.size());
  if (next.size() != cells)
    throw Error(fmt::format("DFA table: {} transitions for {} states x {} symbols", next.size(), num_states, alphabet.size()));
  if (accepting.size() != static_cast<std::size_t>(num_states))
    throw Error(fmt::format("DFA table: {} accepting flags for {} states", accepting.size(), num_states));
  for (std::size_t i = 0; i < cells; ++i)
    if (next[i] < -1 || next[i] >= num_states)
      throw Error(fmt::format("DFA table: transition ({}, {}) goes to {}, not a state or -1", i / static_cast<std::size_t>(alphabet.size()),
                              i % static_cast<std::size_t>(alphabet.size()), next[i]));
}

}  // namespace saturn::automata
