// Trimming: removes the states that are unreachable from the start or cannot reach an accepting
// state (dead states). Not in place; O(states + edges). The empty language trims to a single
// non-accepting start state without edges.
#pragma once

#include "automata/automaton.h"

namespace saturn::automata {

Automaton trim(const Automaton& a);

}  // namespace saturn::automata
