#include "automata/automaton.h"

#include <set>
#include <vector>

#include "automata/minimize.h"
#include "automata/trim.h"

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

bool is_trim(const Automaton& a) { return trim(a).num_states() == a.num_states(); }

bool is_minimal(const Automaton& a) {
  return is_deterministic(a) && is_trim(a) && minimize(a).num_states() == a.num_states();
}

namespace {
void closure(const Automaton& a, std::set<State>& states) {
  std::vector<State> stack(states.begin(), states.end());
  while (!stack.empty()) {
    const State s = stack.back();
    stack.pop_back();
    for (auto e : boost::make_iterator_range(boost::out_edges(s, a.graph)))
      if (a.graph[e].symbol == kEpsilon && states.insert(boost::target(e, a.graph)).second)
        stack.push_back(boost::target(e, a.graph));
  }
}
}  // namespace

bool accepts(const Automaton& a, WordView w) {
  if (a.num_states() == 0) return false;
  std::set<State> current{a.start};
  closure(a, current);
  for (Symbol sym : w) {
    std::set<State> next;
    for (State s : current)
      for (auto e : boost::make_iterator_range(boost::out_edges(s, a.graph)))
        if (a.graph[e].symbol == sym) next.insert(boost::target(e, a.graph));
    closure(a, next);
    current.swap(next);
  }
  for (State s : current)
    if (a.accepting(s)) return true;
  return false;
}

}  // namespace saturn::automata
