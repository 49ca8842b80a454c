// Test-only checks on automata (never linked into the product): the invariant checkers the
// operation tests assert after every algorithm, and a brute-force run of an NFA.
#pragma once

#include "automata/automaton.h"
#include "core/word.h"

namespace saturn::testing {

// Every state reachable from the start and able to reach an accepting state.
bool is_trim(const automata::Automaton& a);
// Deterministic, trim, and no two states equivalent (checked by table filling, independently of
// minimize()'s Hopcroft refinement). O(states^2 * |alphabet|) per round.
bool is_minimal(const automata::Automaton& a);
// Brute-force run of an NFA or DFA: the set of current states, closed under epsilon edges after
// every symbol. O(|w| * states * edges).
bool accepts(const automata::Automaton& a, WordView w);

}  // namespace saturn::testing
