// Minimisation by Moore's partition refinement: the unique (up to renaming) minimal trim DFA of
// the language. Precondition: deterministic (possibly partial). Not in place.
// O(iterations * states * |alphabet| log states).
#pragma once

#include "automata/automaton.h"

namespace saturn::automata {

Automaton minimize(const Automaton& dfa);

// States of the minimal *complete* DFA (the trim minimal DFA plus a dead state when some
// transition is missing) — the figure usually quoted for, e.g., the Tomita grammars.
int complete_minimal_size(const Automaton& dfa);

}  // namespace saturn::automata
