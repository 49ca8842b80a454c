// The independent counter and pushdown automata agree with the languages' own acceptors and with
// the brute-force oracles on every string up to length 12 over binary and ternary alphabets, and
// up to the largest length that keeps a test under a few seconds over larger ones (4^10, 6^7).
#include <gtest/gtest.h>

#include "tests/support/counter_automaton.h"
#include "tests/support/pushdown_automaton.h"
#include "languages/registry.h"
#include "tests/support/oracles.h"

namespace saturn {
namespace {

template <class Automaton>
void crosscheck(const Automaton& a, const std::string& spec, int max_n) {
  const auto lang = make_language(spec);
  const auto oracle = testing::oracle_for(spec);
  for (int n = 0; n <= max_n; ++n)
    for (const auto& s : testing::all_strings(lang->alphabet().chars(), n)) {
      const Word w = lang->alphabet().parse(s);
      const bool expected = oracle(s);
      ASSERT_EQ(a.accepts(w), expected) << spec << " automaton on '" << s << "'";
      ASSERT_EQ(lang->contains(w), expected) << spec << " language on '" << s << "'";
    }
}

TEST(Crosscheck, CounterAutomata) {
  crosscheck(testing::counter_language_automaton(2), "anbn", 12);
  crosscheck(testing::counter_language_automaton(3), "anbncn", 12);
  crosscheck(testing::counter_language_automaton(4), "counter:m=4", 9);
  crosscheck(testing::shuffle_dyck_automaton(1), "shuffle_dyck:k=1", 12);
  crosscheck(testing::shuffle_dyck_automaton(2), "shuffle_dyck:k=2", 10);
}

TEST(Crosscheck, PushdownAutomata) {
  crosscheck(testing::dyck_automaton(1), "dyck:k=1", 12);
  crosscheck(testing::dyck_automaton(2), "dyck:k=2", 10);
  crosscheck(testing::dyck_automaton(2, 2), "dyck:k=2,depth=2", 10);
  crosscheck(testing::dyck_automaton(3, 1), "dyck:k=3,depth=1", 7);
}

TEST(Crosscheck, SampledMembersPassTheAutomataAndNonMembersFail) {
  const auto lang = make_language("dyck:k=2");
  const auto pda = testing::dyck_automaton(2);
  Rng rng(4);
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(pda.accepts(lang->sample_member(40, rng)));
    EXPECT_FALSE(pda.accepts(lang->sample_nonmember(40, rng)));
    EXPECT_FALSE(pda.accepts(lang->near_miss(40, rng)));
  }
  const auto anbncn = make_language("anbncn");
  const auto ca = testing::counter_language_automaton(3);
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(ca.accepts(anbncn->sample_member(30, rng)));
    EXPECT_FALSE(ca.accepts(anbncn->sample_nonmember(30, rng)));
    EXPECT_FALSE(ca.accepts(anbncn->near_miss(30, rng)));
  }
}

}  // namespace
}  // namespace saturn
