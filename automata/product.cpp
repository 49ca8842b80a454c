#include "automata/product.h"

#include <map>
#include <vector>

#include "automata/complete.h"
#include "automata/trim.h"
#include "core/error.h"

namespace saturn::automata {

namespace {
// Transition table of a complete DFA: [state * sigma + symbol].
std::vector<int> table(const Automaton& full) {
  const int sigma = full.alphabet.size();
  std::vector<int> delta(static_cast<std::size_t>(full.num_states() * sigma), -1);
  for (auto e : boost::make_iterator_range(boost::edges(full.graph)))
    delta[boost::source(e, full.graph) * static_cast<std::size_t>(sigma) + static_cast<std::size_t>(full.graph[e].symbol)] =
        static_cast<int>(boost::target(e, full.graph));
  return delta;
}
}  // namespace

Automaton product(const Automaton& a, const Automaton& b, ProductOp op) {
  if (!(a.alphabet == b.alphabet)) throw Error("product of automata over different alphabets");
  require_deterministic(a, "product");
  require_deterministic(b, "product");
  const Automaton fa = complete(a), fb = complete(b);
  const auto da = table(fa), db = table(fb);
  const int sigma = a.alphabet.size();
  Automaton out;
  out.alphabet = a.alphabet;
  std::map<std::pair<int, int>, State> index;
  std::vector<std::pair<int, int>> queue;
  auto intern = [&](int p, int q) {
    const auto it = index.find({p, q});
    if (it != index.end()) return it->second;
    const bool x = fa.accepting(static_cast<State>(p)), y = fb.accepting(static_cast<State>(q));
    const bool acc = op == ProductOp::intersection ? (x && y) : op == ProductOp::union_ ? (x || y) : (x != y);
    const State s = out.add_state(acc);
    index.emplace(std::make_pair(p, q), s);
    queue.emplace_back(p, q);
    return s;
  };
  out.start = intern(static_cast<int>(fa.start), static_cast<int>(fb.start));
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const auto [p, q] = queue[i];
    const State from = index.at({p, q});
    for (int s = 0; s < sigma; ++s)
      out.add_edge(from, intern(da[static_cast<std::size_t>(p * sigma + s)], db[static_cast<std::size_t>(q * sigma + s)]), s);
  }
  return trim(out);
}

}  // namespace saturn::automata
