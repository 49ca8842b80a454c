#include "automata/complement.h"

#include "automata/complete.h"
#include "automata/trim.h"

namespace saturn::automata {

Automaton complement(const Automaton& a) {
  require_deterministic(a, "complement");
  Automaton full = complete(a);
  for (auto v : boost::make_iterator_range(boost::vertices(full.graph))) full.graph[v].accepting = !full.graph[v].accepting;
  return trim(full);
}

}  // namespace saturn::automata
