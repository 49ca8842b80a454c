// Minimisation by Hopcroft's partition refinement (on a refinable partition, Valmari & Lehtinen
// 2008): the unique (up to renaming) minimal trim DFA of the language. The input is trimmed and
// completed first; the result is trimmed again (no dead state). Not in place.
// Precondition: deterministic, possibly partial (throws saturn::Error otherwise).
// O(|alphabet| * states * log states).
#pragma once

#include "automata/automaton.h"

namespace saturn::automata {

Automaton minimize(const Automaton& dfa);

// States of the minimal *complete* DFA (the trim minimal DFA plus a dead state when some
// transition is missing) — the figure usually quoted for, e.g., the Tomita grammars.
int complete_minimal_size(const Automaton& dfa);

}  // namespace saturn::automata
