#include "automata/determinize.h"

#include <fmt/format.h>

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

StateBudgetError::StateBudgetError(std::size_t budget)
    : Error(fmt::format("the subset construction needs more than {} DFA states (the budget)", budget)),
      budget_(budget) {}

Automaton determinize(const Automaton& nfa, std::size_t max_states) {
  Automaton dfa;
  dfa.alphabet = nfa.alphabet;
  // Each DFA state's set of NFA states, kept once as a sorted vector (the map's key; the queue
  // points at it): a fifth of the memory of std::set nodes, which matters near the budget.
  std::map<std::vector<State>, State> index;
  std::vector<std::pair<const std::vector<State>*, State>> queue;
  auto intern = [&](const std::set<State>& set) {
    std::vector<State> key(set.begin(), set.end());
    auto it = index.find(key);
    if (it != index.end()) return it->second;
    if (index.size() == max_states) throw StateBudgetError(max_states);
    bool acc = false;
    for (State s : key) acc = acc || nfa.accepting(s);
    const State d = dfa.add_state(acc);
    it = index.emplace(std::move(key), d).first;
    queue.emplace_back(&it->first, d);
    return d;
  };
  dfa.start = intern(epsilon_closure(nfa, {nfa.start}));
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const auto [current, from] = queue[i];
    for (int a = 0; a < nfa.alphabet.size(); ++a) {
      std::set<State> next;
      for (State s : *current)
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
