// The preconditions the automata headers state are checked: every algorithm that needs a
// deterministic input (complete, minimize, complete_minimal_size, complement, product, equivalent,
// compile) throws saturn::Error naming itself on an epsilon edge and on two edges with one symbol
// from one state, and accepts a partial DFA; DfaCounter refuses a malformed table.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "automata/compile.h"
#include "automata/complement.h"
#include "automata/complete.h"
#include "automata/determinize.h"
#include "automata/dfa_counter.h"
#include "automata/equivalent.h"
#include "automata/minimize.h"
#include "automata/product.h"
#include "automata/regex_to_nfa.h"
#include "core/error.h"
#include "tests/support/error_message.h"

namespace saturn::automata {
namespace {

const Alphabet kAb("ab");

// a* with an epsilon edge 0 -> 1 (1 accepting, loops on a).
Automaton with_epsilon() {
  Automaton a;
  a.alphabet = kAb;
  const State s0 = a.add_state(false), s1 = a.add_state(true);
  a.add_edge(s0, s1, kEpsilon);
  a.add_edge(s1, s1, 0);
  a.start = s0;
  return a;
}

// Two edges on 'a' out of the start: to an accepting and to a rejecting state.
Automaton with_two_edges_on_one_symbol() {
  Automaton a;
  a.alphabet = kAb;
  const State s0 = a.add_state(false), s1 = a.add_state(true), s2 = a.add_state(false);
  a.add_edge(s0, s1, 0);
  a.add_edge(s0, s2, 0);
  a.start = s0;
  return a;
}

// A partial DFA for "ab" (no edge on 'b' from the start, none out of the accepting state).
Automaton partial_dfa() { return determinize(regex_to_nfa("ab", kAb)); }

struct Algorithm {
  std::string name;  // as the error message names it
  std::function<void(const Automaton&)> run;
};

std::vector<Algorithm> algorithms() {
  const Automaton ok = partial_dfa();
  return {
      {"complete", [](const Automaton& a) { complete(a); }},
      {"minimize", [](const Automaton& a) { minimize(a); }},
      {"minimize", [](const Automaton& a) { complete_minimal_size(a); }},
      {"complement", [](const Automaton& a) { complement(a); }},
      {"product", [ok](const Automaton& a) { product(a, ok, ProductOp::intersection); }},
      {"product", [ok](const Automaton& a) { product(ok, a, ProductOp::union_); }},
      {"equivalent", [ok](const Automaton& a) { equivalent(a, ok); }},
      {"equivalent", [ok](const Automaton& a) { equivalent(ok, a); }},
      {"compile", [](const Automaton& a) { compile(a); }},
  };
}

// Every algorithm of algorithms() throws saturn::Error naming itself on `nfa`.
void expect_every_algorithm_refuses(const Automaton& nfa) {
  ASSERT_FALSE(is_deterministic(nfa));
  for (const auto& alg : algorithms()) {
    const std::string msg = testing::error_message([&] { alg.run(nfa); });
    EXPECT_EQ(msg.rfind(alg.name + ": the automaton is not deterministic", 0), 0u) << alg.name << ": '" << msg << "'";
  }
}

TEST(Preconditions, EveryAlgorithmRefusesAnEpsilonEdge) { expect_every_algorithm_refuses(with_epsilon()); }

TEST(Preconditions, EveryAlgorithmRefusesTwoEdgesOnOneSymbol) { expect_every_algorithm_refuses(with_two_edges_on_one_symbol()); }

TEST(Preconditions, APartialDfaIsAccepted) {
  const Automaton dfa = partial_dfa();
  ASSERT_TRUE(is_deterministic(dfa));
  for (const auto& alg : algorithms()) EXPECT_EQ(testing::error_message([&] { alg.run(dfa); }), "") << alg.name;
}

TEST(Preconditions, DeterminizeAndTrimTakeAnyAutomaton) {
  // The algorithms without the precondition still run on the NFAs above.
  EXPECT_TRUE(is_deterministic(determinize(with_epsilon())));
  EXPECT_TRUE(is_deterministic(determinize(with_two_edges_on_one_symbol())));
  EXPECT_FALSE(is_empty(with_epsilon()));
}

TEST(Preconditions, CounterRefusesAMalformedTable) {
  const DfaTable good = compile(minimize(partial_dfa()));
  EXPECT_NO_THROW(good.validate());
  EXPECT_EQ(DfaCounter(good).count(2), BigInt(1));
  const std::vector<std::pair<std::string, std::function<void(DfaTable&)>>> breakages = {
      {"states", [](DfaTable& t) { t.num_states = 0; }},
      {"start state", [](DfaTable& t) { t.start = t.num_states; }},
      {"start state", [](DfaTable& t) { t.start = -1; }},
      {"transitions for", [](DfaTable& t) { t.next.pop_back(); }},
      {"accepting flags", [](DfaTable& t) { t.accepting.push_back(0); }},
      {"goes to", [](DfaTable& t) { t.next[1] = t.num_states; }},
      {"goes to", [](DfaTable& t) { t.next[0] = -2; }},
  };
  for (const auto& [what, breakage] : breakages) {
    DfaTable bad = good;
    breakage(bad);
    const std::string msg = testing::error_message([&] { DfaCounter counter(bad); });
    EXPECT_NE(msg.find(what), std::string::npos) << what << ": '" << msg << "'";
  }
}

}  // namespace
}  // namespace saturn::automata
