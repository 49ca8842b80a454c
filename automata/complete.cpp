#include "automata/complete.h"

#include <vector>

namespace saturn::automata {

Automaton complete(const Automaton& dfa) {
  require_deterministic(dfa, "complete");
  Automaton out = dfa;
  const int sigma = dfa.alphabet.size();
  const int n = dfa.num_states();
  State dead = 0;
  bool have_dead = false;
  for (int v = 0; v < n; ++v) {
    std::vector<bool> has(static_cast<std::size_t>(sigma), false);
    for (auto e : boost::make_iterator_range(boost::out_edges(static_cast<State>(v), dfa.graph)))
      has[static_cast<std::size_t>(dfa.graph[e].symbol)] = true;
    for (int a = 0; a < sigma; ++a)
      if (!has[static_cast<std::size_t>(a)]) {
        if (!have_dead) {
          dead = out.add_state(false);
          for (int b = 0; b < sigma; ++b) out.add_edge(dead, dead, b);
          have_dead = true;
        }
        out.add_edge(static_cast<State>(v), dead, a);
      }
  }
  return out;
}

}  // namespace saturn::automata
