#include "tests/support/automaton_oracles.h"

#include <set>
#include <utility>
#include <vector>

#include "automata/determinize.h"
#include "automata/trim.h"

namespace saturn::testing {

using automata::Automaton;
using automata::epsilon_closure;
using automata::State;

bool is_trim(const Automaton& a) { return trim(a).num_states() == a.num_states(); }

bool is_minimal(const Automaton& a) {
  if (!is_deterministic(a) || !is_trim(a)) return false;
  // Table filling (Myhill-Nerode), deliberately independent of minimize()'s Hopcroft refinement:
  // mark pairs told apart by acceptance, then pairs whose successors on some symbol are marked,
  // until nothing changes. Missing transitions go to an implicit dead state n.
  const int n = a.num_states(), sigma = a.alphabet.size(), m = n + 1;
  std::vector<int> delta(static_cast<std::size_t>(m * sigma), n);
  for (auto e : boost::make_iterator_range(boost::edges(a.graph)))
    delta[boost::source(e, a.graph) * static_cast<std::size_t>(sigma) + static_cast<std::size_t>(a.graph[e].symbol)] =
        static_cast<int>(boost::target(e, a.graph));
  auto acc = [&](int s) { return s < n && a.accepting(static_cast<State>(s)); };
  std::vector<char> apart(static_cast<std::size_t>(m * m), 0);
  for (int p = 0; p < m; ++p)
    for (int q = 0; q < m; ++q) apart[static_cast<std::size_t>(p * m + q)] = acc(p) != acc(q);
  for (bool changed = true; changed;) {
    changed = false;
    for (int p = 0; p < m; ++p)
      for (int q = 0; q < m; ++q) {
        if (apart[static_cast<std::size_t>(p * m + q)]) continue;
        for (int x = 0; x < sigma; ++x) {
          const int pp = delta[static_cast<std::size_t>(p * sigma + x)], qq = delta[static_cast<std::size_t>(q * sigma + x)];
          if (apart[static_cast<std::size_t>(pp * m + qq)]) {
            apart[static_cast<std::size_t>(p * m + q)] = 1;
            changed = true;
            break;
          }
        }
      }
  }
  for (int p = 0; p < n; ++p)
    for (int q = p + 1; q < n; ++q)
      if (!apart[static_cast<std::size_t>(p * m + q)]) return false;
  return true;
}

bool accepts(const Automaton& a, WordView w) {
  if (a.num_states() == 0) return false;
  std::set<State> current = epsilon_closure(a, {a.start});
  for (Symbol sym : w) {
    std::set<State> next;
    for (State s : current)
      for (auto e : boost::make_iterator_range(boost::out_edges(s, a.graph)))
        if (a.graph[e].symbol == sym) next.insert(boost::target(e, a.graph));
    current = epsilon_closure(a, std::move(next));
  }
  for (State s : current)
    if (a.accepting(s)) return true;
  return false;
}

}  // namespace saturn::testing
