// count(n) equals brute-force enumeration with an independent oracle, and contains() agrees with
// the oracle on every string, for every language and every n <= 12 (less for big alphabets).
#include <gtest/gtest.h>

#include "tests/languages/language_cases.h"
#include "languages/registry.h"
#include "tests/support/oracles.h"

namespace saturn {
namespace {

class LanguageCounts : public ::testing::TestWithParam<testing::LanguageCase> {};

TEST_P(LanguageCounts, CountEqualsBruteForceAndContainsEqualsOracle) {
  const auto& c = GetParam();
  const auto [lang, oracle, sigma] = testing::open_case(c);
  ASSERT_TRUE(oracle) << "no oracle for " << c.spec;
  for (int n = 0; n <= c.max_n; ++n) {
    long members = 0;
    for (const auto& s : testing::all_strings(sigma, n)) {
      const bool expected = oracle(s);
      members += expected;
      ASSERT_EQ(lang->contains(lang->alphabet().parse(s)), expected) << c.spec << " on '" << s << "'";
    }
    EXPECT_EQ(lang->count(n), members) << c.spec << " at length " << n;
  }
}

INSTANTIATE_TEST_SUITE_P(All, LanguageCounts, ::testing::ValuesIn(testing::language_cases()),
                         testing::case_name);

}  // namespace
}  // namespace saturn
