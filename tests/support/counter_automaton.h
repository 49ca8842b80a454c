// A real-time (one move per symbol) deterministic counter automaton: finitely many control
// states and non-negative integer counters; each (state, symbol) move adds a vector of increments
// and changes state. A move that would drive a counter below 0, or a missing move, rejects.
// Accepts when the final state is accepting and every counter is 0.
//
// Written independently of languages/: the instances below are membership oracles that the tests
// cross-check against the languages' own acceptors.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "core/word.h"

namespace saturn::testing {

class CounterAutomaton {
 public:
  CounterAutomaton(Alphabet alphabet, int num_counters) : alphabet_(std::move(alphabet)), counters_(num_counters) {}

  void add_move(int from, char symbol, int to, std::vector<int> increments);
  void set_accepting(int state) { accepting_.push_back(state); }
  bool accepts(WordView w) const;
  const Alphabet& alphabet() const { return alphabet_; }

 private:
  Alphabet alphabet_;
  int counters_;
  std::map<std::pair<int, int>, std::pair<int, std::vector<int>>> moves_;
  std::vector<int> accepting_;
};

// a1^n a2^n ... am^n over the first m letters (m = 2: a^n b^n; m = 3: a^n b^n c^n).
CounterAutomaton counter_language_automaton(int m);
// Shuffle-Dyck-k over the bracket pairs "()", "[]", "{}", "<>" (k <= 4); k = 1 is Dyck-1.
CounterAutomaton shuffle_dyck_automaton(int k);

}  // namespace saturn::testing
