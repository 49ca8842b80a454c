#include "automata/determinize.h"

#include <map>
#include <set>
#include <vector>

namespace saturn::automata {

std::set<State> epsilon_closure(const Automaton& a, std::set<State> states) {
  std::vector<State> stack(states.begin(), states.end());
  while (!stack.empty()) {
    const State s = stack.back();
    stack.pop_back();
    for (auto e : boost::make_iterator_range(boost::out_edges(s, a.graph)))
      if (a.graph[e].symbol == kEpsilon && states.insert(boost::target(e, a.graph)).second)
        stack.push_back(boost::target(e, a.graph));
  }
  return states;
}

Automaton determinize(const Automaton& nfa) {
  Automaton dfa;
  dfa.alphabet = nfa.alphabet;
  std::map<std::set<State>, State> index;
  std::vector<std::set<State>> queue;
  auto intern = [&](std::set<State> set) {
    auto it = index.find(set);
    if (it != index.end()) return it->second;
    bool acc = false;
    for (State s : set) acc = acc || nfa.accepting(s);
    const State d = dfa.add_state(acc);
    index.emplace(set, d);
    queue.push_back(std::move(set));
    return d;
  };
  dfa.start = intern(epsilon_closure(nfa, {nfa.start}));
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const std::set<State> current = queue[i];
    const State from = index.at(current);
    for (int a = 0; a < nfa.alphabet.size(); ++a) {
      std::set<State> next;
      for (State s : current)
        for (auto e : boost::make_iterator_range(boost::out_edges(s, nfa.graph)))
          if (nfa.graph[e].symbol == a) next.insert(boost::target(e, nfa.graph));
      if (next.empty()) continue;
      const State to = intern(epsilon_closure(nfa, std::move(next)));
      dfa.add_edge(from, to, a);
    }
  }
  return dfa;
}

}  // namespace saturn::automata
