#include "automata/compile.h"

#include "core/error.h"

namespace saturn::automata {

DfaTable compile(const Automaton& dfa) {
  require_deterministic(dfa, "compile");
  const int n = dfa.num_states(), sigma = dfa.alphabet.size();
  std::vector<int> order(static_cast<std::size_t>(n), -1);
  std::vector<State> bfs{dfa.start};
  order[dfa.start] = 0;
  for (std::size_t i = 0; i < bfs.size(); ++i) {
    // Visit successors in symbol order for a canonical numbering.
    std::vector<State> succ(static_cast<std::size_t>(sigma), static_cast<State>(-1));
    for (auto e : boost::make_iterator_range(boost::out_edges(bfs[i], dfa.graph)))
      succ[static_cast<std::size_t>(dfa.graph[e].symbol)] = boost::target(e, dfa.graph);
    for (State t : succ)
      if (t != static_cast<State>(-1) && order[t] < 0) {
        order[t] = static_cast<int>(bfs.size());
        bfs.push_back(t);
      }
  }
  DfaTable t;
  t.alphabet = dfa.alphabet;
  t.num_states = static_cast<int>(bfs.size());
  t.start = 0;
  t.next.assign(static_cast<std::size_t>(t.num_states) * static_cast<std::size_t>(sigma), -1);
  t.accepting.assign(static_cast<std::size_t>(t.num_states), 0);
  for (std::size_t i = 0; i < bfs.size(); ++i) {
    t.accepting[i] = dfa.accepting(bfs[i]);
    for (auto e : boost::make_iterator_range(boost::out_edges(bfs[i], dfa.graph)))
      t.next[i * static_cast<std::size_t>(sigma) + static_cast<std::size_t>(dfa.graph[e].symbol)] =
          order[boost::target(e, dfa.graph)];
  }
  return t;
}

}  // namespace saturn::automata
