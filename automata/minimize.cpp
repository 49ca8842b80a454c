#include "automata/minimize.h"

#include <map>
#include <vector>

#include "automata/complete.h"
#include "automata/trim.h"

namespace saturn::automata {

Automaton minimize(const Automaton& dfa) {
  const Automaton full = complete(trim(dfa));
  const int n = full.num_states(), sigma = full.alphabet.size();
  std::vector<int> delta(static_cast<std::size_t>(n * sigma), -1);
  for (auto e : boost::make_iterator_range(boost::edges(full.graph)))
    delta[boost::source(e, full.graph) * static_cast<std::size_t>(sigma) + static_cast<std::size_t>(full.graph[e].symbol)] =
        static_cast<int>(boost::target(e, full.graph));
  std::vector<int> cls(static_cast<std::size_t>(n));
  for (int v = 0; v < n; ++v) cls[static_cast<std::size_t>(v)] = full.accepting(static_cast<State>(v)) ? 1 : 0;
  int classes = 0;
  for (;;) {
    std::map<std::vector<int>, int> signature;
    std::vector<int> next(static_cast<std::size_t>(n));
    for (int v = 0; v < n; ++v) {
      std::vector<int> sig{cls[static_cast<std::size_t>(v)]};
      for (int a = 0; a < sigma; ++a) sig.push_back(cls[static_cast<std::size_t>(delta[static_cast<std::size_t>(v * sigma + a)])]);
      const auto [it, _] = signature.emplace(sig, static_cast<int>(signature.size()));
      next[static_cast<std::size_t>(v)] = it->second;
    }
    const int count = static_cast<int>(signature.size());
    cls.swap(next);
    if (count == classes) break;
    classes = count;
  }
  Automaton q;
  q.alphabet = full.alphabet;
  for (int c = 0; c < classes; ++c) q.add_state(false);
  std::vector<char> done(static_cast<std::size_t>(classes), 0);
  for (int v = 0; v < n; ++v) {
    const int c = cls[static_cast<std::size_t>(v)];
    if (done[static_cast<std::size_t>(c)]) continue;
    done[static_cast<std::size_t>(c)] = 1;
    q.graph[static_cast<State>(c)].accepting = full.accepting(static_cast<State>(v));
    for (int a = 0; a < sigma; ++a)
      q.add_edge(static_cast<State>(c), static_cast<State>(cls[static_cast<std::size_t>(delta[static_cast<std::size_t>(v * sigma + a)])]), a);
  }
  q.start = static_cast<State>(cls[full.start]);
  return trim(q);
}

int complete_minimal_size(const Automaton& dfa) {
  const Automaton m = minimize(dfa);
  return complete(m).num_states();
}

}  // namespace saturn::automata
