// Subset construction: an NFA (with epsilon edges) to an equivalent DFA whose states are the
// reachable sets of NFA states. Not in place. Worst case O(2^n) states; partial (no dead state).
#pragma once

#include <set>

#include "automata/automaton.h"

namespace saturn::automata {

Automaton determinize(const Automaton& nfa);

// The states reachable from `states` by epsilon edges alone (`states` included). O(states + edges).
std::set<State> epsilon_closure(const Automaton& a, std::set<State> states);

}  // namespace saturn::automata
