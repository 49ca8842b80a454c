// The DFA sampler is exact unranking of a uniform rank: unrank enumerates the members in
// lexicographic order (checked against brute force), round-trips with an independent ranking
// function across the switch from BigInt to 64-bit arithmetic, and samples have the exact
// marginal distributions at lengths where counts exceed 2^64.
#include <gtest/gtest.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <thread>

#include "automata/compile.h"
#include "automata/complete.h"
#include "automata/determinize.h"
#include "automata/dfa_counter.h"
#include "automata/minimize.h"
#include "automata/regex_to_nfa.h"
#include "core/error.h"
#include "tests/support/oracles.h"

namespace saturn::automata {
namespace {

DfaTable minimal_table(const std::string& pattern, const Alphabet& alphabet) {
  return compile(minimize(determinize(regex_to_nfa(pattern, alphabet))));
}

// Independent ranking: the number of members of length |w| that are lexicographically smaller,
// by the textbook sum over positions of the counts of smaller first-differing symbols.
BigInt rank_of(const DfaCounter& c, WordView w) {
  const DfaTable& t = c.table();
  const int n = static_cast<int>(w.size());
  BigInt rank = 0;
  int s = t.start;
  for (int i = 0; i < n; ++i) {
    for (int a = 0; a < w[static_cast<std::size_t>(i)]; ++a)
      if (t.step(s, static_cast<Symbol>(a)) >= 0) rank += c.completions(t.step(s, static_cast<Symbol>(a)), n - i - 1);
    s = t.step(s, w[static_cast<std::size_t>(i)]);
  }
  return rank;
}

TEST(DfaSampler, UnrankListsTheMembersInLexicographicOrder) {
  const Alphabet abc("abc");
  for (const char* p : {"(a|b)*abb(a|b)*", "(ab|c)*", "[abc]*c[ab]", "a*(bc)*a?"}) {
    const DfaCounter c(minimal_table(p, abc));
    for (int n = 0; n <= 7; ++n) {
      std::vector<Word> members;
      for (const auto& s : testing::all_strings("abc", n))  // lexicographic by symbol index
        if (c.table().accepts(abc.parse(s))) members.push_back(abc.parse(s));
      ASSERT_EQ(c.count(n), members.size()) << p << " n=" << n;
      for (std::size_t k = 0; k < members.size(); ++k) ASSERT_EQ(c.unrank(n, k), members[k]) << p << " n=" << n;
      EXPECT_THROW(c.unrank(n, members.size()), Error);
    }
  }
}

TEST(DfaSampler, UnrankOfAllWordsIsBinaryNotation) {
  // Over (a|b)*, the rank-x word of length n spells x in binary (a = 0, b = 1), most significant
  // bit first; n = 100 starts on BigInt and ends on 64-bit arithmetic.
  const DfaCounter c(minimal_table("(a|b)*", Alphabet("ab")));
  Rng rng(5);
  const int n = 100;
  for (int k = 0; k < 200; ++k) {
    const BigInt x = uniform_below(c.count(n), rng);
    const Word w = c.unrank(n, x);
    BigInt back = 0;
    for (Symbol a : w) back = back * 2 + a;
    ASSERT_EQ(back, x);
  }
}

TEST(DfaSampler, RankRoundTripsAcrossTheBigIntBoundary) {
  const Alphabet ab("ab");
  for (const char* p : {"(a|b)*abb(a|b)*", "(a|bb)*", "b*(ab*ab*)*"}) {
    // An incomplete minimal table and the same one completed with a dead state.
    const Automaton m = minimize(determinize(regex_to_nfa(p, ab)));
    for (const DfaTable& table : {compile(m), compile(complete(m))}) {
      const DfaCounter c(table);
      Rng rng(6);
      for (int n : {0, 1, 5, 63, 64, 65, 66, 90, 200}) {
        const BigInt total = c.count(n);
        if (total == 0) continue;
        std::vector<BigInt> ranks{0, total - 1, total / 2};
        if (total > 2) ranks.push_back(total - 2);
        for (int k = 0; k < 20; ++k) ranks.push_back(uniform_below(total, rng));
        for (const BigInt& x : ranks) {
          const Word w = c.unrank(n, x);
          ASSERT_EQ(static_cast<int>(w.size()), n);
          ASSERT_TRUE(table.accepts(w)) << p << " n=" << n;
          ASSERT_EQ(rank_of(c, w), x) << p << " n=" << n;
        }
        const Word s = c.sample(n, rng);
        ASSERT_TRUE(table.accepts(s)) << p << " n=" << n;
      }
    }
  }
}

TEST(DfaSampler, MarginalsAreExactBeyond64Bits) {
  // Uniform members of length 80 of (a|b)*abb(a|b)* (about 2^80 of them, sampled on BigInt):
  // the symbol pair at positions (i, i+1) follows its exact distribution
  //   P(w_i w_{i+1} = xy) = sum_s F_i(s) * completions(step(step(s, x), y), n - i - 2) / count(n),
  // with F_i(s) the number of prefixes of length i leading to s. Chi-square at the 0.999 quantile
  // for pairs around the switch from BigInt to 64-bit arithmetic (position ~16) and at the ends.
  const Alphabet ab("ab");
  const DfaCounter c(minimal_table("(a|b)*abb(a|b)*", ab));
  const DfaTable& t = c.table();
  const int n = 80, samples = 20000;
  Rng rng(7);
  std::vector<Word> words;
  for (int k = 0; k < samples; ++k) words.push_back(c.sample(n, rng));
  std::vector<BigInt> forward(static_cast<std::size_t>(t.num_states), 0);  // F_i
  forward[static_cast<std::size_t>(t.start)] = 1;
  const double limit = boost::math::quantile(boost::math::chi_squared(3), 0.999);
  for (int i = 0; i + 1 < n; ++i) {
    if (i <= 2 || (i >= 12 && i <= 20) || i >= n - 3) {
      double chi2 = 0;
      for (int x = 0; x < 2; ++x)
        for (int y = 0; y < 2; ++y) {
          BigInt ways = 0;
          for (int s = 0; s < t.num_states; ++s) {
            const int u = t.step(s, static_cast<Symbol>(x));
            const int v = u < 0 ? -1 : t.step(u, static_cast<Symbol>(y));
            if (v >= 0) ways += forward[static_cast<std::size_t>(s)] * c.completions(v, n - i - 2);
          }
          const double expected = samples * static_cast<double>(ways * (BigInt(1) << 60) / c.count(n)) / 0x1p60;
          long observed = 0;
          for (const Word& w : words) observed += w[static_cast<std::size_t>(i)] == x && w[static_cast<std::size_t>(i + 1)] == y;
          if (expected > 0) chi2 += (observed - expected) * (observed - expected) / expected;
          else EXPECT_EQ(observed, 0);
        }
      EXPECT_LT(chi2, limit) << "positions " << i << ", " << i + 1;
    }
    std::vector<BigInt> next(forward.size(), 0);
    for (int s = 0; s < t.num_states; ++s)
      for (int a = 0; a < 2; ++a)
        if (t.step(s, static_cast<Symbol>(a)) >= 0)
          next[static_cast<std::size_t>(t.step(s, static_cast<Symbol>(a)))] += forward[static_cast<std::size_t>(s)];
    forward.swap(next);
  }
}

TEST(DfaSampler, SameSeedSameWordsAndNoMembersThrows) {
  const DfaCounter c(minimal_table("(aa)*", Alphabet("a")));
  Rng rng(1);
  EXPECT_THROW(c.sample(3, rng), NoMembersError);
  EXPECT_THROW(c.sample(-1, rng), NoMembersError);
  EXPECT_EQ(c.count(4), 1);
  EXPECT_EQ(c.completions(c.table().start, -1), 0);
  const DfaCounter d(minimal_table("(a|b)*abb(a|b)*", Alphabet("ab")));
  Rng r1(9), r2(9);
  for (int n : {10, 70, 300}) EXPECT_EQ(d.sample(n, r1), d.sample(n, r2));
}

TEST(DfaSampler, ConcurrentUseGivesTheSequentialResults) {
  // Rows grow under a lock while other threads read them: each thread's draws must equal the same
  // draws made alone on a fresh counter.
  const DfaTable table = minimal_table("(a|b)*abb(a|b)*", Alphabet("ab"));
  const int threads = 4;
  auto work = [](const DfaCounter& c, int id) {
    Rng rng(100 + static_cast<std::uint64_t>(id));
    std::vector<Word> out;
    for (int k = 0; k < 40; ++k) out.push_back(c.sample(10 + 37 * ((k * 7 + id) % 23), rng));
    out.push_back(c.unrank(500 + id, c.count(500 + id) / 3));
    return out;
  };
  std::vector<std::vector<Word>> expected;
  for (int id = 0; id < threads; ++id) {
    const DfaCounter alone(table);
    expected.push_back(work(alone, id));
  }
  const DfaCounter shared(table);
  std::vector<std::vector<Word>> got(threads);
  std::vector<std::thread> pool;
  for (int id = 0; id < threads; ++id) pool.emplace_back([&, id] { got[static_cast<std::size_t>(id)] = work(shared, id); });
  for (auto& t : pool) t.join();
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace saturn::automata
