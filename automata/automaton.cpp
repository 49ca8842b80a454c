#include "automata/automaton.h"

#include <set>
#include <string>
#include <vector>

#include "core/error.h"

namespace saturn::automata {

bool is_deterministic(const Automaton& a) {
  for (auto v : boost::make_iterator_range(boost::vertices(a.graph))) {
    std::set<int> seen;
    for (auto e : boost::make_iterator_range(boost::out_edges(v, a.graph))) {
      const int sym = a.graph[e].symbol;
      if (sym == kEpsilon || !seen.insert(sym).second) return false;
    }
  }
  return true;
}

void require_deterministic(const Automaton& a, std::string_view algorithm) {
  if (!is_deterministic(a))
    throw Error(std::string(algorithm) +
                ": the automaton is not deterministic (it has an epsilon edge or two edges on one symbol from one state); "
                "determinize it first");
}

}  // namespace saturn::automata
