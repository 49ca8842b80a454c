// next_symbols agrees with brute force: symbol a is allowed after prefix p iff some member of
// length |p|+1 .. |p|+1+horizon starts with p·a (horizons chosen so that this is exact for the
// prefixes tested), and is_member iff p is a member.
#include <gtest/gtest.h>

#include "tests/languages/language_cases.h"
#include "languages/registry.h"
#include "tests/support/oracles.h"

namespace saturn {
namespace {

class NextSymbols : public ::testing::TestWithParam<testing::LanguageCase> {};

TEST_P(NextSymbols, MatchesBruteForce) {
  const auto& c = GetParam();
  const auto [lang, oracle, sigma] = testing::open_case(c);
  // Suffixes by length, enumerated once.
  std::vector<std::vector<std::string>> suffixes;
  for (int k = 0; k <= c.horizon; ++k) suffixes.push_back(testing::all_strings(sigma, k));
  for (int n = 0; n <= c.prefix_max; ++n)
    for (const auto& p : testing::all_strings(sigma, n)) {
      const auto got = lang->next_symbols(lang->alphabet().parse(p));
      EXPECT_EQ(got.is_member, oracle(p)) << c.spec << " prefix '" << p << "'";
      for (std::size_t a = 0; a < sigma.size(); ++a) {
        bool extends = false;
        for (int k = 0; k <= c.horizon && !extends; ++k)
          for (const auto& s : suffixes[static_cast<std::size_t>(k)])
            if (oracle(p + sigma[a] + s)) {
              extends = true;
              break;
            }
        EXPECT_EQ(got.allows(static_cast<Symbol>(a)), extends) << c.spec << " prefix '" << p << "' symbol " << sigma[a];
      }
    }
}

INSTANTIATE_TEST_SUITE_P(All, NextSymbols, ::testing::ValuesIn(testing::language_cases()),
                         testing::case_name);

}  // namespace
}  // namespace saturn
