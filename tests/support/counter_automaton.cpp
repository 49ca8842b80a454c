#include "tests/support/counter_automaton.h"

#include <algorithm>

#include "core/error.h"

namespace saturn::testing {

void CounterAutomaton::add_move(int from, char symbol, int to, std::vector<int> increments) {
  const int a = alphabet_.index_of(symbol);
  if (a < 0 || static_cast<int>(increments.size()) != counters_) throw Error("counter automaton: bad move");
  moves_[{from, a}] = {to, std::move(increments)};
}

bool CounterAutomaton::accepts(WordView w) const {
  int state = 0;
  std::vector<long> c(static_cast<std::size_t>(counters_), 0);
  for (Symbol a : w) {
    const auto it = moves_.find({state, a});
    if (it == moves_.end()) return false;
    state = it->second.first;
    for (int i = 0; i < counters_; ++i) {
      c[static_cast<std::size_t>(i)] += it->second.second[static_cast<std::size_t>(i)];
      if (c[static_cast<std::size_t>(i)] < 0) return false;
    }
  }
  return std::find(accepting_.begin(), accepting_.end(), state) != accepting_.end() &&
         std::all_of(c.begin(), c.end(), [](long x) { return x == 0; });
}

CounterAutomaton counter_language_automaton(int m) {
  const std::string letters = std::string("abcdefgh").substr(0, static_cast<std::size_t>(m));
  // Counter i (0 .. m-2) holds #a1 - #a(i+2); state p = the letter being read.
  CounterAutomaton ca(Alphabet(letters), std::max(1, m - 1));
  const int k = std::max(1, m - 1);
  ca.add_move(0, 'a', 0, std::vector<int>(static_cast<std::size_t>(k), m > 1 ? 1 : 0));
  for (int p = 1; p < m; ++p) {
    std::vector<int> dec(static_cast<std::size_t>(k), 0);
    dec[static_cast<std::size_t>(p - 1)] = -1;
    ca.add_move(p - 1, letters[static_cast<std::size_t>(p)], p, dec);  // first letter of phase p
    ca.add_move(p, letters[static_cast<std::size_t>(p)], p, dec);
  }
  for (int p = 0; p < m; ++p) ca.set_accepting(p);
  return ca;
}

CounterAutomaton shuffle_dyck_automaton(int k) {
  const std::string pairs = std::string("()[]{}<>").substr(0, static_cast<std::size_t>(2 * k));
  CounterAutomaton ca(Alphabet(pairs), k);
  for (int j = 0; j < k; ++j) {
    std::vector<int> up(static_cast<std::size_t>(k), 0), down(static_cast<std::size_t>(k), 0);
    up[static_cast<std::size_t>(j)] = 1;
    down[static_cast<std::size_t>(j)] = -1;
    ca.add_move(0, pairs[static_cast<std::size_t>(2 * j)], 0, up);
    ca.add_move(0, pairs[static_cast<std::size_t>(2 * j + 1)], 0, down);
  }
  ca.set_accepting(0);
  return ca;
}

}  // namespace saturn::testing
