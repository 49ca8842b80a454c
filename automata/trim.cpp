#include "automata/trim.h"

#include <vector>

namespace saturn::automata {

Automaton trim(const Automaton& a) {
  const auto n = static_cast<std::size_t>(a.num_states());
  std::vector<char> reach(n, 0), coreach(n, 0);
  std::vector<State> stack;
  if (n > 0) {
    reach[a.start] = 1;
    stack.push_back(a.start);
  }
  while (!stack.empty()) {
    const State s = stack.back();
    stack.pop_back();
    for (auto e : boost::make_iterator_range(boost::out_edges(s, a.graph))) {
      const State t = boost::target(e, a.graph);
      if (!reach[t]) reach[t] = 1, stack.push_back(t);
    }
  }
  for (std::size_t v = 0; v < n; ++v)
    if (a.accepting(static_cast<State>(v))) coreach[v] = 1, stack.push_back(static_cast<State>(v));
  while (!stack.empty()) {
    const State s = stack.back();
    stack.pop_back();
    for (auto e : boost::make_iterator_range(boost::in_edges(s, a.graph))) {
      const State t = boost::source(e, a.graph);
      if (!coreach[t]) coreach[t] = 1, stack.push_back(t);
    }
  }
  Automaton out;
  out.alphabet = a.alphabet;
  if (n == 0 || !coreach[a.start]) {
    out.start = out.add_state(false);
    return out;
  }
  std::vector<long> map(n, -1);
  // Keep the start first, then the other live states in their original order.
  map[a.start] = static_cast<long>(out.add_state(a.accepting(a.start)));
  for (std::size_t v = 0; v < n; ++v)
    if (reach[v] && coreach[v] && map[v] < 0) map[v] = static_cast<long>(out.add_state(a.accepting(static_cast<State>(v))));
  out.start = static_cast<State>(map[a.start]);
  for (auto e : boost::make_iterator_range(boost::edges(a.graph))) {
    const State s = boost::source(e, a.graph), t = boost::target(e, a.graph);
    if (map[s] >= 0 && map[t] >= 0) out.add_edge(static_cast<State>(map[s]), static_cast<State>(map[t]), a.graph[e].symbol);
  }
  return out;
}

}  // namespace saturn::automata
