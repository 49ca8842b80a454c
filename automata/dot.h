// Graphviz DOT export of an automaton (boost::write_graphviz): accepting states double circles,
// an arrow into the start state, edges labelled with their symbol (ε for epsilon).
#pragma once

#include <ostream>

#include "automata/automaton.h"

namespace saturn::automata {

void write_dot(std::ostream& out, const Automaton& a);

}  // namespace saturn::automata
