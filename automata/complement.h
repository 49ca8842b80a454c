// complement: the DFA of Σ* minus L(a), over a's alphabet: complete (add a dead state), then flip
// every accepting flag, then trim. Not in place; O(states * |alphabet|).
// Precondition: deterministic, a possibly partial DFA is fine (throws saturn::Error otherwise).
#pragma once

#include "automata/automaton.h"

namespace saturn::automata {

Automaton complement(const Automaton& a);

}  // namespace saturn::automata
