// compile: a deterministic automaton (Boost.Graph) to a flat DfaTable. Not in place; states are
// renumbered in breadth-first order from the start, successors visited in symbol order, so equal
// minimal DFAs compile to identical tables. States unreachable from the start are dropped; missing
// transitions become -1. O(states + edges).
// Precondition: deterministic (throws saturn::Error otherwise).
#pragma once

#include "automata/automaton.h"
#include "automata/dfa_table.h"

namespace saturn::automata {

DfaTable compile(const Automaton& dfa);

}  // namespace saturn::automata
