// near_miss against brute force: at every small length, near_miss succeeds exactly when some member
// has a non-member one edit away (by the oracle), its results are non-members one edit from a
// member, and it fails with saturn::Error (not NoMembersError) when no such pair exists.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "languages/registry.h"
#include "tests/languages/language_cases.h"
#include "tests/support/oracles.h"

namespace saturn {
namespace {

// Every same-length string one edit from w: substitutions, adjacent swaps, deletion + insertion.
std::vector<std::string> neighbours(const std::string& w, const std::string& sigma) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < w.size(); ++i)
    for (char c : sigma) {
      std::string v = w;
      v[i] = c;
      if (v != w) out.push_back(v);
    }
  for (std::size_t i = 0; i + 1 < w.size(); ++i) {
    std::string v = w;
    std::swap(v[i], v[i + 1]);
    if (v != w) out.push_back(v);
  }
  for (std::size_t i = 0; i < w.size(); ++i)
    for (std::size_t j = 0; j < w.size(); ++j)
      for (char c : sigma) {
        std::string v = w;
        v.erase(i, 1);
        v.insert(j, 1, c);
        if (v != w) out.push_back(v);
      }
  return out;
}

class NearMiss : public ::testing::TestWithParam<testing::LanguageCase> {};

TEST_P(NearMiss, SucceedsExactlyWhenSomeMemberHasANonMemberNeighbour) {
  const auto& c = GetParam();
  const auto [lang, oracle, sigma] = testing::open_case(c);
  Rng rng(23);
  for (int n = 1; n <= std::min(c.max_n, 6); ++n) {
    bool has_members = false, exists = false;
    for (const auto& s : testing::all_strings(sigma, n)) {
      if (!oracle(s)) continue;
      has_members = true;
      const auto near = neighbours(s, sigma);
      // clang-14 cannot capture a structured binding: capture it under another name.
      exists = exists || std::any_of(near.begin(), near.end(),
                                     [&is_member = oracle](const std::string& v) { return !is_member(v); });
    }
    if (!has_members) {
      EXPECT_THROW(lang->near_miss(n, rng), NoMembersError) << c.spec << " n=" << n;
      continue;
    }
    if (!exists) {
      try {
        lang->near_miss(n, rng);
        ADD_FAILURE() << c.spec << " n=" << n << ": near_miss returned, but no member has a non-member neighbour";
      } catch (const NoMembersError&) {
        ADD_FAILURE() << c.spec << " n=" << n << ": NoMembersError although length " << n << " has members";
      } catch (const Error&) {
      }
      continue;
    }
    for (int i = 0; i < 10; ++i) {
      const auto w = lang->alphabet().to_string(lang->near_miss(n, rng));
      ASSERT_EQ(static_cast<int>(w.size()), n);
      EXPECT_FALSE(oracle(w)) << c.spec << " near miss '" << w << "'";
      const auto near = neighbours(w, sigma);
      EXPECT_TRUE(std::any_of(near.begin(), near.end(), oracle)) << c.spec << " '" << w << "' is not one edit from a member";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, NearMiss, ::testing::ValuesIn(testing::language_cases()),
                         testing::case_name);

TEST(NearMiss, LengthZeroHasNoEdit) {
  Rng rng(1);
  EXPECT_THROW(make_language("dyck:k=1")->near_miss(0, rng), Error);
}

TEST(NearMiss, LongWordsOfSparseLanguages) {
  // Members of (a|b)*abb(a|b)* at length 30 usually contain abb several times: random edits rarely
  // leave the language, and listing a member's neighbourhood finds the near misses.
  const auto lang = make_language("regex:pattern=(a|b)*abb(a|b)*");
  const auto oracle = testing::oracle_for("regex:pattern=(a|b)*abb(a|b)*");
  Rng rng(4);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(oracle(lang->alphabet().to_string(lang->near_miss(30, rng))));
  const auto dyck = make_language("dyck:k=2");
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(dyck->contains(dyck->near_miss(1000, rng)));
}

}  // namespace
}  // namespace saturn
