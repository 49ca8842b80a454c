// Product constructions on DFAs over the same alphabet: intersection, union, symmetric
// difference; and complement. Not in place; O(|A| * |B| * |alphabet|). Results are trimmed.
// Preconditions: deterministic inputs over equal alphabets (throws saturn::Error otherwise).
#pragma once

#include "automata/automaton.h"

namespace saturn::automata {

enum class ProductOp { intersection, union_, symmetric_difference };

Automaton product(const Automaton& a, const Automaton& b, ProductOp op);
Automaton complement(const Automaton& a);

// True when both DFAs accept the same language (their symmetric difference is empty).
bool equivalent(const Automaton& a, const Automaton& b);
// True when the automaton accepts no word.
bool is_empty(const Automaton& a);

}  // namespace saturn::automata
