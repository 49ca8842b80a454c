// A real-time deterministic pushdown automaton: on each symbol, a move chosen by (state, symbol,
// stack top or kEmptyStack) pops the top or not and pushes a string of stack symbols; a bounded
// stack height (optional) rejects deeper pushes. Accepts with an empty stack in an accepting state.
//
// Written independently of languages/: the Dyck instances are membership oracles for the tests.
#pragma once

#include <map>
#include <tuple>
#include <vector>

#include "core/word.h"

namespace saturn::testing {

class PushdownAutomaton {
 public:
  static constexpr int kEmptyStack = -1;
  static constexpr int kAnyTop = -2;

  explicit PushdownAutomaton(Alphabet alphabet, int max_height = 0)
      : alphabet_(std::move(alphabet)), max_height_(max_height) {}

  // On `symbol` in `from` with top `top` (a stack symbol, kEmptyStack, or kAnyTop): pop the top
  // when `pop`, push `push` (last element ends on top), go to `to`.
  void add_move(int from, char symbol, int top, int to, bool pop, std::vector<int> push);
  void set_accepting(int state) { accepting_.push_back(state); }
  bool accepts(WordView w) const;

 private:
  struct Move {
    int to;
    bool pop;
    std::vector<int> push;
  };
  Alphabet alphabet_;
  int max_height_;
  std::map<std::tuple<int, int, int>, Move> moves_;
  std::vector<int> accepting_;
};

// Dyck-k over "()[]{}<>" (k <= 4), with nesting depth at most `depth` when depth > 0.
PushdownAutomaton dyck_automaton(int k, int depth = 0);

}  // namespace saturn::testing
