// Regular languages: a Language over a compiled minimal DFA table (state = {dfa state}), with
// membership, counting, exactly uniform member sampling and next-symbol sets taken straight from
// the table and its count DP (automata/dfa_counter.h) rather than the generic base-class walks.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "automata/dfa_counter.h"
#include "languages/language.h"

namespace saturn {

namespace automata {
struct Automaton;
}

class RegularLanguage : public Language {
 public:
  // `automaton` may be an NFA; it is determinised, minimised and compiled. Determinising stops
  // with automata::StateBudgetError past max_dfa_states states (automata/determinize.h; the
  // three-argument form uses automata::kDefaultMaxDfaStates).
  RegularLanguage(std::string spec, std::string description, const automata::Automaton& automaton);
  RegularLanguage(std::string spec, std::string description, const automata::Automaton& automaton,
                  std::size_t max_dfa_states);

  std::string spec() const override { return spec_; }
  std::string description() const override { return description_; }
  const Alphabet& alphabet() const override { return counter_.table().alphabet; }

  LangState start() const override { return {counter_.table().start}; }
  bool step(LangState& s, Symbol a) const override;
  bool accepting(const LangState& s) const override;
  BigInt completions(const LangState& s, int r) const override;
  bool live(const LangState& s) const override;

  bool contains(WordView w) const override { return counter_.table().accepts(w); }
  BigInt count(int n) const override {
    check_length(*this, n);
    return counter_.count(n);
  }
  Word sample_member(int n, Rng& rng) const override;
  NextSymbols next_symbols(WordView prefix) const override;

  const automata::DfaTable& table() const { return counter_.table(); }
  // The minimal DFA as a Boost.Graph automaton (for DOT export and analysis).
  const automata::Automaton& automaton() const { return *minimal_; }

 private:
  std::string spec_, description_;
  std::shared_ptr<const automata::Automaton> minimal_;
  automata::DfaCounter counter_;
};

// A DFA given as a table: transitions (from, symbol char, to); missing transitions are dead.
struct DfaSpec {
  std::string alphabet;
  int states = 0;
  int start = 0;
  std::vector<int> accepting;
  std::vector<std::tuple<int, char, int>> transitions;
};
automata::Automaton automaton_from_spec(const DfaSpec& spec);

}  // namespace saturn
