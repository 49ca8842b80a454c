// Sampled members pass the oracle, sampled non-members and near misses fail it, and the samplers
// are uniform (chi-square at p = 0.001 with a fixed seed).
#include <gtest/gtest.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <map>

#include "core/error.h"
#include "tests/languages/language_cases.h"
#include "languages/registry.h"
#include "tests/support/oracles.h"

namespace saturn {
namespace {

class LanguageSampling : public ::testing::TestWithParam<testing::LanguageCase> {};

TEST_P(LanguageSampling, SamplesHaveTheRightLabels) {
  const auto& c = GetParam();
  const auto [lang, oracle, sigma] = testing::open_case(c);
  Rng rng(17);
  for (int n : {0, 1, 5, 8, 12, 30}) {
    for (int i = 0; i < 40; ++i) {
      if (lang->count(n) > 0) {
        const auto w = lang->alphabet().to_string(lang->sample_member(n, rng));
        ASSERT_EQ(static_cast<int>(w.size()), n);
        ASSERT_TRUE(oracle(w)) << c.spec << " sampled member '" << w << "'";
      } else {
        EXPECT_THROW(lang->sample_member(n, rng), NoMembersError);
      }
      if (lang->count_nonmembers(n) > 0) {
        const auto w = lang->alphabet().to_string(lang->sample_nonmember(n, rng));
        ASSERT_EQ(static_cast<int>(w.size()), n);
        ASSERT_FALSE(oracle(w)) << c.spec << " sampled non-member '" << w << "'";
      }
      if (lang->count(n) > 0 && n > 0) {
        try {
          const auto w = lang->alphabet().to_string(lang->near_miss(n, rng));
          ASSERT_EQ(static_cast<int>(w.size()), n);
          ASSERT_FALSE(oracle(w)) << c.spec << " near miss '" << w << "'";
        } catch (const NoMembersError&) {
          FAIL() << "near miss threw NoMembersError with members present";
        } catch (const Error&) {
          // Every one-edit neighbour of the drawn members is a member (e.g. (aa)* has no
          // same-length neighbours outside): acceptable, reported as an error.
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, LanguageSampling, ::testing::ValuesIn(testing::language_cases()),
                         testing::case_name);

// Chi-square test of uniformity over all members (or non-members) of length n.
void expect_uniform(const std::string& spec, int n, bool members, std::uint64_t seed) {
  const auto lang = make_language(spec);
  const auto oracle = testing::oracle_for(spec);
  std::map<std::string, long> hist;
  for (const auto& s : testing::all_strings(lang->alphabet().chars(), n))
    if (oracle(s) == members) hist[s] = 0;
  ASSERT_GT(hist.size(), 1u) << spec;
  const long per_cell = 100, draws = per_cell * static_cast<long>(hist.size());
  Rng rng(seed);
  for (long i = 0; i < draws; ++i) {
    const auto w = lang->alphabet().to_string(members ? lang->sample_member(n, rng) : lang->sample_nonmember(n, rng));
    ASSERT_TRUE(hist.count(w)) << spec << ": drew '" << w << "'";
    ++hist[w];
  }
  double chi2 = 0;
  for (const auto& [_, obs] : hist) chi2 += (obs - per_cell) * (obs - per_cell) / static_cast<double>(per_cell);
  const boost::math::chi_squared dist(static_cast<double>(hist.size() - 1));
  const double critical = boost::math::quantile(dist, 0.999);
  EXPECT_LT(chi2, critical) << spec << " n=" << n << (members ? " members" : " non-members") << " over " << hist.size()
                            << " strings";
}

TEST(Uniformity, MembersAreDrawnUniformly) {
  expect_uniform("dyck:k=2", 6, true, 1);
  expect_uniform("dyck:k=2,depth=2", 6, true, 2);
  expect_uniform("dyck:k=1,depth=3", 14, true, 16);
  expect_uniform("dyck:k=1,depth=5", 12, true, 19);  // the bound excludes one word of 132
  expect_uniform("dyck:k=3,depth=3", 8, true, 17);
  expect_uniform("shuffle_dyck:k=3", 6, true, 18);
  expect_uniform("dyck:k=1", 10, true, 3);
  expect_uniform("shuffle_dyck:k=2", 6, true, 4);
  expect_uniform("majority", 7, true, 5);
  expect_uniform("tomita:n=3", 6, true, 6);
  expect_uniform("regex:pattern=(a|b)*abb(a|b)*", 6, true, 7);
  expect_uniform("palindrome", 8, true, 8);
  expect_uniform("copy", 5, true, 9);
  expect_uniform("palindrome", 9, true, 20);
  expect_uniform("reverse", 7, true, 21);
  expect_uniform("and(majority;parity)", 7, true, 10);
  expect_uniform("counter:m=2", 6, false, 11);
}

TEST(Uniformity, NonMembersAreDrawnUniformly) {
  expect_uniform("dyck:k=1", 6, false, 12);
  expect_uniform("anbn", 6, false, 13);
  expect_uniform("tomita:n=4", 5, false, 14);
  expect_uniform("not(dyck:k=1)", 6, true, 15);
}

}  // namespace
}  // namespace saturn
