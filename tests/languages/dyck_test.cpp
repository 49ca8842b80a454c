#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "languages/combinatorics.h"
#include "languages/registry.h"
#include "tests/support/error_message.h"
#include "tests/support/oracles.h"

namespace saturn {
namespace {

TEST(Dyck, CountsAreKToTheNTimesCatalan) {
  for (int k = 1; k <= 4; ++k) {
    const auto lang = make_language("dyck:k=" + std::to_string(k));
    for (int n = 0; n <= 40; ++n) {
      BigInt expected = testing::catalan(n);
      for (int i = 0; i < n; ++i) expected *= k;
      EXPECT_EQ(lang->count(2 * n), expected) << "k=" << k << " n=" << n;
      EXPECT_EQ(lang->count(2 * n + 1), 0);
    }
  }
  EXPECT_EQ(make_language("dyck:k=2")->count(20), 17199104);
}

// The unbounded sampler closes with probability h (r + h + 2) / (2 r (h + 1)); that ratio must be
// exactly ballot(r - 1, h - 1) / ballot(r, h) wherever ballot(r, h) > 0.
TEST(Dyck, CloseProbabilityIsTheBallotRatio) {
  for (int r = 1; r <= 80; ++r)
    for (int h = 1; h <= r; ++h) {
      if ((r - h) % 2 != 0) continue;
      ASSERT_GT(ballot(r, h), 0);
      EXPECT_EQ(ballot(r - 1, h - 1) * (2 * r * (h + 1)), ballot(r, h) * (h * (r + h + 2))) << "r=" << r << " h=" << h;
    }
}

TEST(Dyck, BoundedDepthCountsMatchTheTransferMatrix) {
  // Dyck-1 with depth <= 1 is (())*-free: only ()()...(), one word per even length; depth <= 2 at
  // length 2n: 2^(n-1) words (n >= 1), since each top-level block is () or (()...()).
  const auto d1 = make_language("dyck:k=1,depth=1");
  const auto d2 = make_language("dyck:k=1,depth=2");
  for (int n = 1; n <= 30; ++n) {
    EXPECT_EQ(d1->count(2 * n), 1);
    EXPECT_EQ(d2->count(2 * n), BigInt(1) << (n - 1));
  }
  // With depth >= n/2 the bound never binds (and no table is built: depth 100000 stays cheap).
  EXPECT_EQ(make_language("dyck:k=3,depth=10")->count(20), make_language("dyck:k=3")->count(20));
  const auto deep = make_language("dyck:k=2,depth=100000");
  EXPECT_EQ(deep->count(2000), make_language("dyck:k=2")->count(2000));
  Rng rng(8);
  EXPECT_TRUE(deep->contains(deep->sample_member(2000, rng)));
  // Just below and at the bound.
  const auto d5 = make_language("dyck:k=1,depth=5");
  EXPECT_EQ(d5->count(10), testing::catalan(5));
  EXPECT_EQ(d5->count(12), testing::catalan(6) - 1);  // only "(" x 6 then ")" x 6 is too deep
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(d5->contains(d5->sample_member(12, rng)));
}

TEST(Dyck, OddLengthsHaveNoMembersAndSayWhy) {
  const auto lang = make_language("dyck:k=2");
  Rng rng(1);
  try {
    lang->sample_member(7, rng);
    FAIL();
  } catch (const NoMembersError& e) {
    EXPECT_STREQ(e.what(), "dyck:k=2 has no members of length 7");
  }
}

TEST(Dyck, LongSamplesAreBalanced) {
  const auto lang = make_language("dyck:k=3");
  Rng rng(5);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(lang->contains(lang->sample_member(1000, rng)));
  const auto bounded = make_language("dyck:k=2,depth=3");
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(bounded->contains(bounded->sample_member(200, rng)));
}

TEST(ShuffleDyck, CountsMatchTheConvolutionOfCatalanNumbers) {
  // Shuffle-Dyck-2 at length 4: "(())", "()()", "[[]]", "[][]" and the 6 * 1 * 1 interleavings of
  // "()" with "[]" -> 4 + 6 = 10.
  EXPECT_EQ(make_language("shuffle_dyck:k=2")->count(4), 10);
  EXPECT_EQ(make_language("shuffle_dyck:k=1")->count(10), testing::catalan(5));
  const auto lang = make_language("shuffle_dyck:k=3");
  Rng rng(2);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(lang->contains(lang->sample_member(100, rng)));
}

TEST(Registry, ClearErrors) {
  auto message = [](const std::string& spec) { return testing::error_message([&] { make_language(spec); }); };
  EXPECT_EQ(message("dyck:k=0"), "language 'dyck': parameter 'k' = 0 is outside 1..8");
  EXPECT_EQ(message("dyck"), "language 'dyck' needs parameter 'k'");
  EXPECT_EQ(message("dyck:k=2,colour=red"), "language 'dyck' has no parameter 'colour' (parameters: k, depth)");
  EXPECT_EQ(message("tomita:n=x"), "language 'tomita': parameter 'n' = 'x' is not an integer");
  EXPECT_EQ(message("and(anbn;dyck:k=1)"),
            "and(anbn;dyck:k=1): the languages have different alphabets (\"ab\" and \"()\")");
  EXPECT_EQ(message("regex:pattern=(ab"), "regex '(ab': missing ')' at column 4");
  EXPECT_NE(message("nosuch").find("unknown language 'nosuch'"), std::string::npos);
  EXPECT_EQ(message("and(anbn)"), "language 'and(anbn)': and(...) takes two languages separated by ';'");
}

std::string repeat(const std::string& s, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += s;
  return out;
}

// and/or/not nest at most kMaxSpecNesting deep: one more is an error naming the limit (25000
// nested not(...) used to overflow the stack), and so is a regex nested too deep inside a spec.
TEST(Registry, NestingBeyondTheLimitIsAnErrorNotAStackOverflow) {
  auto nots = [](int depth) { return repeat("not(", depth) + "parity" + std::string(depth, ')'); };
  const auto deepest = make_language(nots(kMaxSpecNesting));  // an even number of not(...): parity
  const Alphabet& a = deepest->alphabet();
  EXPECT_TRUE(deepest->contains(a.parse("1")));
  EXPECT_FALSE(deepest->contains(a.parse("11")));
  const auto over = nots(kMaxSpecNesting + 1);
  EXPECT_EQ(testing::error_message([&] { make_language(over); }),
            fmt::format("language '{}...' ({} characters): and/or/not nested more than {} deep (the limit, "
                        "kMaxSpecNesting)",
                        repeat("not(", 15), over.size(), kMaxSpecNesting));
  EXPECT_THROW(make_language(nots(25000)), Error);
  EXPECT_THROW(make_language(repeat("and(parity;", 25000) + "parity" + std::string(25000, ')')), Error);
  const auto regex = "regex:pattern=" + std::string(30000, '(') + "a" + std::string(30000, ')');
  EXPECT_NE(testing::error_message([&] { make_language(regex); }).find("nested more than 1000 deep"),
            std::string::npos);
}

TEST(Registry, SpecsRoundTrip) {
  for (const char* spec : {"dyck:k=2", "dyck:k=2,depth=3", "anbn", "tomita:n=3", "modcount:m=3,r=1",
                           "and(majority;parity)", "not(dyck:k=1)", "regex:pattern=(ab)*"})
    EXPECT_EQ(make_language(spec)->spec(), spec);
}

}  // namespace
}  // namespace saturn
