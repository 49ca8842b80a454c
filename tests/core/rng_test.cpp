#include "core/rng.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/bigint.h"

namespace saturn {
namespace {

TEST(Rng, SameSeedSameStream) {
  Rng a(42, 7), b(42, 7), c(42, 8);
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    EXPECT_NE(x, c.next());
  }
}

TEST(Rng, UniformBelowIsRoughlyUniform) {
  Rng rng(1);
  std::vector<int> hist(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) ++hist[rng.uniform_below(7)];
  double chi2 = 0;
  for (int h : hist) chi2 += (h - n / 7.0) * (h - n / 7.0) / (n / 7.0);
  EXPECT_LT(chi2, 22.46);  // p = 0.001 critical value, 6 degrees of freedom
}

TEST(BigInt, UniformBelowLargeBoundStaysInRangeAndCoversTopHalf) {
  Rng rng(3);
  const BigInt bound = (BigInt(1) << 130) + 12345;
  int top = 0;
  for (int i = 0; i < 2000; ++i) {
    const BigInt x = uniform_below(bound, rng);
    ASSERT_GE(x, 0);
    ASSERT_LT(x, bound);
    if (x >= bound / 2) ++top;
  }
  EXPECT_GT(top, 850);
  EXPECT_LT(top, 1150);
}

}  // namespace
}  // namespace saturn
