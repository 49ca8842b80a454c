// completions(state, r) from every reachable state of a short prefix equals the brute-force number
// of suffixes of length r that the oracle accepts after that prefix (count() only checks the start
// state; this checks the DP or closed form everywhere the samplers use it).
#include <gtest/gtest.h>

#include <algorithm>

#include "languages/registry.h"
#include "tests/languages/language_cases.h"
#include "tests/support/oracles.h"

namespace saturn {
namespace {

class Completions : public ::testing::TestWithParam<testing::LanguageCase> {};

TEST_P(Completions, EqualBruteForceFromEveryShortPrefix) {
  const auto& c = GetParam();
  const auto [lang, oracle, sigma] = testing::open_case(c);
  for (int len = 0; len <= std::min(c.prefix_max, 3); ++len)
    for (const auto& p : testing::all_strings(sigma, len)) {
      LangState s = lang->start();
      bool alive = true;
      for (Symbol a : lang->alphabet().parse(p)) alive = alive && lang->step(s, a);
      if (!alive) continue;  // completions' precondition: a state reached without dying
      for (int r = 0; r <= std::min(6, c.max_n - len); ++r) {
        long expected = 0;
        for (const auto& u : testing::all_strings(sigma, r)) expected += oracle(p + u);
        EXPECT_EQ(lang->completions(s, r), expected) << c.spec << " prefix '" << p << "' r=" << r;
      }
    }
}

// Languages that override count() (closed forms) must agree with their own completions().
TEST_P(Completions, CountEqualsCompletionsFromTheStart) {
  const auto lang = make_language(GetParam().spec);
  for (int n = 0; n <= 24; ++n) EXPECT_EQ(lang->count(n), lang->completions(lang->start(), n)) << GetParam().spec << " n=" << n;
}

TEST_P(Completions, DeadStatesHaveNoMemberExtensions) {
  const auto& c = GetParam();
  const auto [lang, oracle, sigma] = testing::open_case(c);
  for (int len = 1; len <= std::min(c.prefix_max, 3); ++len)
    for (const auto& p : testing::all_strings(sigma, len)) {
      LangState s = lang->start();
      bool alive = true;
      for (Symbol a : lang->alphabet().parse(p)) alive = alive && lang->step(s, a);
      if (alive) continue;
      for (int r = 0; r <= std::min(4, c.max_n - len); ++r)
        for (const auto& u : testing::all_strings(sigma, r))
          ASSERT_FALSE(oracle(p + u)) << c.spec << ": step() died on '" << p << "' but '" << p + u << "' is a member";
    }
}

INSTANTIATE_TEST_SUITE_P(All, Completions, ::testing::ValuesIn(testing::language_cases()),
                         testing::case_name);

}  // namespace
}  // namespace saturn
