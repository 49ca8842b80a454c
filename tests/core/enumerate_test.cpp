#include "core/enumerate.h"

#include <gtest/gtest.h>

#include <set>

namespace saturn {
namespace {

TEST(Enumerate, VisitsEveryWordOnceInAnyThreadCount) {
  for (int threads : {1, 2, 3}) {
    ThreadLimit limit(threads);
    // Sum of a word hash over all ternary words of length 9, plus the count: a missed or repeated
    // word changes one of the two.
    using Acc = std::pair<std::uint64_t, std::uint64_t>;
    const auto r = reduce_words(
        3, 9, Acc{0, 0},
        [](WordView w, Acc& acc) {
          std::uint64_t idx = 0;
          for (auto s : w) idx = idx * 3 + s;
          acc.first += idx * idx;
          acc.second += 1;
        },
        [](Acc a, Acc b) { return Acc{a.first + b.first, a.second + b.second}; });
    std::uint64_t expect = 0;
    for (std::uint64_t i = 0; i < 19683; ++i) expect += i * i;
    EXPECT_EQ(r.second, 19683u);
    EXPECT_EQ(r.first, expect);
  }
}

TEST(Enumerate, DecodeMatchesOdometer) {
  Word w(4), v(4);
  decode_word(2, 0, w);
  for (std::uint64_t i = 0; i < 16; ++i) {
    decode_word(2, i, v);
    EXPECT_EQ(w, v) << i;
    EXPECT_EQ(next_word(2, w), i + 1 < 16);
  }
}

TEST(Enumerate, LengthZeroHasOneWord) {
  EXPECT_EQ(num_words(5, 0), 1u);
  const int n = reduce_words(
      2, 0, 0, [](WordView w, int& acc) { acc += static_cast<int>(w.size()) + 1; },
      [](int a, int b) { return a + b; });
  EXPECT_EQ(n, 1);
}

TEST(Enumerate, OverflowIsReported) { EXPECT_THROW(num_words(2, 70), std::overflow_error); }

}  // namespace
}  // namespace saturn
