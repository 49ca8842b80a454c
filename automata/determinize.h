// Subset construction: an NFA (with epsilon edges) to an equivalent DFA whose states are the
// reachable sets of NFA states. Not in place. Worst case O(2^n) states; partial (no dead state).
// The number of DFA states is capped by a budget: (a|b)*a(a|b)^k needs 2^(k+1) states, so a short
// pattern can ask for gigabytes; past the budget determinize throws StateBudgetError instead.
#pragma once

#include <cstddef>
#include <set>

#include "automata/automaton.h"
#include "core/error.h"

namespace saturn::automata {

// The default budget of DFA states: far above the automata of tasks.yaml and the tests (at most a
// few hundred states), far below what exhausts memory (~10 KB per state while determinizing).
inline constexpr std::size_t kDefaultMaxDfaStates = 100000;

// Thrown by determinize when the DFA would need more than `budget` states.
class StateBudgetError : public Error {
 public:
  explicit StateBudgetError(std::size_t budget);
  std::size_t budget() const { return budget_; }

 private:
  std::size_t budget_;
};

// Throws StateBudgetError (before allocating state max_states + 1) when the DFA needs more than
// max_states states.
Automaton determinize(const Automaton& nfa, std::size_t max_states = kDefaultMaxDfaStates);

// The states reachable from `states` by epsilon edges alone (`states` included). O(states + edges).
std::set<State> epsilon_closure(const Automaton& a, std::set<State> states);

}  // namespace saturn::automata
