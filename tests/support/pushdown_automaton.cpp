#include "tests/support/pushdown_automaton.h"

#include <algorithm>

#include "core/error.h"

namespace saturn::testing {

void PushdownAutomaton::add_move(int from, char symbol, int top, int to, bool pop, std::vector<int> push) {
  const int a = alphabet_.index_of(symbol);
  if (a < 0) throw Error("pushdown automaton: symbol not in the alphabet");
  moves_[{from, a, top}] = Move{to, pop, std::move(push)};
}

bool PushdownAutomaton::accepts(WordView w) const {
  int state = 0;
  std::vector<int> stack;
  for (Symbol a : w) {
    const int top = stack.empty() ? kEmptyStack : stack.back();
    auto it = moves_.find({state, a, top});
    if (it == moves_.end()) it = moves_.find({state, a, kAnyTop});
    if (it == moves_.end()) return false;
    const Move& m = it->second;
    if (m.pop) {
      if (stack.empty()) return false;
      stack.pop_back();
    }
    stack.insert(stack.end(), m.push.begin(), m.push.end());
    if (max_height_ > 0 && static_cast<int>(stack.size()) > max_height_) return false;
    state = m.to;
  }
  return stack.empty() && std::find(accepting_.begin(), accepting_.end(), state) != accepting_.end();
}

PushdownAutomaton dyck_automaton(int k, int depth) {
  const std::string pairs = std::string("()[]{}<>").substr(0, static_cast<std::size_t>(2 * k));
  PushdownAutomaton pda(Alphabet(pairs), depth);
  for (int j = 0; j < k; ++j) {
    pda.add_move(0, pairs[static_cast<std::size_t>(2 * j)], PushdownAutomaton::kAnyTop, 0, false, {j});
    pda.add_move(0, pairs[static_cast<std::size_t>(2 * j + 1)], j, 0, true, {});  // close matches the top only
  }
  pda.set_accepting(0);
  return pda;
}

}  // namespace saturn::testing
