// Each automaton operation keeps its invariants (deterministic / trim / minimal), equivalence is
// decided two independent ways (product emptiness and brute force over every string up to length
// 10), and the invariant checkers themselves reject automata that break them.
#include <gtest/gtest.h>

#include <regex>

#include "automata/compile.h"
#include "automata/complement.h"
#include "automata/complete.h"
#include "automata/determinize.h"
#include "automata/equivalent.h"
#include "automata/minimize.h"
#include "automata/product.h"
#include "automata/regex_to_nfa.h"
#include "automata/trim.h"
#include "core/error.h"
#include "core/rng.h"
#include "tests/support/automaton_oracles.h"
#include "tests/support/oracles.h"

namespace saturn::automata {
namespace {

using testing::accepts;
using testing::is_minimal;
using testing::is_trim;

const Alphabet kAb("ab");

Automaton dfa_of(const std::string& pattern) { return determinize(regex_to_nfa(pattern, kAb)); }

// Brute force: the two automata agree on every string of length <= max_n.
bool agree_up_to(const Automaton& a, const Automaton& b, int max_n) {
  for (int n = 0; n <= max_n; ++n)
    for (const auto& s : testing::all_strings("ab", n))
      if (accepts(a, kAb.parse(s)) != accepts(b, kAb.parse(s))) return false;
  return true;
}

const std::vector<std::string> kPatterns = {"(ab)*",      "a*b*",       "(a|b)*abb(a|b)*", "a(ba)*|b+", "(aa|b)*",
                                            "(a*b*)*",    "(a|b)*",     "(ab)*a",          "a(ba)*",    "(ab)+",
                                            "b*(ab*ab*)*", "(ab|ba)*",  "a?b?a?b?",        "[ab]*a[ab]", "(b|ab)*a?",
                                            "((a|b)(a|b))*", "(aa|ab|ba|bb)*"};

TEST(Operations, EveryStepKeepsItsInvariants) {
  for (const auto& p : kPatterns) {
    const Automaton nfa = regex_to_nfa(p, kAb);
    const Automaton d = determinize(nfa);
    EXPECT_TRUE(is_deterministic(d)) << p;
    const Automaton t = trim(d);
    EXPECT_TRUE(is_deterministic(t)) << p;
    EXPECT_TRUE(is_trim(t)) << p;
    const Automaton full = complete(t);
    EXPECT_TRUE(is_deterministic(full)) << p;
    EXPECT_EQ(static_cast<int>(boost::num_edges(full.graph)), full.num_states() * kAb.size()) << p;
    const Automaton m = minimize(d);
    EXPECT_TRUE(is_minimal(m)) << p;
    EXPECT_LE(m.num_states(), t.num_states()) << p;
    const Automaton c = complement(m);
    EXPECT_TRUE(is_deterministic(c) && is_trim(c)) << p;
    EXPECT_TRUE(is_minimal(minimize(c))) << p;
    const Automaton i = product(m, c, ProductOp::intersection);
    EXPECT_TRUE(is_deterministic(i) && is_trim(i)) << p;
    EXPECT_TRUE(agree_up_to(nfa, m, 10)) << p;
    EXPECT_TRUE(agree_up_to(nfa, t, 10)) << p;
    for (int n = 0; n <= 8; ++n)
      for (const auto& s : testing::all_strings("ab", n))
        ASSERT_NE(accepts(m, kAb.parse(s)), accepts(c, kAb.parse(s))) << p << " complement on '" << s << "'";
  }
}

TEST(Operations, EquivalenceAgreesWithBruteForceOnEveryPair) {
  int equal_pairs = 0;
  for (const auto& p : kPatterns)
    for (const auto& q : kPatterns) {
      const Automaton a = minimize(dfa_of(p)), b = minimize(dfa_of(q));
      const bool by_product = equivalent(a, b);
      // Complete DFAs with m and n states that differ are told apart by a word of length at most
      // m + n - 2, so brute force up to length 10 decides equivalence for these small automata.
      ASSERT_LE(complete_minimal_size(a) + complete_minimal_size(b) - 2, 10) << p << " vs " << q;
      EXPECT_EQ(by_product, agree_up_to(a, b, 10)) << p << " vs " << q;
      // Uniqueness of the minimal DFA: equivalent automata compile to the same canonical table.
      if (by_product) {
        ++equal_pairs;
        const DfaTable ta = compile(a), tb = compile(b);
        EXPECT_EQ(ta.next, tb.next) << p << " vs " << q;
        EXPECT_EQ(ta.accepting, tb.accepting) << p << " vs " << q;
      }
    }
  // The list holds three equivalent pairs ((a*b*)* = (a|b)*, (ab)*a = a(ba)*,
  // ((a|b)(a|b))* = (aa|ab|ba|bb)*), each counted twice, plus the diagonal.
  EXPECT_EQ(equal_pairs, static_cast<int>(kPatterns.size()) + 6);
}

TEST(Operations, ProductsAreIntersectionUnionAndSymmetricDifference) {
  const Automaton a = minimize(dfa_of("(a|b)*a(a|b)")), b = minimize(dfa_of("(ab|b)*"));
  const Automaton i = product(a, b, ProductOp::intersection), u = product(a, b, ProductOp::union_),
                  x = product(a, b, ProductOp::symmetric_difference);
  for (int n = 0; n <= 10; ++n)
    for (const auto& s : testing::all_strings("ab", n)) {
      const Word w = kAb.parse(s);
      const bool in_a = accepts(a, w), in_b = accepts(b, w);
      ASSERT_EQ(accepts(i, w), in_a && in_b) << s;
      ASSERT_EQ(accepts(u, w), in_a || in_b) << s;
      ASSERT_EQ(accepts(x, w), in_a != in_b) << s;
    }
  EXPECT_THROW(product(a, minimize(determinize(regex_to_nfa("ab", Alphabet("abc")))), ProductOp::union_), Error);
}

TEST(Operations, EmptyLanguageAndEmptyWord) {
  const Automaton some = minimize(dfa_of("a*b*"));
  EXPECT_FALSE(is_empty(some));
  const Automaton empty = product(some, complement(some), ProductOp::intersection);
  EXPECT_TRUE(is_empty(empty));
  EXPECT_EQ(empty.num_states(), 1);
  EXPECT_TRUE(is_minimal(empty));
  const Automaton epsilon = minimize(dfa_of("()"));
  EXPECT_FALSE(is_empty(epsilon));
  EXPECT_EQ(epsilon.num_states(), 1);
  EXPECT_TRUE(accepts(epsilon, Word{}));
  EXPECT_FALSE(accepts(epsilon, kAb.parse("a")));
}

TEST(Operations, CheckersRejectBrokenAutomata) {
  // Two equivalent accepting states: (a|b)* written with a redundant copy.
  Automaton twice;
  twice.alphabet = kAb;
  const State p = twice.add_state(true), q = twice.add_state(true);
  twice.start = p;
  twice.add_edge(p, q, 0);
  twice.add_edge(p, p, 1);
  twice.add_edge(q, p, 0);
  twice.add_edge(q, q, 1);
  EXPECT_TRUE(is_deterministic(twice));
  EXPECT_TRUE(is_trim(twice));
  EXPECT_FALSE(is_minimal(twice));
  EXPECT_EQ(minimize(twice).num_states(), 1);

  // An unreachable state and a dead state.
  Automaton loose = twice;
  loose.add_state(true);                      // unreachable
  const State dead = loose.add_state(false);  // reachable, never accepts
  loose.add_edge(p, dead, 0);                 // also makes p nondeterministic on 'a'
  EXPECT_FALSE(is_trim(loose));
  EXPECT_FALSE(is_deterministic(loose));
  EXPECT_FALSE(is_minimal(loose));
  EXPECT_EQ(trim(loose).num_states(), 2);

  // Epsilon edges are not deterministic; compile refuses them.
  const Automaton nfa = regex_to_nfa("a|b", kAb);
  EXPECT_FALSE(is_deterministic(nfa));
  EXPECT_THROW(compile(nfa), Error);
}

TEST(Operations, MinimizeRandomDfas) {
  // Random partial DFAs (1..12 states, 2 or 3 symbols): minimize must give an equivalent
  // automaton that the independent table-filling checker calls minimal, agree with brute force,
  // and be idempotent.
  Rng rng(12);
  for (int trial = 0; trial < 400; ++trial) {
    Automaton a;
    a.alphabet = Alphabet(trial % 2 == 0 ? "ab" : "abc");
    const int n = 1 + static_cast<int>(rng.uniform_below(12));
    for (int s = 0; s < n; ++s) a.add_state(rng.uniform_below(3) == 0);
    a.start = static_cast<State>(rng.uniform_below(static_cast<std::uint64_t>(n)));
    for (int s = 0; s < n; ++s)
      for (int x = 0; x < a.alphabet.size(); ++x)
        if (rng.uniform_below(8) != 0)  // some transitions missing
          a.add_edge(static_cast<State>(s), static_cast<State>(rng.uniform_below(static_cast<std::uint64_t>(n))), x);
    const Automaton m = minimize(a);
    ASSERT_TRUE(is_minimal(m)) << "trial " << trial;
    ASSERT_TRUE(equivalent(a, m)) << "trial " << trial;
    ASSERT_EQ(minimize(m).num_states(), m.num_states()) << "trial " << trial;
    ASSERT_LE(m.num_states(), n) << "trial " << trial;
    for (int len = 0; len <= 5; ++len)
      for (const auto& s : testing::all_strings(a.alphabet.chars(), len))
        ASSERT_EQ(accepts(a, a.alphabet.parse(s)), accepts(m, a.alphabet.parse(s))) << "trial " << trial << " '" << s << "'";
  }
}

// determinize stops at its budget of DFA states: (a|b)*a(a|b)^k needs 2^(k+1) subsets, so without
// the budget a 100-character pattern asked for gigabytes (18 copies) or bad_alloc (20 copies).
TEST(Operations, DeterminizeStopsAtItsStateBudget) {
  const Alphabet ab("ab");
  auto pattern = [](int k) {
    std::string p = "(a|b)*a";
    for (int i = 0; i < k; ++i) p += "(a|b)";
    return p;
  };
  const Automaton nfa = regex_to_nfa(pattern(3), ab);
  const Automaton full = determinize(nfa);
  const auto n = static_cast<std::size_t>(full.num_states());
  EXPECT_EQ(minimize(full).num_states(), 16);  // 2^(k+1): the last k+1 symbols
  const Automaton at_budget = determinize(nfa, n);
  EXPECT_EQ(static_cast<std::size_t>(at_budget.num_states()), n);
  EXPECT_TRUE(equivalent(at_budget, full));
  try {
    determinize(nfa, n - 1);
    ADD_FAILURE() << "no StateBudgetError with a budget of " << n - 1;
  } catch (const StateBudgetError& e) {
    EXPECT_EQ(e.budget(), n - 1);
    EXPECT_EQ(std::string(e.what()),
              "the subset construction needs more than " + std::to_string(n - 1) + " DFA states (the budget)");
  }
  EXPECT_THROW(determinize(regex_to_nfa(pattern(12), ab), 4096), StateBudgetError);  // needs 8192
  EXPECT_THROW(determinize(regex_to_nfa(pattern(20), ab)), StateBudgetError);        // the default budget
}

TEST(Operations, CompleteAddsOneDeadStateOnlyWhenNeeded) {
  const Automaton partial = minimize(dfa_of("ab"));
  const Automaton full = complete(partial);
  EXPECT_EQ(full.num_states(), partial.num_states() + 1);
  EXPECT_TRUE(equivalent(partial, full));
  EXPECT_EQ(complete(full).num_states(), full.num_states());
  EXPECT_FALSE(is_trim(full));
}

}  // namespace
}  // namespace saturn::automata
