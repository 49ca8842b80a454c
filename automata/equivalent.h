// equivalent: whether two DFAs over the same alphabet accept the same language, decided as the
// emptiness of their symmetric-difference product. O(|A| * |B| * |alphabet|).
// is_empty: whether an automaton (NFA or DFA) accepts no word: no accepting state is reachable
// from the start. O(states + edges).
// Preconditions (equivalent): deterministic inputs over equal alphabets (throws saturn::Error
// otherwise). is_empty takes any automaton.
#pragma once

#include "automata/automaton.h"

namespace saturn::automata {

bool equivalent(const Automaton& a, const Automaton& b);
bool is_empty(const Automaton& a);

}  // namespace saturn::automata
