// complete: makes a deterministic automaton complete by adding one non-accepting dead state
// (with a self-loop on every symbol) that receives every missing transition; returns a copy
// unchanged when nothing is missing. Not in place; O(states * |alphabet|).
// Precondition: deterministic (throws saturn::Error otherwise).
#pragma once

#include "automata/automaton.h"

namespace saturn::automata {

Automaton complete(const Automaton& dfa);

}  // namespace saturn::automata
